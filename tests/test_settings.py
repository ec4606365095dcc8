"""Settings: precedence, bad input, documentation, secrets."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from pydantic import ValidationError

from aggregator.errors import ConfigError
from aggregator.paths import config_file
from aggregator.settings import Settings, load_settings


def test_every_setting_is_documented_in_the_example_file() -> None:
    example = config_file("settings.example.toml").read_text()
    documented = set(re.findall(r"^# ?(\w+) = ", example, flags=re.M))
    missing = [f.name for f in fields(Settings) if f.name not in documented]
    assert not missing, f"add these settings to config/settings.example.toml: {missing}"
    for f in fields(Settings):
        assert f.metadata["help"], f"setting {f.name} has no help text"


def test_example_file_values_are_the_defaults() -> None:
    text = config_file("settings.example.toml").read_text()
    body = "\n".join(line[2:] for line in text.splitlines() if re.match(r"^# \w+ = ", line))
    settings = load_settings(overrides={}, environ={}, config_path=_write(body))
    assert settings == load_settings(environ={}, config_path=_write(""))


def _write(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "settings.toml"
    path.write_text(text)
    return path


def test_precedence_file_then_environment_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('base_url = "https://file.example"\ndigest_max_items = 10\n')
    env = {"AISAFETY_JOBS_DIGEST_MAX_ITEMS": "12", "AISAFETY_JOBS_PRODUCTION": "false"}
    settings = load_settings(path, overrides={"base_url": "https://flag.example"}, environ=env)
    assert settings.base_url == "https://flag.example"
    assert settings.digest_max_items == 12


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nope = 1", "unknown setting 'nope'"),
        ('web_port = "eighty"', "setting 'web_port'"),
        ("production = 3", "setting 'production'"),
        ("base_url = [", "not valid TOML"),
        ('digest_weekday = "someday"', "digest_weekday"),
        ("digest_hour = 24", "setting 'digest_hour' from .*less than or equal to 23, got 24$"),
        ("crawl_batch_size = 0", "'crawl_batch_size' .*greater than or equal to 1"),
        ('fixed_now = "soon"', "'fixed_now' .*must be an ISO 8601 time, got 'soon'"),
        ("web_port = true", "'web_port' .*valid integer, got True"),
    ],
)
def test_bad_config_file_names_the_setting(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(path, environ={})


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="AISAFETY_JOBS_WEB_PORT"):
        load_settings(environ={"AISAFETY_JOBS_WEB_PORT": "x"})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_secret_key_generated_once_outside_production(tmp_path: Path) -> None:
    settings = load_settings(overrides={"data_dir": str(tmp_path)}, environ={})
    key = settings.resolved_secret_key()
    assert len(key) >= 32
    assert settings.resolved_secret_key() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_missing_secret_key_in_production_is_a_clear_error(tmp_path: Path) -> None:
    settings = load_settings(overrides={"data_dir": str(tmp_path), "production": True}, environ={})
    with pytest.raises(ConfigError, match="AISAFETY_JOBS_SECRET_KEY"):
        settings.resolved_secret_key()


def test_redacted_hides_secrets() -> None:
    settings = load_settings(
        overrides={"secret_key": "s3cret", "mail_url": "smtp://u:pw@h:25"}, environ={}
    )
    shown = str(settings.redacted())
    assert "s3cret" not in shown and "pw@" not in shown


def test_settings_made_in_code_are_checked_too() -> None:
    settings = load_settings(environ={})
    with pytest.raises(ValidationError):
        replace(settings, digest_hour=99)
    with pytest.raises(ValidationError):
        replace(settings, web_port="eighty")
    assert replace(settings, digest_hour=23).digest_hour == 23
