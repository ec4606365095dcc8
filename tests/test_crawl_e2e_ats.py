"""End to end for the coverage platforms: a 127.0.0.1 server serves one source of each
(Workable … USAJOBS); ``aisafety-jobs crawl`` runs the real subprocess path and stores
their postings. USAJOBS runs only with its key setting; without it the source is skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import CrawlRun
from tests.crawl_server import Reply, serve
from tests.spider_helpers import DATA
from tests.test_crawl_e2e import ROBOTS, cli_env, stored

__all__ = ["cli_env"]  # the fixture, shared with test_crawl_e2e

# key, platform, token, endpoint path, extra TOML lines, titles expected
SOURCES: list[tuple[str, str, str | None, str, str, set[str]]] = [
    ("wk", "workable", "example-evals", "/workable/account", "", {"Operations Associate"}),
    ("sr", "smartrecruiters", "ExampleInstitute", "/sr/postings", "", {"AI Policy Researcher"}),
    ("rc", "recruitee", "exampleorg", "/recruitee/api/offers/", "", {"Office Manager"}),
    ("ps", "personio", "example-ai", "/personio/xml", "", {"Alignment Research Scientist"}),
    ("bh", "bamboohr", "exampleinstitute", "/bamboo/careers/list", "", {"Research Fellow"}),
    ("rp", "rippling", "example-evals", "/rippling/jobs", "", {"Policy Lead"}),
    ("bz", "breezy", "exampleorg", "/breezy/json", "", {"AI Governance Researcher"}),
    ("tt", "teamtailor", "examplefoundation", "/tt/jobs.rss", "", {"Research Analyst"}),
    (
        "wd",
        "workday",
        "rand",
        "/workday/jobs",
        'data_center = "wd5"\nsite = "External_Career_Site"\n',
        {"AI Policy Researcher"},
    ),
    ("gc", "google_careers", None, "/google/results", "", {"Program Manager, Responsibility"}),
    (
        "uj",
        "usajobs",
        None,
        "/usajobs/search",
        'organization = "CM57"\n',
        {"AI Standards Specialist"},
    ),
]


def routes() -> dict[str, Any]:
    def file(path: str, ctype: str = "application/json") -> Reply:
        return Reply((DATA / path).read_bytes(), content_type=ctype)

    return {
        "/robots.txt": ROBOTS,
        "/workable/account": file("workable/account.json"),
        "/sr/postings": file("smartrecruiters/postings.json"),
        "/sr/postings/744000012345678": file("smartrecruiters/744000012345678.json"),
        "/sr/postings/744000012345679": file("smartrecruiters/744000012345678.json"),
        "/recruitee/api/offers/": file("recruitee/offers.json"),
        "/personio/xml": file("personio/feed.xml", "application/xml"),
        "/bamboo/careers/list": file("bamboohr/list.json"),
        "/bamboo/careers/41/detail": file("bamboohr/41-detail.json"),
        "/bamboo/careers/42/detail": file("bamboohr/42-detail.json"),
        "/rippling/jobs": file("rippling/jobs.json"),
        "/breezy/json": file("breezy/positions.json"),
        "/tt/jobs.rss": file("teamtailor/jobs.rss", "application/rss+xml"),
        "/workday/jobs": file("workday/jobs.json"),
        "/google/results": file("google_careers/results.html", "text/html; charset=utf-8"),
        "/usajobs/search": file("usajobs/search.json"),
    }


def registry(base: str) -> str:
    out = []
    for key, platform, token, path, extra, _ in SOURCES:
        out.append(
            f'[[sources]]\nkey = "{key}"\norg = "Org {key}"\norg_type = "nonprofit"\n'
            f'platform = "{platform}"\nurl = "{base}{path}"\n'
            + (f'token = "{token}"\n' if token else "")
            + extra
        )
    return "\n".join(out)


def test_crawl_one_source_of_each_coverage_platform(
    cli_env: list[str],
    tmp_path: Path,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AISAFETY_JOBS_USAJOBS_API_KEY", "test-key")
    monkeypatch.setenv("AISAFETY_JOBS_USAJOBS_EMAIL", "maintainer@example.org")
    with serve(routes()) as server:
        path = tmp_path / "sources.toml"
        path.write_text(registry(server.base))
        result = CliRunner().invoke(app, [*cli_env, "crawl", "--sources-file", str(path)])
        asked = [b for m, b in server.hits if b.startswith("/usajobs")]
    assert result.exit_code == 0, result.output
    assert asked, "USAJOBS was not queried"
    session.expire_all()
    runs = {r.source.key: r for r in session.scalars(select(CrawlRun))}
    for key, platform, _, _, _, titles in SOURCES:
        postings = stored(session, key)
        assert postings, f"{platform}: nothing stored ({runs[key].status}: {runs[key].message})"
        assert titles <= {p.title for p in postings}, platform
        assert runs[key].status in ("success", "partial"), (platform, runs[key].message)
    by_title = {p.title: p for p in stored(session, "uj")}
    assert by_title["AI Standards Specialist"].remote == "remote"


def test_usajobs_sources_are_skipped_without_the_key(
    cli_env: list[str], tmp_path: Path, session: Session
) -> None:
    with serve(routes()) as server:
        path = tmp_path / "sources.toml"
        path.write_text(registry(server.base))
        result = CliRunner().invoke(app, [*cli_env, "crawl", "--sources-file", str(path)])
        asked = [p for _, p in server.hits if p.startswith("/usajobs")]
    assert result.exit_code == 0, result.output
    assert asked == []
    session.expire_all()
    assert "uj" not in {r.source.key for r in session.scalars(select(CrawlRun))}
