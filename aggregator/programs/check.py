"""One pass over the programs: sync the file, read each page's key dates, detect cycles.

The pages are fetched through the crawl runner (the ``program_page`` platform: the
same subprocesses, politeness and robots.txt as every source). A page that fails is
reported and changes nothing; the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from aggregator.crawl.registry import SourceConfig
from aggregator.crawl.runner import fetch_sources
from aggregator.programs.config import load_programs, sync_programs
from aggregator.programs.detect import detect_from_postings, record_page
from aggregator.settings import Settings
from spiders.platforms import discover_platforms


@dataclass
class CheckReport:
    programs: int = 0
    pages_read: int = 0
    pages_changed: list[str] = field(default_factory=list)
    page_errors: dict[str, str] = field(default_factory=dict)
    new_cycles: list[str] = field(default_factory=list)


def check_programs(
    settings: Settings,
    session: Session,
    programs_file: str | Path | None = None,
    *,
    pages: bool = True,
    now: datetime | None = None,
) -> CheckReport:
    now = now or datetime.now(UTC)
    configs = load_programs(programs_file)
    rows = sync_programs(session, configs)
    report = CheckReport(programs=len(configs))
    if pages:
        sources = [
            SourceConfig(
                key=f"program_{c.key}",
                org=c.org,
                org_type="program",
                platform="program_page",
                url=c.url,
                options={"selector": c.dates_selector} if c.dates_selector else {},
            )
            for c in configs
        ]
        results = fetch_sources(settings, sources, platforms=discover_platforms())
        for config in configs:
            result = results.get(f"program_{config.key}") or {}
            items = result.get("items") or []
            if result.get("status") not in ("success", "partial") or not items:
                report.page_errors[config.key] = str(result.get("message") or "no page read")
                continue
            program = rows[config.key]
            before = program.page_fingerprint
            cycle = record_page(session, program, str(items[0].get("description_html")), now)
            report.pages_read += 1
            if before is not None and program.page_fingerprint != before:
                report.pages_changed.append(config.key)
            if cycle is not None:
                report.new_cycles.append(f"{config.key}: {cycle.label} (page)")
    for cycle in detect_from_postings(session, configs, now):
        report.new_cycles.append(f"{cycle.program.key}: {cycle.label} ({cycle.origin})")
    return report
