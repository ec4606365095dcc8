"""Every setting, declared once with its default and help text.

Precedence, lowest first: the defaults below, a TOML file (``--config PATH``, else
``config/settings.toml`` in the working directory when present), environment variables
``AISAFETY_JOBS_<NAME>``, then command-line flags such as ``--db``.
``config/settings.example.toml`` documents every setting (a test keeps it complete).

:class:`Settings` is a pydantic dataclass: the types and bounds declared below are checked
whenever settings are made (also by ``dataclasses.replace``), and a bad value is one line
naming the setting, where it came from and what is wrong.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import field, fields
from pathlib import Path
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from aggregator import clock
from aggregator.errors import ConfigError

ENV_PREFIX = "AISAFETY_JOBS_"
DEFAULT_CONFIG_PATH = Path("config/settings.toml")


def setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


AtLeastOne = Annotated[int, Field(ge=1)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
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
    digest_max_items: AtLeastOne = setting(30, "Most postings listed in one digest.")
    digest_weekday: Weekday = setting("mon", "Day a weekly digest is sent (mon..sun), local time.")
    digest_hour: Annotated[int, Field(ge=0, le=23)] = setting(
        8, "Local hour (0-23) after which a due digest is sent."
    )
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
    crawl_concurrency: AtLeastOne = setting(4, "Crawl subprocesses running at once.")
    crawl_timeout_seconds: AtLeastOne = setting(
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
    web_workers: Annotated[int, Field(ge=0)] = setting(
        2,
        "Web server processes in 'serve' and 'run' (0: one per CPU core), so that one slow "
        "request never holds up the rest.",
    )
    web_threads: AtLeastOne = setting(
        16, "Requests one web server process works on at once (each with a database connection)."
    )
    subscribe_rate_limit: int = setting(
        5, "Sign-ups allowed per hour from one IP address and to one email address."
    )
    trusted_proxies: str = setting(
        "",
        "Comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto headers are believed; empty: none (the peer is the client).",
    )
    crawl_batch_size: AtLeastOne = setting(
        10,
        "Sources crawled by one crawl subprocess (each still succeeds or fails on its own); "
        "the hard timeout applies to the whole batch.",
    )
    download_timeout_seconds: float = setting(
        30.0, "Timeout of one HTTP request made by a crawl (the whole download)."
    )
    source_timeout_seconds: Annotated[float, Field(gt=0)] = setting(
        300.0,
        "Total time one source may take in a crawl (every request, retry and wait); past it "
        "the source is recorded as 'timeout' and the other sources of its batch go on.",
    )
    report_rate_limit: AtLeastOne = setting(
        10, "Problem reports ('report: expired / wrong tags / ...') per hour from one address."
    )
    submit_rate_limit: AtLeastOne = setting(
        5, "Links shared through the 'submit an opportunity' form per hour from one address."
    )
    admin_token: str = setting(
        "",
        "Token that opens the moderation page /admin/submissions (approve, edit or reject "
        "shared links); empty: the page is off (404).",
        secret=True,
    )
    stale_after_days: AtLeastOne = setting(
        60,
        "Days after which a posting seen only on a forum or board, with no deadline, counts "
        "as expired unless its source still lists it.",
    )
    empty_runs_to_close: AtLeastOne = setting(
        2,
        "Complete crawls in a row answering an empty list (where the source listed postings) "
        "before its postings close; the earlier ones are marked suspect and close nothing.",
    )
    empty_run_gap_hours: float = setting(
        24.0, "Hours between the first and the last of those empty runs, at least."
    )
    fixed_now: str = setting(
        "",
        "Fixed current time (ISO 8601, e.g. 2026-12-20T09:00:00Z) for demos and tests; "
        "empty means the real clock.",
    )

    @field_validator("fixed_now")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        if value:
            try:
                clock.parse(value)
            except ValueError:
                raise ValueError("must be an ISO 8601 time") from None
        return value

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
_TYPES = get_type_hints(Settings, include_extras=True)


def _strict(name: str, value: Any, origin: str) -> None:
    # A file gives typed values: no "true" for a number or 1 for a flag (the environment
    # gives text, converted by the usual rules).
    try:
        TypeAdapter(_TYPES[name]).validate_python(value, strict=True)
    except ValidationError as exc:
        raise ConfigError(_problem(name, origin, value, exc)) from None


def _problem(name: str, origin: str, value: Any, exc: ValidationError) -> str:
    error = exc.errors()[0]
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    return f"setting {name!r} from {origin}: {message[0].lower()}{message[1:]}, got {value!r}"


def load_settings(
    config_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, a TOML file, the environment and overrides."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
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
            _strict(name, value, str(path))
            values[name], origins[name] = value, str(path)
    env = os.environ if environ is None else environ
    for name in _BY_NAME:
        key = ENV_PREFIX + name.upper()
        if key in env:
            text = env[key]
            empty_flag = text == "" and _TYPES[name] is bool
            values[name], origins[name] = (False if empty_flag else text), key
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name], origins[name] = value, "the command line"
    try:
        return Settings(**values)
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        origin = origins.get(name, "the defaults")
        raise ConfigError(_problem(name, origin, values.get(name), exc)) from None


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
