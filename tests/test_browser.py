"""End to end in Chromium against a real uvicorn server: filter, open, subscribe, confirm,
unsubscribe; hostile scraped text never runs; screenshots go to test-artifacts/."""

from __future__ import annotations

import email
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Subscriber
from aggregator.settings import Settings
from aggregator.web.app import create_app
from tests.web_factories import seed

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[str, Settings]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    live = replace(settings, base_url=base, subscribe_rate_limit=50)
    config = uvicorn.Config(create_app(live), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield base, live
    uv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` (page.wait_for_function would need eval, which our CSP blocks)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            where = page.evaluate("location.search + ' | ' + document.title")
            pytest.fail(f"timed out waiting for {expression} ({where})")
        time.sleep(0.05)


def _outbox(settings: Settings) -> list[EmailMessage]:
    folder = Path(settings.resolved_mail_url.removeprefix("outbox://"))
    return [
        email.message_from_bytes(p.read_bytes(), policy=default)  # type: ignore[misc]
        for p in sorted(folder.glob("*.eml"))
    ]


def _link(message: EmailMessage, base: str, purpose: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(re.escape(base) + rf"/{purpose}/[\w.\-]+", body.get_content())
    assert match, body.get_content()
    return match.group(0)


def test_filter_open_subscribe_confirm_unsubscribe(
    server: tuple[str, Settings], browser_page: Any, session: Session
) -> None:
    base, settings = server
    seeded = seed(session)
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{page.url} {m.location} {m.text}") if m.type == "error" else None,
    )

    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSPV', "
        "e.violatedDirective, e.sample, e.target && String(e.target.outerHTML).slice(0, 300)))"
    )
    page.goto(base + "/")
    assert page.locator("h1").first.inner_text() == "5 openings"
    page.screenshot(path=str(ARTIFACTS / "list.png"), full_page=True)

    # Live filtering with htmx: each tick updates the URL and the results.
    page.locator("input[name=role][value=fellowship]").check()
    wait_until(page, "location.search === '?role=fellowship'")  # pushed, shareable
    wait_until(page, "document.querySelector('h1').innerText === '1 opening matches'")
    page.locator("input[name=skill][value=python]").check()
    wait_until(page, "location.search === '?role=fellowship&skill=python'")
    titles = page.locator("article.card .card-title").all_inner_texts()
    assert titles == ["Summer Safety Fellowship"]
    page.screenshot(path=str(ARTIFACTS / "list-filtered.png"), full_page=True)

    page.get_by_role("link", name="Summer Safety Fellowship").click()
    page.wait_for_url(re.compile(r"/postings/\d+$"))
    assert page.locator("h1").inner_text() == "Summer Safety Fellowship"
    page.screenshot(path=str(ARTIFACTS / "posting.png"), full_page=True)

    page.go_back()
    page.get_by_role("link", name=re.compile("Get alerts for this search")).click()
    page.wait_for_url(re.compile(r"/subscribe\?role=fellowship&skill=python"))
    assert page.locator("#preview-count").inner_text() == "1"
    page.fill("input[name=email]", "grace@example.org")
    page.screenshot(path=str(ARTIFACTS / "subscribe.png"), full_page=True)
    page.get_by_role("button", name="Send me a confirmation link").click()
    page.wait_for_selector("text=Check your inbox")

    deadline = time.monotonic() + 10  # the sign-up runs after the response is sent
    while not _outbox(settings) and time.monotonic() < deadline:
        time.sleep(0.05)
    [message] = _outbox(settings)
    page.goto(_link(message, base, "confirm"))
    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == "grace@example.org"))
    assert subscriber is not None and subscriber.status == "pending"  # GET changed nothing
    page.get_by_role("button", name="Confirm my subscription").click()
    page.wait_for_selector("text=You're subscribed")
    session.refresh(subscriber)
    assert subscriber.status == "active"
    assert subscriber.profile.roles == ["fellowship"] and subscriber.profile.skills == ["python"]

    page.get_by_role("link", name="Edit your alert").click()
    page.get_by_role("link", name="Unsubscribe").click()
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_selector("text=You are unsubscribed")
    session.refresh(subscriber)
    assert subscriber.status == "unsubscribed"

    # Hostile title and description: nothing runs (no dialog, no flag), even on the list.
    page.goto(f"{base}/postings/{seeded.evil.id}")
    page.screenshot(path=str(ARTIFACTS / "posting-hostile.png"), full_page=True)
    assert page.evaluate("window.__xss === undefined")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text
    page.goto(base + "/?skill=python")
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []
    page.goto(base + "/stats")
    page.screenshot(path=str(ARTIFACTS / "stats.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_phone_sees_postings_first_and_keyboard_keeps_focus(
    server: tuple[str, Settings], browser_page: Any, session: Session
) -> None:
    seed(session)
    base, _ = server
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/")
    # The filters fold into a drawer: only the search box and its summary come first.
    drawer = page.locator("#filters-drawer")
    wait_until(page, "document.getElementById('filters-drawer').open === false")
    assert not page.locator("#f-role-fellowship").is_visible()
    first = page.locator("article.card").first.bounding_box()
    summary = page.locator("#filters-drawer > summary").bounding_box()
    assert first is not None and summary is not None
    assert summary["y"] < first["y"] < 844 - 100  # the first posting is on the first screen
    page.screenshot(path=str(ARTIFACTS / "list-390.png"), full_page=True)
    # A skip link comes first in the tab order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    # The drawer opens from the keyboard, and stays open across a live update.
    page.locator("#filters-drawer > summary").focus()
    page.keyboard.press("Enter")
    wait_until(page, "document.getElementById('filters-drawer').open === true")
    page.locator("#f-role-fellowship").focus()
    page.keyboard.press("Space")
    wait_until(page, "location.search === '?role=fellowship'")
    wait_until(page, "document.querySelector('h1').innerText === '1 opening matches'")
    assert drawer.evaluate("d => d.open") is True
    assert "1 chosen" in page.locator("#filters-drawer > summary").inner_text()
    page.screenshot(path=str(ARTIFACTS / "list-390-drawer.png"), full_page=True)
    page.goto(base + "/")
    # Space on a filter: after the live update, focus is still on that checkbox.
    page.set_viewport_size({"width": 1366, "height": 900})
    wait_until(page, "document.getElementById('filters-drawer').open === true")  # wide: open
    box = page.locator("input[name=role][value=fellowship]")
    box.focus()
    page.keyboard.press("Space")
    wait_until(page, "location.search === '?role=fellowship'")
    wait_until(page, "document.querySelector('h1').innerText === '1 opening matches'")
    wait_until(page, "document.activeElement.id === 'f-role-fellowship'")
    page.screenshot(path=str(ARTIFACTS / "list-1366.png"), full_page=True)


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => [v.id, v.impact, v.help,
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")]);
}"""


@pytest.fixture
def axe_page() -> Iterator[Any]:
    """A page that may inject axe-core: the site's CSP would refuse the injected script."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(bypass_csp=True).new_page()
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            browser.close()


def test_every_page_type_passes_axe_at_phone_and_desktop_width(
    server: tuple[str, Settings], axe_page: Any, session: Session
) -> None:
    from aggregator.tokens import make_token
    from tests.factories import make_subscriber

    base, settings = server
    seeded = seed(session)
    subscriber = make_subscriber(session, "axe@example.org", status="active")
    session.commit()
    manage = make_token(settings, "manage", subscriber)
    pages = {
        "list": "/",
        "list-filtered": "/?role=fellowship&skill=python&q=safety",
        "posting": f"/postings/{seeded.interp.id}",
        "org": "/orgs/example-lab",
        "sources": "/sources",
        "stats": "/stats",
        "programs": "/programs",
        "submit": "/submit",
        "subscribe": "/subscribe?role=fellowship",
        "manage": f"/manage/{manage}",
        "confirm": f"/confirm/{make_token(settings, 'confirm', subscriber)}",
        "unsubscribe": f"/unsubscribe/{make_token(settings, 'unsubscribe', subscriber)}",
        "api-docs": "/api/docs",
        "not-found": "/postings/424242",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page = axe_page
    found: list[str] = []
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in pages.items():
            page.goto(base + path)
            for summary in page.locator("details:not([open]) > summary").all()[:3]:
                if summary.is_visible():
                    summary.click()  # what a visitor can open is checked too
            page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{width}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            for rule, impact, text, where in page.evaluate(AXE_RUN):
                if impact in BLOCKING:
                    found.append(f"{name} @{width}px: {rule} ({impact}) {text}: {where}")
    assert not found, "\n".join(found)
