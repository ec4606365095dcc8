"""Programs: the maintained file, status across cycles with the clock moved, new cycles
detected from a page change, a posting and a forum announcement, and ``programs check``
reading pages from 127.0.0.1."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import Program, Source
from aggregator.errors import ConfigError
from aggregator.programs.config import CycleConfig, load_programs, sync_programs
from aggregator.programs.detect import detect_from_postings, record_page
from aggregator.programs.status import program_status
from tests.crawl_server import Reply, serve
from tests.factories import make_posting
from tests.test_crawl_e2e import ROBOTS, cli_env
from tests.web_factories import app_fixture, client_fixture, web_settings_fixture

__all__ = ["app_fixture", "cli_env", "client_fixture", "web_settings_fixture"]

PROGRAMS = """
[[programs]]
key = "mats"
name = "MATS"
org = "MATS"
url = "{base}/mats/apply"
dates_selector = "#key-dates"
aliases = ["ML Alignment & Theory Scholars"]
usual_open_months = [5, 11]

[[programs.cycles]]
label = "Autumn 2026"
opens = 2026-05-12
deadline = 2026-06-07
starts = 2026-09-28

[[programs]]
key = "spar"
name = "SPAR"
org = "SPAR"
url = "{base}/spar"

[[programs.cycles]]
label = "Spring 2026"
opens = 2025-12-15
deadline = 2026-01-08
"""


def write(tmp_path: Path, base: str = "https://example.org") -> Path:
    path = tmp_path / "programs.toml"
    path.write_text(PROGRAMS.replace("{base}", base))
    return path


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def test_bundled_programs_file_loads() -> None:
    configs = load_programs()
    keys = {c.key for c in configs}
    assert {"mats", "spar", "anthropic_fellows", "ai_safety_camp"} <= keys


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[[programs]]\nkey = "Bad Key"\nname = "n"\norg = "o"\nurl = "https://x"', "key"),
        (
            '[[programs]]\nkey = "k"\nname = "n"\norg = "o"\nurl = "https://x"\n'
            "usual_open_months = [13]",
            "program 'k': field 'usual_open_months'",
        ),
        (
            '[[programs]]\nkey = "k"\nname = "n"\norg = "o"\nurl = "https://x"\n'
            '[[programs.cycles]]\nlabel = "x"\ndeadline = "soon"',
            "program 'k': field 'cycles.0.deadline'",
        ),
    ],
)
def test_bad_programs_file_names_program_and_field(
    tmp_path: Path, body: str, fragment: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(textwrap.dedent(body))
    with pytest.raises(ConfigError) as info:
        load_programs(path)
    assert fragment in str(info.value)


def test_status_with_the_clock_moved_across_two_cycles(tmp_path: Path, session: Session) -> None:
    rows = sync_programs(session, load_programs(write(tmp_path)))
    mats, spar = rows["mats"], rows["spar"]
    assert program_status(mats, date(2026, 5, 1)).state == "expected"  # opens 12 May
    assert program_status(mats, date(2026, 5, 1)).expected_month == date(2026, 5, 12)
    status = program_status(mats, date(2026, 5, 20))
    assert status.state == "open" and status.cycle.label == "Autumn 2026"
    assert program_status(mats, date(2026, 6, 7)).state == "open"  # the deadline day
    after = program_status(mats, date(2026, 6, 8))
    assert after.state == "expected" and after.expected_month == date(2026, 11, 1)
    assert after.usually() == "usually opens in May and November"
    # a second cycle: the page announces the winter round (see the detection tests)
    assert program_status(spar, date(2026, 1, 1)).state == "open"
    later = program_status(spar, date(2026, 3, 1))
    assert later.state == "expected" and later.expected_month == date(2026, 12, 1)


def test_page_change_opens_a_cycle_once(tmp_path: Path, session: Session) -> None:
    mats = sync_programs(session, load_programs(write(tmp_path)))["mats"]
    first = "<section><p>Applications for Winter 2027 will open soon.</p></section>"
    assert record_page(session, mats, first, at("2026-10-01")) is None  # first reading
    assert record_page(session, mats, first, at("2026-10-02")) is None  # unchanged
    assert mats.page_changed_at is None
    changed = "<section><p>Applications are open! Apply by 2 November 2026.</p></section>"
    cycle = record_page(session, mats, changed, at("2026-10-10"))
    assert cycle is not None and cycle.origin == "page"
    assert (cycle.opens_on, cycle.deadline) == (date(2026, 10, 10), date(2026, 11, 2))
    assert mats.page_changed_at == at("2026-10-10")
    assert program_status(mats, date(2026, 10, 11)).state == "open"
    # the same dates reworded: a change, but the same cycle
    reworded = "<section><p>Apply by 2 November 2026 (applications open).</p></section>"
    assert record_page(session, mats, reworded, at("2026-10-12")) is None
    assert len(mats.cycles) == 2
    assert program_status(mats, date(2026, 11, 3)).state == "expected"  # past the deadline


def test_postings_and_forum_posts_naming_a_program_open_cycles(
    tmp_path: Path, session: Session
) -> None:
    configs = load_programs(write(tmp_path))
    sync_programs(session, configs)
    make_posting(
        session,
        title="ML Alignment & Theory Scholars: Summer 2027 applications",
        programs=["mats"],
        deadline=at("2027-01-10"),
        first_seen_at=at("2026-12-01"),
        source_key="eighty_k_board",
    )
    make_posting(
        session,
        title="SPAR Spring 2027: mentee applications open",
        programs=["spar"],
        deadline=at("2027-01-08"),
        first_seen_at=at("2026-12-15"),
        source_key="ea_forum",
    )
    session.scalars(select(Source).where(Source.key == "ea_forum")).one().platform = "feed"
    make_posting(session, title="Sparse autoencoder researcher", deadline=at("2027-01-20"))
    make_posting(session, title="MATS (closed)", programs=["mats"], deadline=at("2026-11-01"))
    make_posting(session, title="Not a program", programs=["unknown"], deadline=at("2027-01-20"))
    session.commit()
    found = detect_from_postings(session, configs, at("2026-12-16"))
    assert sorted((c.program.key, c.origin, c.deadline) for c in found) == [
        ("mats", "posting", date(2027, 1, 10)),
        ("spar", "forum", date(2027, 1, 8)),
    ]
    assert detect_from_postings(session, configs, at("2026-12-17")) == []  # once
    programs = {p.key: p for p in session.scalars(select(Program))}
    assert program_status(programs["spar"], date(2026, 12, 20)).state == "open"


def test_programs_check_reads_pages_from_a_local_server(
    cli_env: list[str], tmp_path: Path, session: Session
) -> None:
    page = b"""<html><body><h1>Apply</h1>
    <section id="key-dates"><p>Applications close 2 November 2026.</p></section>
    <p>Unrelated text.</p></body></html>"""
    routes = {
        "/robots.txt": ROBOTS,
        "/mats/apply": Reply(page, content_type="text/html"),
        "/spar": Reply(b"gone", 404, "text/plain"),
    }
    with serve(routes) as server:
        path = write(tmp_path, server.base)
        result = CliRunner().invoke(
            app, [*cli_env, "programs", "check", "--programs-file", str(path)]
        )
        assert result.exit_code == 0, result.output
        assert "2 programs, 1 pages read" in result.output and "spar: HTTP 404" in result.output
        routes["/mats/apply"] = Reply(
            page.replace(b"2 November 2026", b"30 November 2099"), content_type="text/html"
        )
        again = CliRunner().invoke(
            app, [*cli_env, "programs", "check", "--programs-file", str(path)]
        )
    assert "1 changed, 1 new cycle(s)" in again.output, again.output
    session.expire_all()
    mats = session.scalars(select(Program).where(Program.key == "mats")).one()
    assert mats.page_dates_text == "Applications close 30 November 2099."
    listing = CliRunner().invoke(app, [*cli_env, "programs", "list"])
    assert "open" in listing.output and "closes 2099-11-30" in listing.output


def test_programs_pages(tmp_path: Path, session: Session, client: TestClient) -> None:
    configs = load_programs(write(tmp_path))
    today = datetime.now(UTC).date()
    configs[0].cycles.append(
        CycleConfig(
            label="Now", opens=today - timedelta(days=3), deadline=today + timedelta(days=9)
        )
    )
    configs[1].usual_open_months = [(today + timedelta(days=20)).month]
    configs[1].summary = "<script>alert(1)</script> part-time research"
    sync_programs(session, configs)
    page = client.get("/programs")
    assert page.status_code == 200
    open_part, soon_part = (
        page.text.split("<h2>Opening soon</h2>")[0],
        page.text.split("<h2>Opening soon</h2>")[1].split("<h2>Typical calendar</h2>")[0],
    )
    assert 'href="/programs/mats"' in open_part and "closes" in open_part
    assert 'href="/programs/spar"' in soon_part
    one = client.get("/programs/spar")
    assert one.status_code == 200 and "<script>alert" not in one.text
    assert "Spring 2026" in one.text and "config" in one.text
    mats = client.get("/programs/mats")
    assert "Open now: applications close" in mats.text and "Autumn 2026" in mats.text
    assert client.get("/programs/nope").status_code == 404
    assert client.get("/programs/..%2Fetc").status_code in (404, 422)
