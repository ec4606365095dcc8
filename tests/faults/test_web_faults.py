"""Web trust boundaries and old links (issue 14, points 6 and 13): a real ``serve``
subprocess for the forwarded-header rules, the app itself for links and CSRF."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.policy import default
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Subscriber
from aggregator.digest.send import send_digests
from aggregator.profiles import ProfileInput
from aggregator.settings import Settings
from aggregator.subscriptions import confirm, subscribe, unsubscribe
from aggregator.tokens import make_token
from tests.factories import make_posting, make_subscriber
from tests.faults.conftest import start_cli
from tests.faults.smtp_server import free_port
from tests.web_factories import app_fixture, client_fixture, web_settings_fixture  # noqa: F401

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def first_digest_unsubscribe_path(session: Session, settings: Settings, engine: Engine) -> str:
    make_posting(session, first_seen_at=NOW - timedelta(days=1))
    make_subscriber(session, "ada@example.org", roles=["research_engineer"])
    session.commit()
    assert send_digests(settings, engine, now=NOW).sent == 1
    [eml] = (Path(settings.data_dir) / "outbox").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    match = re.search(r"<https://jobs\.example\.org(/unsubscribe/[^>]+)>", msg["List-Unsubscribe"])
    assert match
    return match.group(1)


def resubscribe(session: Session, settings: Settings) -> Subscriber:
    """Unsubscribe → subscribe again → confirm: the address is active with a new token
    version."""
    unsubscribe(session, settings, email="ada@example.org")
    sub = subscribe(session, settings, "ada@example.org", ProfileInput(roles=["policy"]))
    confirm(session, settings, make_token(settings, "confirm", sub))
    session.refresh(sub)
    assert sub.status == "active"
    return sub


def test_old_unsubscribe_link_unsubscribes_whatever_the_token_version(
    session: Session, web_settings: Settings, engine: Engine, client: TestClient
) -> None:
    """Point 6: the first digest's link — GET page, form POST and RFC 8058 one-click —
    unsubscribes the address after unsubscribe → re-subscribe → confirm, every time."""
    url = first_digest_unsubscribe_path(session, web_settings, engine)

    sub = resubscribe(session, web_settings)
    page = client.get(url)
    assert page.status_code == 200 and f'action="{url}"' in page.text
    token = CSRF.search(page.text)
    assert token
    done = client.post(url, data={"csrf_token": token.group(1)})
    assert done.status_code == 200 and "unsubscribed" in done.text.lower()
    session.refresh(sub)
    assert sub.status == "unsubscribed"

    for _ in range(2):
        sub = resubscribe(session, web_settings)
        with TestClient(client.app) as mail_client:  # no cookies, no CSRF token
            one_click = mail_client.post(url, data={"List-Unsubscribe": "One-Click"})
        assert one_click.status_code == 200 and one_click.text == "You are unsubscribed."
        session.refresh(sub)
        assert sub.status == "unsubscribed"


def test_cross_site_posts_are_refused_even_with_a_token(client: TestClient) -> None:
    """Point 13: CSRF checks Origin (or Referer), not only SameSite and the token."""
    page = client.get("/subscribe")
    token = CSRF.search(page.text)
    assert token
    form = {"csrf_token": token.group(1), "email": "x@example.org", "timezone": "UTC"}
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page"},
                    {"Origin": "https://jobs.example.org.evil.example"}):  # fmt: skip
        refused = client.post("/subscribe", data=form, headers=headers)
        assert refused.status_code == 403, headers
        assert "another site" in refused.text
    for headers in ({"Origin": "https://jobs.example.org"},  # base_url, behind a proxy
                    {"Origin": "http://testserver"}, {"Referer": "http://testserver/subscribe"},
                    {}):  # fmt: skip
        assert client.post("/subscribe", data=form, headers=headers).status_code == 200, headers


@pytest.fixture
def served(settings: Settings, request: pytest.FixtureRequest) -> Iterator[str]:
    """``aisafety-jobs serve`` on a free loopback port; ``request.param``: extra env."""
    port = free_port()
    env = {"AISAFETY_JOBS_SUBSCRIBE_RATE_LIMIT": "3", **getattr(request, "param", {})}
    proc = start_cli(settings, "serve", "--port", str(port), **env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # bounded: at most ~20 s
            try:
                if httpx.get(base + "/subscribe", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"serve did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def _sign_ups(base: str, count: int) -> list[int]:
    """``count`` sign-ups from loopback, each claiming another X-Forwarded-For."""
    with httpx.Client(base_url=base, timeout=10) as client:
        token = CSRF.search(client.get("/subscribe").text)
        assert token
        codes = []
        for i in range(count):
            form = {"csrf_token": token.group(1), "email": f"p{i}@example.org",
                    "timezone": "UTC", "frequency": "weekly"}  # fmt: skip
            headers = {"X-Forwarded-For": f"203.0.113.{i + 1}"}
            codes.append(client.post("/subscribe", data=form, headers=headers).status_code)
        return codes


def test_rotating_forwarded_for_does_not_bypass_the_sign_up_limit(served: str) -> None:
    """Point 13: behind no proxy, X-Forwarded-For from loopback is not believed."""
    assert _sign_ups(served, 6) == [200, 200, 200, 429, 429, 429]


@pytest.mark.parametrize("served", [{"AISAFETY_JOBS_TRUSTED_PROXIES": "127.0.0.1"}],
                         indirect=True)  # fmt: skip
def test_forwarded_for_from_a_configured_proxy_is_the_client(served: str) -> None:
    assert _sign_ups(served, 6) == [200] * 6
