"""Every setting, declared once with its default and help text.

Precedence, lowest first: the defaults below, a TOML file (``--config PATH``, else
``config/settings.toml`` in the working directory when present), environment variables
``AISAFETY_JOBS_<NAME>``, then command-line flags such as ``--db``.
``config/settings.example.toml`` documents every setting (a test keeps it complete).
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from aggregator import clock
from aggregator.errors import ConfigError

ENV_PREFIX = "AISAFETY_JOBS_"
DEFAULT_CONFIG_PATH = Path("config/settings.toml")


def setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    production: bool = setting(
        False, "Production mode: a missing secret key is an error instead of being generated."
    )
    data_dir: str = setting(
        "./var", "Folder for the embedded SQLite database, the outbox and the generated secret."
    )
    database_url: str = setting(
        "",
        "SQLAlchemy URL; empty means the embedded SQLite file <data_dir>/aisafety-jobs.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname",
        secret=True,
    )
    secret_key: str = setting(
        "",
        "Key that signs confirmation, manage and unsubscribe links. Empty outside production "
        "mode: one is generated and kept in <data_dir>/secret_key.",
        secret=True,
    )
    base_url: str = setting(
        "http://127.0.0.1:8000", "Public URL of the web UI, used in email links and feeds."
    )
    mail_url: str = setting(
        "",
        "Where mail goes: outbox:///path/to/dir (one .eml per message), smtp://, smtps:// or "
        "smtp+starttls://user:pass@host:port. Empty means outbox://<data_dir>/outbox.",
        secret=True,
    )
    mail_from: str = setting("aisafety-jobs <digest@localhost>", "From address of every email.")
    mail_reply_to: str = setting("", "Reply-To address; empty for none.")
    unsubscribe_mailto: str = setting(
        "unsubscribe@localhost", "Address for the mailto: form of the List-Unsubscribe header."
    )
    digest_max_items: int = setting(30, "Most postings listed in one digest.")
    digest_weekday: str = setting("mon", "Day a weekly digest is sent (mon..sun), local time.")
    digest_hour: int = setting(8, "Local hour (0-23) after which a due digest is sent.")
    digest_max_attempts: int = setting(5, "Send attempts before a digest is marked failed.")
    digest_processes: int = setting(
        0, "Processes rendering digests in 'digest send' (0: one per CPU core, 1: none)."
    )
    confirm_max_age_hours: int = setting(
        72, "Hours a confirmation link stays valid; unconfirmed sign-ups then expire."
    )
    smtp_timeout_seconds: float = setting(30.0, "Timeout of one SMTP conversation step.")
    smtp_connections: int = setting(
        2, "SMTP connections 'digest send' uses at once (each in its own thread)."
    )
    sources_file: str = setting(
        "", "Source registry (TOML); empty means the bundled config/sources.toml."
    )
    taxonomy_file: str = setting(
        "", "Role and skill taxonomy (TOML); empty means the bundled config/taxonomy.toml."
    )
    crawl_concurrency: int = setting(4, "Crawl subprocesses running at once.")
    crawl_timeout_seconds: int = setting(
        900, "Hard limit for one source's crawl subprocess; it is killed after this."
    )
    crawl_interval_hours: float = setting(
        12.0, "Default interval between crawls of one source (a source may set its own)."
    )
    user_agent: str = setting(
        "aisafety-jobs/0.1 (+https://github.com/aisafety-jobs/aisafety-jobs)",
        "User agent of every request, with a contact URL.",
    )
    usajobs_api_key: str = setting(
        "",
        "USAJOBS Search API key (free, from developer.usajobs.gov); without it the usajobs "
        "platform's sources are skipped.",
        secret=True,
    )
    usajobs_email: str = setting(
        "", "Contact email USAJOBS asks for as the User-Agent of its API (with the key)."
    )
    download_delay: float = setting(1.0, "Seconds between requests to one host.")
    http_cache: bool = setting(False, "Cache HTTP responses on disk (development only).")
    web_host: str = setting("127.0.0.1", "Address the web UI listens on.")
    web_port: int = setting(8000, "Port the web UI listens on.")
    subscribe_rate_limit: int = setting(
        5, "Sign-ups allowed per hour from one IP address and to one email address."
    )
    trusted_proxies: str = setting(
        "",
        "Comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto headers are believed; empty: none (the peer is the client).",
    )
    crawl_batch_size: int = setting(
        10,
        "Sources crawled by one crawl subprocess (each still succeeds or fails on its own); "
        "the hard timeout applies to the whole batch.",
    )
    download_timeout_seconds: float = setting(
        30.0, "Timeout of one HTTP request made by a crawl (the whole download)."
    )
    source_timeout_seconds: float = setting(
        300.0,
        "Total time one source may take in a crawl (every request, retry and wait); past it "
        "the source is recorded as 'timeout' and the other sources of its batch go on.",
    )
    stale_after_days: int = setting(
        60,
        "Days after which a posting seen only on a forum or board, with no deadline, counts "
        "as expired unless its source still lists it.",
    )
    fixed_now: str = setting(
        "",
        "Fixed current time (ISO 8601, e.g. 2026-12-20T09:00:00Z) for demos and tests; "
        "empty means the real clock.",
    )

    # -- derived values -------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'aisafety-jobs.db').resolve()}"

    @property
    def resolved_mail_url(self) -> str:
        return self.mail_url or f"outbox://{(self.data_path / 'outbox').resolve()}"

    def resolved_secret_key(self) -> str:
        """The signing key; generated once and stored in the data dir outside production."""
        if self.secret_key:
            return self.secret_key
        if self.production:
            raise ConfigError(
                "secret_key is required in production mode: set AISAFETY_JOBS_SECRET_KEY"
            )
        path = self.data_path / "secret_key"
        if path.exists():
            return path.read_text().strip()
        ensure_data_dir(self)
        key = secrets.token_urlsafe(32)
        path.write_text(key + "\n")
        path.chmod(0o600)
        return key

    def redacted(self) -> dict[str, Any]:
        """Every setting with secrets hidden, for display and logs."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = "***" if f.metadata["secret"] and value else value
        return out


SETTINGS = tuple(fields(Settings))
_BY_NAME = {f.name: f for f in SETTINGS}


def _coerce(name: str, value: Any, origin: str) -> Any:
    kind = _BY_NAME[name].type
    kind = kind if isinstance(kind, str) else kind.__name__
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on"}:
                return True
            if isinstance(value, str) and value.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError
        if kind == "int":
            if isinstance(value, (bool, float)):
                raise ValueError
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if not isinstance(value, str):
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise ConfigError(
            f"setting {name!r} from {origin} must be of type {kind}, got {value!r}"
        ) from None


def load_settings(
    config_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, a TOML file, the environment and overrides."""
    values: dict[str, Any] = {}
    path = Path(config_path) if config_path else DEFAULT_CONFIG_PATH
    if config_path or path.exists():
        try:
            data = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        for name, value in data.items():
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r} in {path}")
            values[name] = _coerce(name, value, str(path))
    env = os.environ if environ is None else environ
    for name in _BY_NAME:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key], key)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, "the command line")
    settings = replace(Settings(), **values)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.digest_weekday not in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}:
        raise ConfigError("setting 'digest_weekday' must be one of mon, tue, ..., sun")
    if not 0 <= settings.digest_hour <= 23:
        raise ConfigError("setting 'digest_hour' must be between 0 and 23")
    if settings.fixed_now:
        try:
            clock.parse(settings.fixed_now)
        except ValueError:
            raise ConfigError(
                f"setting 'fixed_now' must be an ISO 8601 time, got {settings.fixed_now!r}"
            ) from None
    for name in (
        "stale_after_days",
        "digest_max_items",
        "crawl_concurrency",
        "crawl_timeout_seconds",
        "crawl_batch_size",
    ):
        if getattr(settings, name) < 1:
            raise ConfigError(f"setting {name!r} must be at least 1")
    if settings.source_timeout_seconds <= 0:
        raise ConfigError("setting 'source_timeout_seconds' must be positive")


def ensure_data_dir(settings: Settings) -> Path:
    """Create the data dir, or fail with one clear message if it cannot be written."""
    path = settings.data_path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"data dir {path} is not writable (setting 'data_dir'): {exc.strerror}"
        ) from None
    return path
