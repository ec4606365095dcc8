"""The source registry (``config/sources.toml``): loading, validation, sync to the DB.

Format (a public contract; ``--sources-file`` uses the same)::

    [[sources]]
    key = "anthropic"          # unique, snake_case
    org = "Anthropic"
    org_type = "lab"           # lab | nonprofit | government | academic | program | funder | board
    platform = "greenhouse"    # a registered platform name
    token = "anthropic"        # board token/slug where the platform uses one
    url = "http://127.0.0.1:8765/gh/anthropic.json"   # optional endpoint override
    enabled = true             # optional, default true
    homepage = "https://www.anthropic.com"            # optional
    interval_hours = 6         # optional
    host = "eu"                # platform options: any key the platform declares
    confidence = "high"        # optional: high | medium | low (low must be enabled = false)
    evidence = "where the token was seen, when"      # optional

Entries are validated by a pydantic model (:class:`SourceEntry`), then against
their platform: its required token/url and its typed ``Options``. Every
validation error is one line naming the source key and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aggregator.db.models import ORG_TYPES, Organization, Source
from aggregator.errors import ConfigError
from aggregator.paths import config_file
from aggregator.settings import Settings
from aggregator.store.employers import COMMUNITY_SOURCE

CONFIDENCE = ("high", "medium", "low")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
    return value


class SourceEntry(BaseModel):
    """One ``[[sources]]`` table; keys it does not declare are platform options."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    key: str
    org: str
    org_type: str
    platform: str
    token: str | None = None
    url: str | None = None
    enabled: StrictBool = True
    homepage: str | None = None
    interval_hours: float | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    evidence: str | None = None

    @field_validator("key", mode="before")
    @classmethod
    def _snake_case(cls, value: Any) -> Any:
        if not isinstance(value, str) or not _KEY.match(value):
            raise ValueError("required, snake_case (a-z, 0-9, _)")
        return value

    @field_validator("org", "platform", "token", "evidence")
    @classmethod
    def _non_empty(cls, value: str | None) -> str | None:
        if value is not None and not value:
            raise ValueError("must be a non-empty string")
        return value

    @field_validator("org_type")
    @classmethod
    def _org_type(cls, value: str) -> str:
        if value not in ORG_TYPES:
            raise ValueError(f"must be one of {', '.join(ORG_TYPES)}, got {value!r}")
        return value

    @field_validator("url", "homepage")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("interval_hours", mode="before")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"must be a positive number, got {value!r}")
        return value


REQUIRED = ("key", "org", "org_type", "platform")
KNOWN_FIELDS = tuple(SourceEntry.model_fields)


@dataclass(frozen=True)
class SourceConfig:
    key: str
    org: str
    org_type: str
    platform: str
    token: str | None = None
    url: str | None = None
    enabled: bool = True
    homepage: str | None = None
    interval_hours: float | None = None
    confidence: str | None = None
    evidence: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def job_source(self) -> dict[str, Any]:
        """What a spider receives: identity, endpoint and options."""
        return {
            "key": self.key,
            "org": self.org,
            "org_type": self.org_type,
            "platform": self.platform,
            "token": self.token,
            "url": self.url,
            "options": dict(self.options),
        }

    def as_config(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in KNOWN_FIELDS}
        data.update(self.options)
        return {k: v for k, v in data.items() if v is not None}


def registry_path(settings: Settings, sources_file: str | Path | None = None) -> Path:
    if sources_file:
        return Path(sources_file)
    if settings.sources_file:
        return Path(settings.sources_file)
    return config_file("sources.toml")


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) of each pydantic error, worded for a maintainer."""
    out = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "?"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "required"
        elif error["type"] in ("string_type", "bool_type"):
            message = f"{message}, got {error.get('input')!r}"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        out.append((name, message))
    return out


def _check_entry(
    index: int, entry: Any, platforms: dict[str, type[Any]], errors: list[str]
) -> SourceConfig | None:
    if not isinstance(entry, dict):
        errors.append(f"sources[{index}]: each [[sources]] entry must be a table")
        return None
    key = entry.get("key")
    where = f"source {key!r}" if isinstance(key, str) and key else f"sources[{index}]"
    before = len(errors)

    def bad(name: str, message: str) -> None:
        errors.append(f"{where}: field '{name}': {message}")

    try:
        parsed: SourceEntry | None = SourceEntry.model_validate(entry)
    except ValidationError as exc:
        parsed = None
        for field_name, message in _messages(exc):
            if field_name in REQUIRED and message == "required":
                message = "required, a non-empty string"
            bad(field_name, message)
    wanted = entry.get("platform")
    platform = platforms.get(wanted) if isinstance(wanted, str) else None
    if isinstance(wanted, str) and wanted and platform is None:
        registered = ", ".join(sorted(platforms))
        bad("platform", f"unknown platform {wanted!r}; registered: {registered}")
    options = {k: v for k, v in entry.items() if k not in KNOWN_FIELDS}
    if platform is not None and not platform.registry_source:
        bad("platform", f"platform {platform.name!r} does not read postings")
    if platform is not None:
        if platform.requires_token and not entry.get("token"):
            bad("token", f"required by platform {platform.name!r}")
        if platform.requires_url and not entry.get("url"):
            bad("url", f"required by platform {platform.name!r}")
        allowed = ", ".join(platform.Options.model_fields) or "none"
        try:
            platform.Options.model_validate(options)
        except ValidationError as exc:
            for option, message in _messages(exc):
                if message == "unknown field":
                    bad(option, f"unknown field (platform options: {allowed})")
                else:
                    bad(option, f"{platform.name} option: {message}")
    if parsed is not None and parsed.confidence == "low" and parsed.enabled:
        bad("enabled", "a low-confidence source must be enabled = false until checked")
    if len(errors) > before or parsed is None:
        return None
    return SourceConfig(
        key=parsed.key,
        org=parsed.org,
        org_type=parsed.org_type,
        platform=parsed.platform,
        token=parsed.token,
        url=parsed.url,
        enabled=parsed.enabled,
        homepage=parsed.homepage,
        interval_hours=parsed.interval_hours,
        confidence=parsed.confidence,
        evidence=parsed.evidence,
        options=options,
    )


def parse_registry(
    data: dict[str, Any], platforms: dict[str, type[Any]], origin: str = "sources file"
) -> list[SourceConfig]:
    entries = data.get("sources")
    unknown = sorted(set(data) - {"sources"})
    if unknown:
        raise ConfigError(f"{origin}: unknown top-level key(s) {', '.join(unknown)}")
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: expected [[sources]] entries")
    errors: list[str] = []
    configs: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        config = _check_entry(index, entry, platforms, errors)
        if config is None:
            continue
        if config.key in seen:
            errors.append(f"source {config.key!r}: field 'key': duplicate key")
            continue
        if config.key == COMMUNITY_SOURCE:
            errors.append(f"source {config.key!r}: field 'key': reserved for shared links")
            continue
        seen.add(config.key)
        configs.append(config)
    if errors:
        raise ConfigError(f"{origin} is invalid:\n  " + "\n  ".join(errors))
    return configs


def load_registry(
    path: str | Path, platforms: dict[str, type[Any]] | None = None
) -> list[SourceConfig]:
    """The validated sources of a registry file; ConfigError naming key and field."""
    from spiders.platforms import discover_platforms

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from None
    return parse_registry(data, platforms or discover_platforms(), f"sources file {path}")


def source_interval_hours(
    config: SourceConfig, settings: Settings, platforms: dict[str, type[Any]]
) -> float:
    """Hours between crawls of a source, never below its platform's minimum (80k: 24 h)."""
    interval = config.interval_hours or settings.crawl_interval_hours
    minimum = getattr(platforms.get(config.platform), "min_interval_hours", None) or 0.0
    return max(interval, minimum)


def org_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"


def sync_registry(session: Session, configs: list[SourceConfig]) -> dict[str, Source]:
    """Create or update the Organization and Source rows of ``configs``; commit.

    Sources missing from ``configs`` are left untouched (another registry file may
    list them). Returns the Source rows by key. Two crawls starting at once may both
    create a row; the one that loses the race syncs again over the other's rows.
    """
    try:
        return _sync_registry(session, configs)
    except IntegrityError:
        session.rollback()
        return _sync_registry(session, configs)


def _sync_registry(session: Session, configs: list[SourceConfig]) -> dict[str, Source]:
    orgs = {o.slug: o for o in session.scalars(select(Organization))}
    rows = {s.key: s for s in session.scalars(select(Source))}
    for config in configs:
        slug = org_slug(config.org)
        org = orgs.get(slug)
        if org is None:
            org = Organization(slug=slug, name=config.org, org_type=config.org_type)
            session.add(org)
            orgs[slug] = org
        org.name, org.org_type = config.org, config.org_type
        if config.homepage:
            org.homepage = config.homepage
        row = rows.get(config.key)
        if row is None:
            row = Source(key=config.key, platform=config.platform, state={})
            session.add(row)
            rows[config.key] = row
        row.platform = config.platform
        row.organization = org
        row.config = config.as_config()
        row.enabled = config.enabled
    session.commit()
    return {c.key: rows[c.key] for c in configs}
