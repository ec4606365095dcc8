"""Atom and iCalendar feeds per filter."""

from __future__ import annotations

import feedparser
from icalendar import Calendar
from starlette.testclient import TestClient

from aggregator.web import ical
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)


def test_atom_feed_is_valid_and_filtered(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/feeds/postings.atom?skill=python")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [e.title for e in feed.entries]
    assert "Summer Safety Fellowship — Example Lab" in titles
    assert "AI Policy Analyst — Gov AI Institute" not in titles
    entry = feed.entries[0]
    assert entry.link.startswith("https://jobs.example.org/postings/")
    assert feed.feed.title == "AI safety jobs: Python"


def test_atom_survives_hostile_text(client: TestClient, seeded: Seeded) -> None:
    feed = feedparser.parse(client.get("/feeds/postings.atom").content)
    assert not feed.bozo
    assert any("Evil" in e.title for e in feed.entries)


def test_ics_has_one_event_per_upcoming_deadline(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/feeds/deadlines.ics?role=research_engineer&role=fellowship")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    summaries = sorted(str(e["summary"]) for e in events)
    assert summaries == [
        "Deadline: Research Engineer, Interpretability — Example Lab",
        "Deadline: Summer Safety Fellowship — Example Lab",
    ]
    assert all(str(e["uid"]).endswith("@jobs.example.org") for e in events)


def test_feeds_reject_bad_filters(client: TestClient) -> None:
    assert client.get("/feeds/postings.atom?role=nope").status_code == 422
    assert client.get("/feeds/deadlines.ics?limit=5&sort=nope").status_code == 422


def test_ics_text_is_escaped_and_folded() -> None:
    title = "Ünïcode, research; engineer\\ — " + "long title é " * 20
    description = "line one\nline two, with; marks"
    text = ical.calendar(
        ["VERSION:2.0", "PRODID:-//test//EN"],
        [[f"SUMMARY:{ical.escape(title)}", "DTSTART;VALUE=DATE:20261205", "UID:x@y",
          f"DESCRIPTION:{ical.escape(description)}"]],
    )  # fmt: skip
    assert all(len(line) <= ical.FOLD_AT for line in text.split(b"\r\n"))
    event = next(iter(Calendar.from_ical(text).walk("VEVENT")))
    assert str(event["summary"]) == title
    assert str(event["description"]) == description
    assert event["dtstart"].dt.isoformat() == "2026-12-05"
