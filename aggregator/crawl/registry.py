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

Every validation error names the source key and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import ORG_TYPES, Organization, Source
from aggregator.errors import ConfigError
from aggregator.paths import config_file
from aggregator.settings import Settings

KNOWN_FIELDS = (
    "key",
    "org",
    "org_type",
    "platform",
    "token",
    "url",
    "enabled",
    "homepage",
    "interval_hours",
)
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")


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


def _http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


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

    if not isinstance(key, str) or not _KEY.match(key):
        bad("key", "required, snake_case (a-z, 0-9, _)")
    for name in ("org", "platform"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            bad(name, "required, a non-empty string")
    if entry.get("org_type") not in ORG_TYPES:
        bad("org_type", f"must be one of {', '.join(ORG_TYPES)}, got {entry.get('org_type')!r}")
    platform = platforms.get(str(entry.get("platform")))
    if isinstance(entry.get("platform"), str) and platform is None:
        bad(
            "platform",
            f"unknown platform {entry['platform']!r}; registered: {', '.join(sorted(platforms))}",
        )
    token = entry.get("token")
    if token is not None and (not isinstance(token, str) or not token.strip()):
        bad("token", "must be a non-empty string")
    if platform is not None and platform.requires_token and not token:
        bad("token", f"required by platform {platform.name!r}")
    url = entry.get("url")
    if url is not None and not _http_url(url):
        bad("url", f"must be an http:// or https:// URL, got {url!r}")
    if platform is not None and platform.requires_url and not url:
        bad("url", f"required by platform {platform.name!r}")
    if "enabled" in entry and not isinstance(entry["enabled"], bool):
        bad("enabled", "must be true or false")
    if "homepage" in entry and not _http_url(entry["homepage"]):
        bad("homepage", f"must be an http(s) URL, got {entry['homepage']!r}")
    interval = entry.get("interval_hours")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0
    ):
        bad("interval_hours", f"must be a positive number, got {interval!r}")
    options = {k: v for k, v in entry.items() if k not in KNOWN_FIELDS}
    allowed = set(platform.options) if platform is not None else set(options)
    for name in sorted(set(options) - allowed):
        bad(name, f"unknown field (platform options: {', '.join(sorted(allowed)) or 'none'})")
    if len(errors) > before:
        return None
    return SourceConfig(
        key=str(key),
        org=entry["org"].strip(),
        org_type=entry["org_type"],
        platform=entry["platform"],
        token=token,
        url=url,
        enabled=entry.get("enabled", True),
        homepage=entry.get("homepage"),
        interval_hours=float(interval) if interval is not None else None,
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
        seen.add(config.key)
        configs.append(config)
    if errors:
        raise ConfigError(f"{origin} is invalid:\n  " + "\n  ".join(errors))
    return configs


def load_registry(
    path: str | Path, platforms: dict[str, type[Any]] | None = None
) -> list[SourceConfig]:
    """The validated sources of a registry file; ConfigError naming key and field."""
    from aggregator.crawl.platforms import discover_platforms

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
    list them). Returns the Source rows by key.
    """
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
