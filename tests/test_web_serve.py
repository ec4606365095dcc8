"""``aisafety-jobs serve`` runs uvicorn with the app for the configured database."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.settings import Settings

runner = CliRunner()


def test_serve_uses_settings_and_flags(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        assert isinstance(application, FastAPI)
        calls.append(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AISAFETY_JOBS_SECRET_KEY", "k")
    result = runner.invoke(app, ["--db", settings.database_url, "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert "http://127.0.0.1:8123" in result.output


def test_serve_rejects_a_bad_port() -> None:
    result = runner.invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
