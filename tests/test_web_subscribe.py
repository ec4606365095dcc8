"""Alert sign-up from a search, double opt-in, manage, unsubscribe (incl. RFC 8058), abuse."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Subscriber
from aggregator.settings import Settings
from aggregator.tokens import make_token
from aggregator.web.app import create_app
from tests.factories import make_subscriber
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    match = CSRF.search(page.text)
    assert match, "form without a CSRF token"
    return match.group(1)


def outbox(settings: Settings) -> list[EmailMessage]:
    folder = Path(settings.resolved_mail_url.removeprefix("outbox://"))
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=default) for f in files]  # type: ignore[misc]


def link_in(message: EmailMessage, purpose: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(rf"https://jobs\.example\.org(/{purpose}/[\w.\-]+)", body.get_content())
    assert match, body.get_content()
    return match.group(1)


def subscribe(client: TestClient, address: str, query: str = "role=fellowship&skill=python") -> Any:
    token = csrf(client, f"/subscribe?{query}")
    data = {"csrf_token": token, "email": address, "frequency": "weekly", "timezone": "UTC"}
    data.update(dict(p.split("=") for p in query.split("&")) if query else {})
    return client.post("/subscribe", data=data)


def test_form_starts_from_the_search_and_previews_four_weeks(
    client: TestClient, seeded: Seeded
) -> None:
    page = client.get("/subscribe?role=fellowship&skill=python")
    assert page.status_code == 200
    assert 'name="role" value="fellowship"' in page.text
    assert 'id="preview-count">1<' in page.text
    assert "Summer Safety Fellowship" in page.text


def test_subscribe_confirm_manage_unsubscribe(
    client: TestClient, seeded: Seeded, web_settings: Settings, session: Session
) -> None:
    response = subscribe(client, "ada@example.org")
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    [message] = outbox(web_settings)
    confirm_url = link_in(message, "confirm")
    # A GET (a link scanner) shows a button and changes nothing.
    assert "Confirm my subscription" in client.get(confirm_url).text
    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == "ada@example.org"))
    assert subscriber is not None and subscriber.status == "pending"
    assert subscriber.profile.roles == ["fellowship"]
    done = client.post(confirm_url, data={"csrf_token": csrf(client, confirm_url)})
    assert done.status_code == 200 and "subscribed" in done.text
    session.refresh(subscriber)
    assert subscriber.status == "active"

    manage_url = re.search(r'href="(/manage/[^"]+)"', done.text).group(1)  # type: ignore[union-attr]
    token = csrf(client, manage_url)
    saved = client.post(
        manage_url,
        data={
            "csrf_token": token,
            "role": ["policy", "fellowship"],
            "skill": "python",
            "country": "United Kingdom",
            "frequency": "daily",
            "timezone": "Europe/London",
            "paused": "on",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    session.refresh(subscriber)
    assert subscriber.status == "paused" and subscriber.frequency == "daily"
    assert subscriber.profile.locations == ["GB"]
    bad = client.post(manage_url, data={"csrf_token": token, "role": ["astronaut"]})
    assert bad.status_code == 422 and "unknown role" in bad.text

    unsubscribe_url = "/unsubscribe/" + make_token(web_settings, "unsubscribe", subscriber)
    assert client.get(unsubscribe_url).status_code == 200
    session.refresh(subscriber)
    assert subscriber.status == "paused"
    gone = client.post(unsubscribe_url, data={"csrf_token": csrf(client, unsubscribe_url)})
    assert gone.status_code == 200 and "unsubscribed" in gone.text
    session.refresh(subscriber)
    assert subscriber.status == "unsubscribed"
    assert client.get(manage_url).status_code == 400


def test_one_click_unsubscribe_without_cookies_or_csrf(
    app, web_settings: Settings, session: Session
) -> None:  # type: ignore[no-untyped-def]
    for encoding in ("urlencoded", "multipart"):
        subscriber = make_subscriber(session, f"{encoding}@example.org")
        session.commit()
        url = "/unsubscribe/" + make_token(web_settings, "unsubscribe", subscriber)
        with TestClient(app) as fresh:  # no cookies at all
            if encoding == "urlencoded":
                response = fresh.post(url, data={"List-Unsubscribe": "One-Click"})
            else:
                response = fresh.post(url, files={"List-Unsubscribe": (None, "One-Click")})
            assert response.status_code == 200, response.text
            assert "location" not in response.headers
            session.refresh(subscriber)
            assert subscriber.status == "unsubscribed"
            again = fresh.post(url, data={"List-Unsubscribe": "One-Click"})
            assert again.status_code == 200
        forged = url[:-3] + "abc"
        with TestClient(app) as fresh:
            assert fresh.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 400


def test_forms_without_csrf_are_refused(client: TestClient, session: Session) -> None:
    subscriber = make_subscriber(session, "x@example.org", status="pending")
    session.commit()
    settings = client.app.state.settings  # type: ignore[attr-defined]
    confirm_url = "/confirm/" + make_token(settings, "confirm", subscriber)
    client.get("/")
    assert client.post(confirm_url, data={}).status_code == 403
    assert client.post(confirm_url, data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/subscribe", data={"email": "a@example.org"}).status_code == 403
    unsubscribe_url = "/unsubscribe/" + make_token(settings, "unsubscribe", subscriber)
    assert client.post(unsubscribe_url, data={}).status_code == 403
    session.refresh(subscriber)
    assert subscriber.status == "pending"


def test_same_answer_for_new_active_and_unsubscribed_addresses(
    client: TestClient, session: Session, web_settings: Settings
) -> None:
    make_subscriber(session, "active@example.org", status="active")
    make_subscriber(session, "gone@example.org", status="unsubscribed")
    session.commit()
    bodies = []
    for address in ("new@example.org", "active@example.org", "gone@example.org"):
        response = subscribe(client, address, "")
        assert response.status_code == 200
        bodies.append(re.sub(CSRF, "", response.text))
    assert bodies[0] == bodies[1] == bodies[2]
    # Only the new and the re-subscribing address get mail; the active one gets none.
    recipients = sorted(str(m["To"]) for m in outbox(web_settings))
    assert recipients == ["gone@example.org", "new@example.org"]


def test_invalid_address_is_explained(client: TestClient) -> None:
    response = subscribe(client, "not-an-address", "")
    assert response.status_code == 422
    assert "invalid email address" in response.text


def test_rate_limit_per_ip_and_per_address(settings: Settings) -> None:
    app = create_app(replace(settings, subscribe_rate_limit=2))
    with TestClient(app) as client:
        assert subscribe(client, "a1@example.org", "").status_code == 200
        assert subscribe(client, "a2@example.org", "").status_code == 200
        limited = subscribe(client, "a3@example.org", "")
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
    app = create_app(replace(settings, subscribe_rate_limit=2))
    limiter = app.state.subscribe_limiter
    assert limiter.hit("ip:1", "email:v@example.org") == 0
    assert limiter.hit("ip:2", "email:v@example.org") == 0
    assert limiter.hit("ip:3", "email:v@example.org") > 0  # same address from a new IP


def _checked(html: str) -> set[str]:
    """(name=value) of the ticked filter checkboxes of a page."""
    return {
        f"{m.group(1)}={m.group(2)}"
        for m in re.finditer(r'name="(\w+)" value="([^"]+)" checked', html)
    }


def test_alert_form_uses_the_lists_controls_and_the_browsers_timezone(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    query = "role=fellowship&skill=python&country=GB&q=safety"
    listed = client.get(f"/?{query}").text
    form = client.get(f"/subscribe?{query}").text
    # The same controls (ids, names, groups), ticked for the search it came from.
    assert _checked(form) == _checked(listed) == {"role=fellowship", "skill=python", "country=GB"}
    for control in ('id="f-role-fellowship"', 'id="f-skill-python"', 'id="f-org-new"', "<legend>"):
        assert control in form and control in listed, control
    assert 'name="q" value="safety"' in form
    assert "facet" not in form.split('<main id="main">')[1].replace('class="facet', "")
    # The preview says how many a week; the timezone comes from the browser's script.
    assert re.search(r'About <strong id="preview-rate">[\d.]+</strong> postings? a week', form)
    assert '<input type="hidden" name="timezone" value="" data-browser-timezone>' in form
    assert '<script src="/static/timezone.js" defer>' in form
    assert client.get("/static/timezone.js").status_code == 200

    for address, zone, stored in (
        ("tz1@example.org", "Europe/Berlin", "Europe/Berlin"),
        ("tz2@example.org", "", "UTC"),  # no script: the server's default
        ("tz3@example.org", "Mars/Olympus", "UTC"),
    ):
        token = csrf(client, "/subscribe?role=fellowship")
        data = {"csrf_token": token, "email": address, "role": "fellowship", "timezone": zone}
        assert client.post("/subscribe", data=data).status_code == 200
        subscriber = session.scalar(select(Subscriber).where(Subscriber.email == address))
        assert subscriber is not None and subscriber.timezone == stored, address


def test_manage_page_uses_the_same_controls(
    client: TestClient, seeded: Seeded, web_settings: Settings, session: Session
) -> None:
    subscriber = make_subscriber(session, "m@example.org", status="active")
    session.commit()
    url = "/manage/" + make_token(web_settings, "manage", subscriber)
    token = csrf(client, url)
    data = {
        "csrf_token": token,
        "role": ["fellowship"],
        "skill": "python",
        "country": "GB",
        "q": "safety",
        "exclude_orgs": "Nope Inc",
        "frequency": "weekly",
        "timezone": "UTC",
    }
    saved = client.post(url, data=data)
    assert saved.status_code == 200 and "Saved." in saved.text
    assert {"role=fellowship", "skill=python", "country=GB"} <= _checked(saved.text)
    assert 'id="f-role-fellowship"' in saved.text and "<legend>" in saved.text
    session.refresh(subscriber)
    assert subscriber.profile.roles == ["fellowship"] and subscriber.profile.keywords == ["safety"]
    assert subscriber.profile.exclude_orgs == ["Nope Inc"]
