"""Expiry end to end with the clock moved: a posting leaves lists, facets, feeds and
digests the moment its deadline passes; an extended deadline reopens it and the next
digest says so; rolling postings never expire; stale board-only postings expire."""

from __future__ import annotations

import email
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import classifier_stub
import feedparser
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator import clock
from aggregator.db.models import Organization, Posting, PostingChange, Source
from aggregator.digest.send import send_digests
from aggregator.items import RawPosting
from aggregator.settings import Settings
from aggregator.store import expiry
from aggregator.store.ingest import ingest_items
from aggregator.web.app import create_app
from tests.factories import make_posting, make_subscriber

T0 = datetime(2026, 12, 3, 9, tzinfo=UTC)
DEADLINE = "2026-12-05"  # a bare date: open until the end of that day, UTC


@pytest.fixture(autouse=True)
def _classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    classifier_stub.install(monkeypatch)


@pytest.fixture
def acme(session: Session) -> Source:
    org = Organization(slug="acme-ai", name="Acme AI", org_type="lab")
    source = Source(key="greenhouse:acme", platform="greenhouse", organization=org)
    session.add(source)
    session.commit()
    return source


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def item(ext: str, title: str, **changes: object) -> RawPosting:
    raw = RawPosting(
        source_key="greenhouse:acme",
        external_id=ext,
        org="Acme AI",
        title=title,
        url=f"https://boards.greenhouse.io/acme/jobs/{ext}",
        description_html="<p>Interpretability research.</p>",
        locations=["London, UK"],
    )
    return replace(raw, **changes)  # type: ignore[arg-type]


def ingest(session: Session, source: Source, now: datetime, *items: RawPosting) -> None:
    ingest_items(session, source, list(items), complete=False, now=now)
    session.commit()


def titles(client: TestClient, query: str = "") -> list[str]:
    response = client.get("/api/postings" + query)
    assert response.status_code == 200, response.text
    return sorted(p["title"] for p in response.json()["items"])


def role_count(client: TestClient) -> int:
    facets = client.get("/api/facets").json()
    return sum(v["count"] for v in facets["role"] if v["value"] == "research_engineer")


def feed_titles(client: TestClient) -> list[str]:
    feed = feedparser.parse(client.get("/feeds/postings.atom").content)
    return sorted(e.title.split(" — ")[0] for e in feed.entries)


def digest_texts(settings: Settings, engine: Engine, now: datetime, seen: set[Path]) -> list[str]:
    with clock.fixed(now):
        send_digests(settings, engine, now=now)
    new = sorted(set(Path(settings.data_dir, "outbox").glob("*.eml")) - seen)
    seen.update(new)
    out = []
    for path in new:
        msg = email.message_from_bytes(path.read_bytes(), policy=default)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        assert body is not None
        out.append(str(msg["Subject"]) + "\n" + body.get_content())
    return out


def test_deadline_expires_everywhere_and_extension_reopens(
    session: Session, settings: Settings, engine: Engine, acme: Source, client: TestClient
) -> None:
    ingest(
        session, acme, T0,
        item("1", "Research Engineer, Interpretability", deadline=DEADLINE),
        item("2", "Research Engineer, Evals"),
        item("3", "Research Engineer, Rolling",
             description_html="<p>We review applications on a rolling basis.</p>"),
    )  # fmt: skip
    make_subscriber(session, "a@example.org", frequency="daily", roles=["research_engineer"])
    session.commit()
    outbox: set[Path] = set()
    first = digest_texts(settings, engine, T0, outbox)
    assert len(first) == 1 and "Research Engineer, Interpretability" in first[0]

    everything = [
        "Research Engineer, Evals",
        "Research Engineer, Interpretability",
        "Research Engineer, Rolling",
    ]
    with clock.fixed(datetime(2026, 12, 5, 23, 59, tzinfo=UTC)):
        assert titles(client) == everything
        assert role_count(client) == 3
        assert feed_titles(client) == everything

    with clock.fixed(datetime(2026, 12, 6, 0, 0, 1, tzinfo=UTC)):
        left = ["Research Engineer, Evals", "Research Engineer, Rolling"]
        assert titles(client) == left  # the rolling one never expires by date
        assert role_count(client) == 2
        assert feed_titles(client) == left
        assert titles(client, "?status=expired") == ["Research Engineer, Interpretability"]
        rows = client.get("/api/postings?status=all").json()["items"]
        assert {p["title"]: p["status"] for p in rows}["Research Engineer, Interpretability"] == (
            "expired"
        )
        pid = next(p["id"] for p in rows if p["status"] == "expired")
        assert "Applications closed" in client.get(f"/postings/{pid}").text
        assert "4 openings" not in client.get("/").text

    # a posting first seen with its deadline already passed is never in a digest
    late = T0 + timedelta(days=3)
    ingest(
        session, acme, late,
        item("4", "Research Engineer, Too Late", deadline=DEADLINE),
        item("5", "Research Engineer, Fresh"),
    )  # fmt: skip
    second = digest_texts(settings, engine, late.replace(hour=9), outbox)
    assert len(second) == 1
    assert "Research Engineer, Fresh" in second[0] and "Too Late" not in second[0]
    stored = session.scalars(select(Posting).where(Posting.title.like("%Interpretability"))).one()
    session.refresh(stored)
    assert stored.status == "expired"  # the digest run stored what lists already showed

    # the source extends the deadline: open again, and the change log says so
    extended = late.replace(hour=10)
    ingest(session, acme, extended, item("1", "Research Engineer, Interpretability",
                                         deadline="2026-12-20"))  # fmt: skip
    session.refresh(stored)
    assert stored.status == "open"
    log = session.scalars(
        select(PostingChange)
        .where(PostingChange.posting_id == stored.id)
        .order_by(PostingChange.id)
    ).all()
    assert [(c.field, c.old_value, c.new_value) for c in log if c.field == "status"] == [
        ("status", "open", "expired"),
        ("status", "expired", "open"),
    ]
    with clock.fixed(extended + timedelta(minutes=1)):
        assert "Research Engineer, Interpretability" in titles(client)
    third = digest_texts(settings, engine, extended + timedelta(days=1), outbox)
    assert len(third) == 1
    assert "deadline extended to 2026-12-20" in third[0]


def test_stale_board_only_posting_expires_unless_still_listed(session: Session) -> None:
    now = datetime(2026, 12, 6, 9, tzinfo=UTC)
    old = now - timedelta(days=61)
    forum = Source(
        key="ea_forum", platform="feed", last_success_at=now - timedelta(hours=1),
        organization=Organization(slug="ea-forum", name="EA Forum", org_type="board"),
    )  # fmt: skip
    session.add(forum)
    session.flush()
    gone = make_posting(session, title="Hiring: gone", first_seen_at=old, source_key="ea_forum")
    listed = make_posting(session, title="Hiring: listed", first_seen_at=old, source_key="ea_forum")
    young = make_posting(session, title="Hiring: young", first_seen_at=now - timedelta(days=10),
                         source_key="ea_forum")  # fmt: skip
    rolling = make_posting(session, title="Hiring: rolling", first_seen_at=old,
                           source_key="ea_forum", deadline_rolling=True)  # fmt: skip
    gone.sources[0].last_seen_at = old
    listed.sources[0].last_seen_at = now - timedelta(hours=1)
    young.sources[0].last_seen_at = now - timedelta(days=10)
    rolling.sources[0].last_seen_at = old
    session.flush()
    assert expiry.sweep(session, now, stale_after_days=60) == 1
    assert [p.status for p in (gone, listed, young, rolling)] == ["expired", "open", "open", "open"]
    assert expiry.sweep(session, now, stale_after_days=60) == 0  # nothing twice


def test_rolling_and_undated_postings_never_expire_by_date(session: Session) -> None:
    from aggregator.search import PostingFilter, count_postings

    now = datetime(2026, 12, 6, 9, tzinfo=UTC)
    make_posting(session, title="Rolling", deadline=now - timedelta(days=3), deadline_rolling=True)
    make_posting(session, title="Undated")
    make_posting(session, title="Passed", deadline=now - timedelta(seconds=1))
    make_posting(session, title="Due", deadline=now + timedelta(seconds=1))
    session.commit()
    with clock.fixed(now):
        assert count_postings(session, PostingFilter()) == 3
        assert count_postings(session, PostingFilter(status="expired")) == 1
        assert count_postings(session, PostingFilter(status="all")) == 4


def test_a_partial_run_does_not_expire_what_it_did_not_list(session: Session) -> None:
    """A board's complete run listed both postings; a later partial run (cut short) saw
    only one: the other is still listed, as far as anyone knows, and stays open."""
    from aggregator.db.models import CrawlRun

    now = datetime(2026, 12, 6, 9, tzinfo=UTC)
    old = now - timedelta(days=61)
    complete_at, partial_at = now - timedelta(hours=6), now - timedelta(hours=1)
    forum = Source(
        key="ea_forum", platform="feed", last_success_at=partial_at,
        organization=Organization(slug="ea-forum", name="EA Forum", org_type="board"),
    )  # fmt: skip
    session.add(forum)
    session.add_all(
        [
            CrawlRun(source=forum, started_at=complete_at, finished_at=complete_at,
                     status="success", complete=True),
            CrawlRun(source=forum, started_at=partial_at, finished_at=partial_at,
                     status="partial", complete=False),
        ]
    )  # fmt: skip
    session.flush()
    unseen = make_posting(session, title="Hiring: unseen", first_seen_at=old, source_key="ea_forum")
    seen = make_posting(session, title="Hiring: seen", first_seen_at=old, source_key="ea_forum")
    gone = make_posting(session, title="Hiring: gone", first_seen_at=old, source_key="ea_forum")
    unseen.sources[0].last_seen_at = complete_at  # listed by the complete run only
    seen.sources[0].last_seen_at = partial_at
    gone.sources[0].last_seen_at = old  # not listed by the complete run either
    session.flush()
    assert expiry.sweep(session, now, stale_after_days=60) == 1
    assert [p.status for p in (unseen, seen, gone)] == ["open", "open", "expired"]
