"""``aisafety-jobs serve`` runs uvicorn with the app for the configured database."""

from __future__ import annotations

import os
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.settings import Settings
from aggregator.web.serving import SETTINGS_ENV, app_from_environment

runner = CliRunner()


def test_serve_uses_settings_and_flags(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        assert isinstance(application, FastAPI)
        calls.append(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("AISAFETY_JOBS_WEB_WORKERS", "1")
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AISAFETY_JOBS_SECRET_KEY", "k")
    result = runner.invoke(app, ["--db", settings.database_url, "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert "http://127.0.0.1:8123" in result.output


def test_serve_rejects_a_bad_port() -> None:
    result = runner.invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0


def test_serve_starts_worker_processes_with_the_same_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    apps: list[FastAPI] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        calls.append((application, kwargs))
        apps.append(app_from_environment())  # what each worker process does

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AISAFETY_JOBS_SECRET_KEY", "k")
    result = runner.invoke(app, ["--db", settings.database_url, "serve", "--port", "8124"])
    assert result.exit_code == 0, result.output
    target, kwargs = calls[0]
    assert target == "aggregator.web.serving:app_from_environment"
    assert kwargs["factory"] is True and kwargs["workers"] == 2
    assert "2 processes" in result.output
    worker_settings = apps[0].state.settings
    assert worker_settings.database_url == settings.database_url
    assert worker_settings.secret_key == "k"
    assert SETTINGS_ENV not in os.environ  # not left behind for later commands
