"""End to end: a local server serves every platform's payloads; ``aisafety-jobs crawl``
runs the real subprocess path and stores the postings (SQLite or --db=postgres)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import CrawlRun, Posting, PostingSource, Source
from tests.crawl_server import Reply, serve
from tests.spider_helpers import DATA

ROBOTS = Reply(b"User-agent: *\nDisallow:\n", content_type="text/plain")


def routes() -> dict[str, Any]:
    def file(path: str, ctype: str = "application/json") -> Reply:
        return Reply((DATA / path).read_bytes(), content_type=ctype)

    html = "text/html; charset=utf-8"
    return {
        "/robots.txt": ROBOTS,
        "/gh/board.json": file("greenhouse/board.json"),
        "/lever/postings": file("lever/postings.json"),
        "/ashby/board": file("ashby/board.json"),
        "/feed.xml": file("feed/teamtailor.xml", "application/rss+xml"),
        "/careers/": file("jsonld/listing.html", html),
        "/jobs/101-research-engineer": file("jsonld/job-101.html", html),
        "/jobs/102-policy-fellow": file("jsonld/job-102.html", html),
        "/80k/": file("eighty_k/board.html", html),
        "/80k/1/indexes/jobs_prod/query": file("eighty_k/hits-page0.json"),
        "/mats": file("mats/apply.html", html),
        "/broken": Reply(b"<h1>Internal Server Error</h1>", 500, "text/html"),
    }


def sources_toml(base: str) -> str:
    entries = [
        ("gh", "Greenhouse Org", "lab", "greenhouse", "tok", "/gh/board.json"),
        ("lv", "Lever Org", "nonprofit", "lever", "tok", "/lever/postings"),
        ("ab", "Ashby Org", "nonprofit", "ashby", "tok", "/ashby/board"),
        ("rss", "Feed Org", "nonprofit", "feed", None, "/feed.xml"),
        ("site", "JSON-LD Org", "nonprofit", "jsonld", None, "/careers/"),
        ("board", "80k", "board", "eighty_k", None, "/80k/"),
        ("mats", "MATS", "program", "mats", None, "/mats"),
        ("down", "Down Org", "lab", "greenhouse", "down", "/broken"),
    ]
    out = []
    for key, org, kind, platform, token, path in entries:
        out.append(
            f'[[sources]]\nkey = "{key}"\norg = "{org}"\norg_type = "{kind}"\n'
            f'platform = "{platform}"\nurl = "{base}{path}"\n'
        )
        if token:
            out.append(f'token = "{token}"\n')
    return "\n".join(out)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AISAFETY_JOBS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("AISAFETY_JOBS_DOWNLOAD_DELAY", "0")
    monkeypatch.setenv("AISAFETY_JOBS_SECRET_KEY", "k")
    monkeypatch.setenv("AISAFETY_JOBS_CRAWL_CONCURRENCY", "2")
    return ["--db", db_url]


def stored(session: Session, key: str) -> list[Posting]:
    return list(
        session.scalars(
            select(Posting)
            .join(PostingSource, PostingSource.posting_id == Posting.id)
            .join(Source, Source.id == PostingSource.source_id)
            .where(Source.key == key)
            .order_by(Posting.id)
        )
    )


def test_crawl_every_platform_from_a_local_server(
    cli_env: list[str], tmp_path: Path, session: Session
) -> None:
    with serve(routes()) as server:
        registry = tmp_path / "sources.toml"
        registry.write_text(sources_toml(server.base))
        result = CliRunner().invoke(app, [*cli_env, "crawl", "--sources-file", str(registry)])
    assert result.exit_code == 1, result.output  # the 500 source failed, the rest went on
    assert "down" in result.output and "HTTP 500" in result.output

    expect = {
        "gh": [
            (
                "Research Engineer, Interpretability",
                "Greenhouse Org",
                "https://job-boards.greenhouse.io/exampleai/jobs/4012345008",
                "San Francisco, CA | New York City, NY",
            ),
            (
                "Policy Analyst",
                "Greenhouse Org",
                "https://job-boards.greenhouse.io/exampleai/jobs/4012345009",
                "Remote, UK",
            ),
        ],
        "lv": [
            (
                "Member of Technical Staff, Evals",
                "Lever Org",
                "https://jobs.lever.co/exampleorg/0f6c1c3e-1111-4a2b-9c3d-000000000001",
                "Berkeley, CA",
            ),
            (
                "Operations Associate",
                "Lever Org",
                "https://jobs.lever.co/exampleorg/0f6c1c3e-1111-4a2b-9c3d-000000000002",
                "London, United Kingdom",
            ),
        ],
        "ab": [
            (
                "Research Scientist, Alignment",
                "Ashby Org",
                "https://jobs.ashbyhq.com/exampleorg/7d3f0c2a-aaaa-4bbb-8ccc-000000000001",
                "San Francisco",
            ),
            (
                "Operations Lead",
                "Ashby Org",
                "https://jobs.ashbyhq.com/exampleorg/7d3f0c2a-aaaa-4bbb-8ccc-000000000003",
                "Remote",
            ),
        ],
        "rss": [
            (
                "Safety Researcher",
                "Feed Org",
                "https://careers.example.org/jobs/5012345-safety-researcher",
                "London HQ",
            ),
            (
                "Office Manager",
                "Feed Org",
                "https://careers.example.org/jobs/5012399-office-manager",
                None,
            ),
        ],
        "mats": [
            ("MATS Winter 2027 Cohort", "MATS", "/apply/winter-2027", "Berkeley, CA; London, UK"),
            (
                "MATS Extension Phase",
                "MATS",
                "https://www.matsprogram.org/apply/extension",
                "London, UK",
            ),
        ],
    }
    session.expire_all()
    for key, rows in expect.items():
        postings = stored(session, key)
        assert len(postings) == len(rows), key
        for posting, (title, org, url, location) in zip(postings, rows, strict=True):
            assert posting.title == title
            assert posting.org_name == org
            assert posting.url.endswith(url)
            if location:
                assert location in posting.locations
    jsonld = {p.title: p for p in stored(session, "site")}
    assert set(jsonld) == {"Research Engineer & Evals", "Policy Fellow"}
    assert jsonld["Policy Fellow"].remote == "remote"
    board = {p.title: p for p in stored(session, "board")}
    assert board["Research Scientist, Interpretability"].org_name == "Example Lab"
    ashby = {p.title: p for p in stored(session, "ab")}
    assert ashby["Research Scientist, Alignment"].remote == "hybrid"
    assert stored(session, "lv")[1].remote == "onsite"

    health = {s.key: s for s in session.scalars(select(Source))}
    assert health["down"].consecutive_failures == 1 and "HTTP 500" in health["down"].last_error
    assert health["ab"].last_success_at is not None and health["ab"].last_item_count == 2
    runs = {r.source.key: r for r in session.scalars(select(CrawlRun))}
    assert len(runs) == 8
    assert runs["ab"].status == "success" and runs["ab"].complete and runs["ab"].new == 2
    assert runs["gh"].status == "partial" and not runs["gh"].complete  # 2 garbage records
    assert runs["down"].status == "failed" and runs["down"].items == 0
