"""The "share an opportunity" form and the moderation page: CSRF, the per-address rate
limit, the honeypot, the admin token, and hostile markup in a shared page, its title,
its JSON-LD and the notes never running on the admin page or the approved posting."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Posting, Submission
from aggregator.settings import Settings
from aggregator.web.app import create_app
from tests.crawl_server import Reply, serve
from tests.factories import make_posting
from tests.test_crawl_e2e import ROBOTS
from tests.web_factories import client_fixture

__all__ = ["client_fixture"]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = "admin-token-for-tests"
EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture(name="web_settings")
def web_settings_fixture(settings: Settings) -> Settings:
    return replace(settings, download_delay=0.0, admin_token=TOKEN, submit_rate_limit=3)


@pytest.fixture(name="app")
def app_fixture(web_settings: Settings) -> FastAPI:
    return create_app(web_settings)


def csrf(client: TestClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    match = CSRF.search(page.text)
    assert match, "form without a CSRF token"
    return match.group(1)


def share(client: TestClient, url: str, **fields: str) -> httpx.Response:
    data = {"csrf_token": csrf(client, "/submit"), "url": url, **fields}
    return client.post("/submit", data=data)


class LiveCode(HTMLParser):
    """Everything in a page that a browser would run: inline scripts, scripts from
    elsewhere than /static/, event-handler attributes and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not str(values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {values}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name.lower() in ("href", "src", "action", "formaction") and str(
                value or ""
            ).strip().lower().startswith(("javascript:", "data:text")):
                self.found.append(f"<{tag} {name}={value!r}>")


def live_code(html: str) -> list[str]:
    parser = LiveCode()
    parser.feed(html)
    return parser.found


def test_form_needs_csrf_and_is_rate_limited(client: TestClient, session: Session) -> None:
    posting = make_posting(session, url="https://example.org/jobs/1")
    session.commit()
    assert 'name="url"' in client.get("/submit").text
    forged = client.post("/submit", data={"csrf_token": "forged", "url": posting.url})
    assert forged.status_code == 403
    assert client.post("/submit", data={"url": posting.url}).status_code == 403
    foreign = client.post(
        "/submit",
        data={"csrf_token": csrf(client, "/submit"), "url": posting.url},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    for _ in range(3):  # submit_rate_limit = 3 per hour and address
        answer = share(client, posting.url)
        assert answer.status_code == 200 and "Already listed" in answer.text
        assert f'href="/postings/{posting.id}"' in answer.text
    limited = share(client, posting.url)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert session.scalar(select(Submission)) is None


def test_honeypot_and_bad_links(client: TestClient, session: Session) -> None:
    trapped = share(client, "https://example.org/jobs/2", website="https://spam.example")
    assert trapped.status_code == 200 and "Thanks" in trapped.text
    bad = share(client, "javascript:alert(1)")
    assert bad.status_code == 422 and "not an http(s) web address" in bad.text
    assert session.scalar(select(Submission)) is None


def test_admin_page_is_off_without_a_token(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, admin_token=""))) as client:
        assert client.get("/admin/submissions").status_code == 404
        assert client.post("/admin/login", data={"token": ""}).status_code == 404
        assert client.post("/admin/submissions/1/approve").status_code == 404


def test_admin_actions_need_the_token(client: TestClient) -> None:
    page = client.get("/admin/submissions")
    assert page.status_code == 200 and 'name="token"' in page.text
    assert client.post("/admin/submissions/1/approve", data={}).status_code == 403
    wrong = client.post(
        "/admin/login", data={"csrf_token": csrf(client, "/admin/submissions"), "token": "guess"}
    )
    assert wrong.status_code == 403 and "admin" not in client.cookies


@pytest.fixture(name="hostile_site")
def hostile_site_fixture() -> Iterator[Any]:
    job = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": f"Research Engineer {EVIL}",
        "hiringOrganization": {"name": f"Evil Org {EVIL}"},
        "description": f"<p>Interpretability work.</p>{EVIL}"
        '<a href="javascript:alert(3)">apply</a><div onmouseover="alert(4)">hover</div>',
    }
    block = json.dumps(job).replace("</", "<\\/")
    page = f"""<html><head><title>{EVIL}</title>
    <script type="application/ld+json">{block}</script><script>alert(5)</script></head>
    <body onload="alert(6)"><h1>{EVIL}</h1></body></html>""".encode()
    routes = {"/robots.txt": ROBOTS, "/jobs/evil": Reply(page, content_type="text/html")}
    with serve(routes) as server:
        yield server


def test_hostile_markup_never_runs(client: TestClient, session: Session, hostile_site: Any) -> None:
    url = f"{hostile_site.base}/jobs/evil"
    queued = share(client, url, notes=f"seen on Slack {EVIL}")
    assert queued.status_code == 200 and "Thanks" in queued.text, queued.text
    again = share(client, url + "#apply")
    assert "Already shared" in again.text
    submission = session.scalars(select(Submission)).one()
    login = client.post(
        "/admin/login", data={"csrf_token": csrf(client, "/admin/submissions"), "token": TOKEN}
    )
    assert login.status_code == 200 and "Shared links waiting" in login.text
    assert live_code(login.text) == []
    assert "seen on Slack" in login.text and "Research Engineer" in login.text
    token = csrf(client, "/admin/submissions")
    edited = client.post(
        f"/admin/submissions/{submission.id}/edit",
        data={
            "csrf_token": token,
            "title": f"RE {EVIL}",
            "role": "research_engineer",
            "org": submission.org_name,
            "deadline": "2027-01-31",
        },
    )
    assert edited.status_code == 200 and live_code(edited.text) == []
    approved = client.post(
        f"/admin/submissions/{submission.id}/approve", data={"csrf_token": token}
    )
    assert approved.status_code == 200 and "Nothing waiting" in approved.text
    session.expire_all()
    posting = session.scalars(select(Posting)).one()
    assert posting.title == "RE"  # tags and script content stripped (nh3)
    page = client.get(f"/postings/{posting.id}")
    assert page.status_code == 200
    assert live_code(page.text) == []
    assert "shared by the community" in page.text and "Interpretability work." in page.text
    detail = client.get(f"/api/postings/{posting.id}").json()
    assert [(x["source"], x["name"]) for x in detail["listings"]] == [
        ("community", "shared by the community")
    ]
