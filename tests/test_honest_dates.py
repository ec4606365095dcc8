"""Honest dates: "Newest" and "posted within" use the source's posted date, falling back
to the day first seen; cards say which; a first crawl makes nothing "new this week"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator import clock
from aggregator.db.models import CrawlRun, Source
from aggregator.settings import Settings
from aggregator.web.app import create_app
from aggregator.web.charts import build_stats
from tests.factories import make_posting

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)  # a Sunday; the week began on 30 November


@pytest.fixture
def seeded(session: Session) -> None:
    first_crawl = NOW - timedelta(days=1)
    make_posting(session, title="SPAR", posted_at=datetime(2026, 11, 21, tzinfo=UTC),
                 first_seen_at=first_crawl, source_key="board")  # fmt: skip
    make_posting(session, title="Undated", first_seen_at=first_crawl, source_key="board")
    make_posting(session, title="Dated this week", posted_at=datetime(2026, 12, 3, tzinfo=UTC),
                 first_seen_at=first_crawl, source_key="board")  # fmt: skip
    source = session.query(Source).filter_by(key="board").one()
    session.add(CrawlRun(source=source, started_at=first_crawl, finished_at=first_crawl,
                         status="success"))  # fmt: skip
    make_posting(session, title="Undated, found later", first_seen_at=NOW - timedelta(hours=2),
                 source_key="board")  # fmt: skip
    session.commit()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with clock.fixed(NOW), TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.usefixtures("seeded")
def test_newest_and_posted_within_use_the_posted_date(client: TestClient) -> None:
    def titles(query: str) -> list[str]:
        return [p["title"] for p in client.get("/api/postings" + query).json()["items"]]

    assert titles("") == ["Undated, found later", "Undated", "Dated this week", "SPAR"]
    # The first crawl's undated posting was there before that crawl: not "posted within".
    assert titles("?posted_within=7") == ["Undated, found later", "Dated this week"]
    facets = client.get("/api/facets").json()["posted_within"]
    assert {f["value"]: f["count"] for f in facets}.get("7") == 2
    walked, cursor = [], ""
    while True:  # the keyset cursor follows the same order
        page = client.get("/api/postings?limit=1" + cursor).json()
        walked += [p["title"] for p in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = "&cursor=" + page["next_cursor"]
    assert walked == ["Undated, found later", "Undated", "Dated this week", "SPAR"]
    home = client.get("/").text
    assert "posted 15 days ago" in home or "posted 2 weeks ago" in home
    assert "first seen" in home


@pytest.mark.usefixtures("seeded")
def test_first_crawl_is_not_new_this_week(session: Session) -> None:
    stats = build_stats(session, NOW)
    assert stats["new_this_week"] == 2  # the one its source dates this week, the later find
