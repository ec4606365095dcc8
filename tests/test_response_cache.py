"""The response cache of public pages: a repeat is served without a query, and nothing
stale is served: a commit, a passed deadline, a visitor's cookie and a page with a CSRF
token each get their own answer (a posting's page and the alert sign-up are kept with
each visitor's own token put in)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from aggregator import clock
from aggregator.search import fresh
from aggregator.web import response_cache
from aggregator.web.response_cache import CSRF_PLACEHOLDER, ResponseCache, mark_personal
from aggregator.web.security import CSRF_COOKIE
from tests.factories import make_posting
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)

T0 = datetime(2026, 12, 3, 9, 0, 5, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def no_token(scope: object) -> str:
    raise AssertionError("these pages hold no CSRF placeholder")


@contextmanager
def counted_queries(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_repeat_runs_no_query(
    client: TestClient, app: FastAPI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fresh, "CHECK_INTERVAL", 3600.0)  # however slow the machine
    fresh.forget_all()  # indexes built by earlier tests may be due: no rebuild aside here
    for path in ("/?role=fellowship", "/api/facets", "/api/postings", "/stats"):
        first = client.get(path)
        with counted_queries(app.state.engine) as queries:
            again = client.get(path)
        assert again.status_code == 200 and again.text == first.text, path
        assert queries == [], path
    with counted_queries(app.state.engine) as queries:
        client.get("/?role=fellowship", headers={"Cache-Control": "no-cache"})
    assert queries, "no-cache builds the page again"


def test_a_repeat_after_the_check_interval_asks_only_the_fingerprint(
    client: TestClient, app: FastAPI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fresh, "CHECK_INTERVAL", 0.0)  # every request reads it again
    fresh.forget_all()  # indexes built by earlier tests may be due: no rebuild aside here
    for path in ("/feeds/deadlines.ics", "/api/postings?role=fellowship", "/"):
        first = client.get(path)
        with counted_queries(app.state.engine) as queries:
            again = client.get(path)
        assert again.content == first.content, path
        assert len(queries) == 1 and "count(*)" in queries[0], path


def test_a_commit_shows_at_once(client: TestClient, session: Session, seeded: Seeded) -> None:
    assert "Brand New Role" not in client.get("/").text
    make_posting(session, title="Brand New Role")
    session.commit()
    assert "Brand New Role" in client.get("/").text
    assert "Brand New Role" in client.get("/api/postings").text


def test_a_passed_deadline_ends_a_kept_page(client: TestClient, session: Session) -> None:
    make_posting(session, title="Closing Soon", first_seen_at=T0 - timedelta(days=1),
                 deadline=T0 + timedelta(seconds=20))  # fmt: skip
    make_posting(session, title="Stays Open", first_seen_at=T0 - timedelta(days=1))
    session.commit()
    with clock.fixed(T0):
        assert "Closing Soon" in client.get("/").text
        assert "Closing Soon" in client.get("/").text  # kept
    with clock.fixed(T0 + timedelta(seconds=30)):  # same minute, past the deadline
        html = client.get("/").text
        assert "Closing Soon" not in html and "Stays Open" in html
        assert '"total":1' in client.get("/api/facets").text.replace(" ", "")
    with clock.fixed(T0):  # the clock moved back: the page of that moment again
        assert "Closing Soon" in client.get("/").text


def test_cookies_stay_the_visitors_own(app: FastAPI, seeded: Seeded) -> None:
    with TestClient(app) as first, TestClient(app) as second:
        one = first.get("/").cookies.get(CSRF_COOKIE)
        two = second.get("/").cookies.get(CSRF_COOKIE)
    assert one and two and one != two


@pytest.mark.parametrize("page", ["posting", "subscribe"])
def test_a_page_with_forms_is_kept_with_each_visitors_own_token(
    app: FastAPI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    monkeypatch.setattr(fresh, "CHECK_INTERVAL", 3600.0)  # however slow the machine
    fresh.forget_all()
    pid = seeded.interp.id
    path = f"/postings/{pid}" if page == "posting" else "/subscribe?role=research_engineer"
    with TestClient(app) as first, TestClient(app) as second:
        first.get(path)
        with counted_queries(app.state.engine) as queries:
            again, other = first.get(path), second.get(path)
        assert queries == []  # both answered from the kept page
        for response in (again, other):
            assert CSRF_PLACEHOLDER not in response.text
            assert int(response.headers["content-length"]) == len(response.content)
        mine, theirs = CSRF.findall(again.text), CSRF.findall(other.text)
        assert mine and theirs and set(mine).isdisjoint(theirs)
        if page == "posting":  # a token is good for its own visitor only
            report = {"kind": "wrong_tags"}
            url = f"/postings/{pid}/report"
            assert first.post(url, data={**report, "csrf_token": theirs[0]}).status_code == 403
            assert second.post(url, data={**report, "csrf_token": theirs[0]}).status_code == 200


def test_posting_pages_cannot_push_the_lists_out(
    client: TestClient, app: FastAPI, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fresh, "CHECK_INTERVAL", 3600.0)
    monkeypatch.setitem(response_cache.MAX_BYTES, "pages with forms", 1)  # keeps none
    fresh.forget_all()
    client.get("/")
    for posting in (seeded.interp, seeded.policy, seeded.fellowship):  # a crawler's walk
        client.get(f"/postings/{posting.id}")
    with counted_queries(app.state.engine) as queries:
        client.get("/")
    assert queries == []


def test_a_page_with_a_csrf_token_is_never_kept(engine: Engine) -> None:
    sessions = sessionmaker(engine)
    built = []
    inner = FastAPI()

    @inner.get("/")
    def personal(request: Request) -> HTMLResponse:
        mark_personal(request)
        built.append(1)
        return HTMLResponse(f"token {len(built)}")

    app = ResponseCache(inner, sessions=sessions, csrf_token=no_token)
    with TestClient(app) as client:  # type: ignore[arg-type]
        assert client.get("/").text == "token 1"
        assert client.get("/").text == "token 2"


def test_visitors_asking_at_once_wait_for_one_build(engine: Engine) -> None:
    built = []
    inner = FastAPI()

    @inner.get("/")
    async def slow() -> HTMLResponse:
        built.append(1)
        await asyncio.sleep(0.2)
        return HTMLResponse("the page")

    app = ResponseCache(inner, sessions=sessionmaker(engine), csrf_token=no_token)

    async def visitors() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            pages = await asyncio.gather(*(client.get("/") for _ in range(5)))
        return [page.text for page in pages]

    assert asyncio.run(visitors()) == ["the page"] * 5
    assert built == [1]


def test_an_old_page_is_sent_once_more_while_built_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(response_cache, "FRESH_FOR", 0.0)  # every kept page is old
    built = []
    inner = FastAPI()

    @inner.get("/")
    async def page() -> HTMLResponse:
        built.append(1)
        return HTMLResponse(f"build {len(built)}")

    app = ResponseCache(inner, sessions=sessionmaker(engine), csrf_token=no_token)

    async def visits() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            texts = []
            for _ in range(3):
                texts.append((await client.get("/")).text)
                await asyncio.sleep(0.05)  # the background build finishes
        return texts

    assert asyncio.run(visits()) == ["build 1", "build 1", "build 2"]
    assert len(built) == 3  # the third visit also started a build in the background
