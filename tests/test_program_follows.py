"""Following a program ("tell me when it opens") through a real aiosmtpd on 127.0.0.1,
with the clock moved across two cycles: double opt-in, one "now open" email per
cycle, reminders 7 and 1 days before the deadline, nothing after it, nothing twice;
the web form's CSRF and rate limit; one-click stop."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import ProgramCycle, ProgramNotice
from aggregator.programs import follows
from aggregator.programs.config import load_programs, sync_programs
from aggregator.programs.detect import record_page
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken
from tests.factories import make_posting
from tests.test_mail_smtp import free_port
from tests.test_programs import write
from tests.web_factories import app_fixture, client_fixture, web_settings_fixture

__all__ = ["app_fixture", "client_fixture", "web_settings_fixture"]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]

    def link(self, path: str) -> str:
        body = self.messages[-1].get_payload(decode=True).decode()  # type: ignore[union-attr]
        match = re.search(rf"https?://\S+/{path}/(\S+)", body)
        assert match, body
        return match.group(1)


@pytest.fixture
def inbox(settings: Settings) -> Any:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, replace(settings, mail_url=f"smtp://127.0.0.1:{port}")
    finally:
        controller.stop()


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def test_follow_open_and_reminders_once_across_two_cycles(
    tmp_path: Path, session: Session, inbox: Any
) -> None:
    box, settings = inbox
    mats = sync_programs(session, load_programs(write(tmp_path)))["mats"]
    record_page(session, mats, "<p>Winter applications open soon.</p>", at("2026-09-01"))
    row = follows.follow(session, settings, mats, "Reader@Example.org")
    assert row.status == "pending" and box.subjects() == ["Confirm: tell me when MATS opens"]
    # nothing for a pending follow
    assert follows.send_notices(settings, session, at("2026-09-02")).sent == 0
    token = box.link("follow")
    with pytest.raises(InvalidToken):
        follows.confirm_follow(session, settings, token + "x")
    assert follows.confirm_follow(session, settings, token).status == "active"
    row.created_at = row.confirmed_at = at("2026-09-02")  # the clock of this story
    session.commit()
    # following again while active sends nothing
    follows.follow(session, settings, mats, "reader@example.org")
    assert len(box.messages) == 1

    # cycle 1 opens: the page changes on 10 October, deadline 2 November
    record_page(session, mats, "<p>Apply by 2 November 2026.</p>", at("2026-10-10"))
    days = {"2026-10-10": 1, "2026-10-11": 0, "2026-10-26": 1, "2026-10-27": 0,
            "2026-11-01": 1, "2026-11-02": 0, "2026-11-03": 0, "2026-11-20": 0}  # fmt: skip
    for day, expected in days.items():
        report = follows.send_notices(settings, session, at(day))
        assert report.sent == expected, day
    opened, seven, one = box.subjects()[1:]
    assert opened == "MATS is open: applications close 2026-11-02"
    assert seven.startswith("MATS: about 7 days left") and one.startswith("MATS: about 1 day left")
    assert all(str(m["To"]).lower() == "reader@example.org" for m in box.messages)
    assert box.messages[-1]["List-Unsubscribe"].startswith("<http")

    # cycle 2 (the maintained Autumn 2026 cycle is past; a new one is announced)
    record_page(session, mats, "<p>Summer 2027: apply by 15 January 2027.</p>", at("2026-12-20"))
    for day in ("2026-12-20", "2026-12-21", "2027-01-08", "2027-01-14", "2027-01-16"):
        follows.send_notices(settings, session, at(day))
    assert box.subjects()[4:] == [
        "MATS is open: applications close 2027-01-15",
        "MATS: about 7 days left to apply (closes 2027-01-15)",
        "MATS: about 1 day left to apply (closes 2027-01-15)",
    ]
    notices = list(session.scalars(select(ProgramNotice)))
    assert len(notices) == 6 and {n.status for n in notices} == {"sent"}
    assert len({(n.cycle_id, n.kind) for n in notices}) == 6

    # stop: no more emails, even for a new cycle
    follows.stop_follow(session, settings, box.link("unfollow"))
    record_page(session, mats, "<p>Autumn 2027: apply by 1 June 2027.</p>", at("2027-05-10"))
    assert follows.send_notices(settings, session, at("2027-05-10")).sent == 0


def test_a_cycle_open_before_following_gets_reminders_not_an_opening(
    tmp_path: Path, session: Session, inbox: Any
) -> None:
    box, settings = inbox
    mats = sync_programs(session, load_programs(write(tmp_path)))["mats"]
    mats.cycles.append(
        ProgramCycle(
            label="Now", opens_on=date(2026, 10, 1), deadline=date(2026, 10, 20), origin="config"
        )
    )
    session.commit()
    row = follows.follow(session, settings, mats, "late@example.org")
    row.created_at = at("2026-10-12")
    follows.confirm_follow(session, settings, box.link("follow"))
    row.confirmed_at = at("2026-10-12")
    session.commit()
    follows.send_notices(settings, session, at("2026-10-14"))
    assert box.subjects()[1:] == ["MATS: about 7 days left to apply (closes 2026-10-20)"]


def test_claimed_notice_left_by_a_crash_is_never_resent(
    tmp_path: Path, session: Session, inbox: Any
) -> None:
    box, settings = inbox
    mats = sync_programs(session, load_programs(write(tmp_path)))["mats"]
    row = follows.follow(session, settings, mats, "x@example.org")
    follows.confirm_follow(session, settings, box.link("follow"))
    row.created_at = row.confirmed_at = at("2026-09-02")
    record_page(session, mats, "<p>soon</p>", at("2026-09-01"))
    record_page(session, mats, "<p>Apply by 2 November 2026.</p>", at("2026-10-10"))
    follows.plan_notices(session, date(2026, 10, 10))
    notice = session.scalars(select(ProgramNotice)).one()
    notice.status, notice.claimed_at = "sending", at("2026-10-10")  # a sender killed mid-send
    session.commit()
    report = follows.send_notices(settings, session, at("2026-10-10") + timedelta(hours=2))
    assert report.unknown == 1 and report.sent == 0
    assert len(box.messages) == 1  # only the confirmation
    assert row.status == "active"


def test_follow_form_needs_csrf_and_is_rate_limited(
    tmp_path: Path, session: Session, client: TestClient, app: Any
) -> None:
    sync_programs(session, load_programs(write(tmp_path)))
    page = client.get("/programs/mats")
    assert "Tell me when it opens" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    no_token = client.post("/programs/mats/follow", data={"email": "a@example.org"})
    assert no_token.status_code in (400, 403)
    ok = client.post(
        "/programs/mats/follow", data={"email": "a@example.org", "csrf_token": csrf.group(1)}
    )
    assert ok.status_code == 200
    statuses = [
        client.post(
            "/programs/mats/follow",
            data={"email": "a@example.org", "csrf_token": csrf.group(1)},
        ).status_code
        for _ in range(60)
    ]
    assert 429 in statuses
    assert (
        client.post("/unfollow/not-a-token", data={"List-Unsubscribe": "One-Click"}).status_code
        == 400
    )


def test_deadlines_calendar_filtered_to_followed_programs(
    tmp_path: Path, session: Session, client: TestClient
) -> None:
    from icalendar import Calendar

    rows = sync_programs(session, load_programs(write(tmp_path)))
    soon = datetime.now(UTC).date() + timedelta(days=10)
    for key in ("mats", "spar"):
        rows[key].cycles.append(ProgramCycle(label="Next", deadline=soon, origin="config"))
    session.commit()
    both = Calendar.from_ical(client.get("/feeds/programs.ics").content)
    assert sorted(str(e["summary"]) for e in both.walk("VEVENT")) == [
        "Deadline: MATS (Next)",
        "Deadline: SPAR (Next)",
    ]
    one = client.get("/feeds/programs.ics?program=spar&program=../bad")
    assert one.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(one.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Deadline: SPAR (Next)"]
    assert events[0]["dtstart"].dt == soon


def test_weekly_digest_has_an_opening_soon_just_opened_section(
    tmp_path: Path, session: Session, settings: Settings
) -> None:
    from email.policy import default

    from tests.test_digest_cli import NOW, run

    now = datetime.fromisoformat(NOW)
    configs = load_programs(write(tmp_path))
    rows = sync_programs(session, configs)
    today = now.date()
    rows["mats"].cycles.append(
        ProgramCycle(
            label="Winter", opens_on=today - timedelta(days=2),
            deadline=today + timedelta(days=20), origin="page",
        )
    )  # fmt: skip
    rows["spar"].usual_open_months = [12]  # the digest is sent on 2026-11-23
    make_posting(session, title="Research Engineer", first_seen_at=now - timedelta(days=2))
    session.commit()
    run(settings, "subscribe", "a@example.org", "--role", "research_engineer", "--confirmed")
    run(settings, "digest", "send", "--now", NOW)
    (file,) = Path(settings.data_dir, "outbox").glob("*.eml")
    msg = email.message_from_bytes(file.read_bytes(), policy=default)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    section = text.split("Opening soon / just opened")[1]
    assert "* MATS: just opened; applications close 2026-12-13" in section
    assert "* SPAR: expected to open December 2026" in section
    assert "/programs/mats" in section
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Opening soon / just opened</h2>" in html


def forum_post(number: int, title: str, body: str) -> Any:
    from aggregator.items import RawPosting

    url = f"https://forum.example.org/posts/{number}"
    return RawPosting(
        source_key="ea_forum", external_id=url, org="EA Forum", title=title, url=url,
        description_html=body, extras={"feed_type": "forum", "via": "EA Forum"},
    )  # fmt: skip


def test_forum_announcements_open_cycles_through_the_classifier(
    tmp_path: Path, session: Session, inbox: Any
) -> None:
    """Two cycles announced only on a forum: the normalizer marks each post as MATS's call
    (its title names the program, its body says applications are open), detection opens
    the cycle, and the follower is told once, reminded at 7 and 1 days, nothing after."""
    from aggregator.db.models import Organization, Source
    from aggregator.programs.detect import detect_from_postings
    from aggregator.store.ingest import ingest_items

    box, settings = inbox
    configs = load_programs(write(tmp_path))
    mats = sync_programs(session, configs)["mats"]
    board = Organization(slug="ea-forum", name="EA Forum", org_type="board")
    forum = Source(key="ea_forum", platform="feed", organization=board)
    session.add(forum)
    session.commit()
    row = follows.follow(session, settings, mats, "reader@example.org")
    follows.confirm_follow(session, settings, box.link("follow"))
    row.created_at = row.confirmed_at = at("2026-09-02")
    session.commit()

    def day(when: str, post: Any = None) -> None:
        if post is not None:
            ingest_items(session, forum, [post], complete=False, now=at(when))
            session.commit()
        detect_from_postings(session, configs, at(when))
        follows.send_notices(settings, session, at(when))

    # a reflection naming MATS is no call
    day("2026-09-20", forum_post(1, "What I learned at MATS", "<p>A great summer.</p>"))
    assert len(mats.cycles) == 1
    posts = {
        "2026-10-10": forum_post(2, "MATS Winter 2027",
                                 "<p>Applications are open until 2 November 2026.</p>"),
        "2026-12-20": forum_post(3, "Apply to MATS Summer 2027",
                                 "<p>Mentors include Ada Lovelace. Deadline: 15 January 2027.</p>"),
    }  # fmt: skip
    for when in ("2026-10-10", "2026-10-11", "2026-10-26", "2026-11-01", "2026-11-03",
                 "2026-12-20", "2026-12-21", "2027-01-08", "2027-01-14", "2027-01-16"):  # fmt: skip
        day(when, posts.get(when))
    assert sorted((c.origin, c.deadline) for c in mats.cycles if c.origin != "config") == [
        ("forum", date(2026, 11, 2)),
        ("forum", date(2027, 1, 15)),
    ]
    assert box.subjects()[1:] == [
        "MATS is open: applications close 2026-11-02",
        "MATS: about 7 days left to apply (closes 2026-11-02)",
        "MATS: about 1 day left to apply (closes 2026-11-02)",
        "MATS is open: applications close 2027-01-15",
        "MATS: about 7 days left to apply (closes 2027-01-15)",
        "MATS: about 1 day left to apply (closes 2027-01-15)",
    ]


def test_overlapping_cycles_are_one_opening(tmp_path: Path, session: Session, inbox: Any) -> None:
    """A maintained cycle and a posting's call with another deadline, open at once: one
    "now open" email, then each deadline's reminders."""
    box, settings = inbox
    mats = sync_programs(session, load_programs(write(tmp_path)))["mats"]
    row = follows.follow(session, settings, mats, "o@example.org", confirmed_at=at("2026-09-01"))
    assert row.status == "active" and len(box.messages) == 0  # confirmed: nothing to confirm
    for label, deadline in (("Winter", date(2026, 10, 20)), ("Call", date(2026, 10, 30))):
        mats.cycles.append(ProgramCycle(label=label, opens_on=date(2026, 10, 1),
                                        deadline=deadline, origin="config"))  # fmt: skip
    session.commit()
    for day in ("2026-10-01", "2026-10-02", "2026-10-13", "2026-10-25"):
        follows.send_notices(settings, session, at(day))
    assert box.subjects() == [
        "MATS is open: applications close 2026-10-20",
        "MATS: about 7 days left to apply (closes 2026-10-20)",
        "MATS: about 7 days left to apply (closes 2026-10-30)",
    ]
