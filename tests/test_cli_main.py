"""The CLI foundation: --version, --help, init, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from aggregator import __version__
from aggregator.cli.main import app

runner = CliRunner()


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AISAFETY_JOBS_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from aggregator.cli.main import main; main()", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_global_options_and_hides_secrets(tmp_path: Path) -> None:
    result = _cli("--help", cwd=tmp_path, env={"AISAFETY_JOBS_SECRET_KEY": "topsecret"})
    assert result.returncode == 0
    for option in ("--db", "--config", "--verbose", "--version", "init"):
        assert option in result.stdout
    assert "topsecret" not in result.stdout + result.stderr


def test_init_creates_embedded_database_and_is_idempotent(tmp_path: Path) -> None:
    first = _cli("init", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "var" / "aisafety-jobs.db").exists()
    second = _cli("init", cwd=tmp_path)
    assert second.returncode == 0
    assert "revision" in second.stdout


def test_init_on_the_test_database(db_url: str, tmp_path: Path) -> None:
    result = _cli("--db", db_url, "init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var").exists() or db_url.startswith("sqlite")


def _one_line_error(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and needle in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_database_url(tmp_path: Path) -> None:
    _one_line_error(_cli("--db", "not a url", "init", cwd=tmp_path), "malformed database URL")


def test_unreachable_postgres(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"
    _one_line_error(_cli("--db", url, "init", cwd=tmp_path), "cannot connect")


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {"AISAFETY_JOBS_DATA_DIR": str(blocker / "sub")}
    _one_line_error(_cli("init", cwd=tmp_path, env=env), "data_dir")


def test_unknown_setting_in_config(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text("colour = 'blue'\n")
    result = _cli("--config", str(tmp_path / "s.toml"), "init", cwd=tmp_path)
    _one_line_error(result, "unknown setting 'colour'")
    assert not (tmp_path / "var").exists(), "nothing half-created"


def test_verbose_shows_traceback(tmp_path: Path) -> None:
    result = _cli("-v", "--db", "not a url", "init", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
