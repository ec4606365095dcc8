"""Following an organization, a mentor or a team through a real aiosmtpd on 127.0.0.1:
double opt-in, one email per new posting (never twice, never for postings seen before
the follow, none after stopping), a claim left by a crash never resent; the follow
forms on organization and posting pages with CSRF, rate limit and one-click stop."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Organization, PostingFollowNotice
from aggregator.errors import UserError
from aggregator.programs import posting_follows
from aggregator.tokens import InvalidToken
from tests.factories import make_posting
from tests.test_program_follows import inbox
from tests.web_factories import app_fixture, client_fixture, web_settings_fixture

__all__ = ["app_fixture", "client_fixture", "inbox", "web_settings_fixture"]

START = datetime(2026, 11, 2, 9, tzinfo=UTC)


def org(session: Session, slug: str, name: str) -> Organization:
    row = Organization(slug=slug, name=name, org_type="nonprofit")
    session.add(row)
    session.commit()
    return row


def confirmed(session: Session, settings: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
    row = posting_follows.follow(session, settings, *args, **kwargs)
    assert row.status == "pending"
    assert posting_follows.confirm_follow(session, settings, box.link("watch")).status == "active"
    row.confirmed_at = START  # the clock of this story
    session.commit()
    return row


def test_following_an_organization_sends_each_new_posting_once(
    session: Session, inbox: Any
) -> None:
    box, settings = inbox
    apollo, other = org(session, "apollo", "Apollo Research"), org(session, "other", "Other")
    make_posting(session, title="Old role", organization_id=apollo.id, org="Apollo Research",
                 first_seen_at=START - timedelta(days=3))  # fmt: skip
    row = posting_follows.follow(session, settings, "organization", "Apollo", "Me@Example.org")
    assert box.subjects() == ["Confirm: new openings of Apollo Research"]
    assert posting_follows.send_notices(settings, session, START).planned == 0  # pending
    with pytest.raises(InvalidToken):
        posting_follows.confirm_follow(session, settings, box.link("watch") + "x")
    posting_follows.confirm_follow(session, settings, box.link("watch"))
    row.confirmed_at = START
    session.commit()
    posting_follows.follow(session, settings, "organization", "apollo", "me@example.org")
    assert len(box.messages) == 1  # following again while active sends nothing

    make_posting(session, title="Evals Engineer", organization_id=apollo.id,
                 org="Apollo Research", first_seen_at=START + timedelta(days=1))  # fmt: skip
    make_posting(session, title="Elsewhere", organization_id=other.id, org="Other",
                 first_seen_at=START + timedelta(days=1))  # fmt: skip
    session.commit()
    for days in (1, 1, 2):
        posting_follows.send_notices(settings, session, START + timedelta(days=days))
    assert box.subjects()[1:] == ["New opening: Evals Engineer (Apollo Research)"]
    last = box.messages[-1]
    assert str(last["To"]).lower() == "me@example.org"
    assert last["List-Unsubscribe"].startswith("<http") and "/unwatch/" in last["List-Unsubscribe"]

    posting_follows.stop_follow(session, settings, box.link("unwatch"))
    make_posting(session, title="After stopping", organization_id=apollo.id,
                 org="Apollo Research", first_seen_at=START + timedelta(days=3))  # fmt: skip
    session.commit()
    assert posting_follows.send_notices(settings, session, START + timedelta(days=3)).sent == 0


def test_mentor_and_team_follows_match_postings_naming_them(session: Session, inbox: Any) -> None:
    box, settings = inbox
    lab, other = org(session, "lab", "Lab"), org(session, "other", "Other")
    make_posting(session, title="Fellow (past)", organization_id=lab.id, org="Lab",
                 mentors=["Ada Lovelace"], teams=["Frontier Red Team"],
                 first_seen_at=START - timedelta(days=30))  # fmt: skip
    with pytest.raises(UserError, match="no posting names the mentor"):
        posting_follows.follow(session, settings, "mentor", "Nobody Known", "a@example.org")
    with pytest.raises(UserError, match="cannot follow"):
        posting_follows.follow(session, settings, "planet", "Mars", "a@example.org")
    confirmed(session, settings, box, "mentor", "ada  LOVELACE", "a@example.org")
    confirmed(session, settings, box, "team", "frontier red team", "a@example.org",
              org_slug="lab")  # fmt: skip
    later = START + timedelta(days=2)
    make_posting(session, title="Scholar", org="Other", organization_id=other.id,
                 mentors=["Ada Lovelace"], first_seen_at=later)  # fmt: skip
    make_posting(session, title="Red teamer", org="Lab", organization_id=lab.id,
                 teams=["Frontier Red team"], first_seen_at=later)  # fmt: skip
    make_posting(session, title="Same team name elsewhere", org="Other",
                 organization_id=other.id, teams=["Frontier Red Team"],
                 first_seen_at=later)  # fmt: skip
    make_posting(session, title="Hidden", org="Lab", organization_id=lab.id, hidden=True,
                 mentors=["Ada Lovelace"], first_seen_at=later)  # fmt: skip
    session.commit()
    report = posting_follows.send_notices(settings, session, later)
    assert (report.planned, report.sent) == (2, 2)
    assert sorted(box.subjects()[2:]) == [
        "New opening: Red teamer (Lab)",
        "New opening: Scholar (Other)",
    ]
    bodies = [m.get_payload(decode=True).decode() for m in box.messages[2:]]
    assert sorted(b.split(":")[0] for b in bodies) == [
        "A new opening of the mentor Ada Lovelace",
        "A new opening of the team Frontier Red Team at Lab",
    ]


def test_a_claim_left_by_a_crash_is_never_resent(session: Session, inbox: Any) -> None:
    box, settings = inbox
    lab = org(session, "lab", "Lab")
    confirmed(session, settings, box, "organization", "lab", "x@example.org")
    make_posting(session, title="New", organization_id=lab.id, org="Lab",
                 first_seen_at=START + timedelta(hours=1))  # fmt: skip
    session.commit()
    assert posting_follows.plan_notices(session, START + timedelta(hours=2)) == 1
    notice = session.scalars(select(PostingFollowNotice)).one()
    notice.status, notice.claimed_at = "sending", START + timedelta(hours=2)  # killed mid-send
    session.commit()
    report = posting_follows.send_notices(settings, session, START + timedelta(hours=4))
    assert (report.unknown, report.sent, report.planned) == (1, 0, 0)
    assert len(box.messages) == 1  # only the confirmation


def test_follow_forms_on_organization_and_posting_pages(
    session: Session, client: TestClient
) -> None:
    lab = org(session, "lab", "Lab")
    posting = make_posting(session, title="Scholar", organization_id=lab.id, org="Lab",
                           mentors=["Ada Lovelace"], teams=["Alignment team"],
                           programs=["mats"])  # fmt: skip
    session.commit()
    page = client.get("/orgs/lab")
    assert 'action="/follows"' in page.text and "Email me each new opening of Lab" in page.text
    one = client.get(f"/postings/{posting.id}")
    assert "the mentor Ada Lovelace" in one.text and "the team Alignment team" in one.text
    assert 'href="/programs/mats"' in one.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {"kind": "mentor", "name": "Ada Lovelace", "email": "a@example.org"}
    assert client.post("/follows", data=form).status_code in (400, 403)
    ok = client.post("/follows", data={**form, "csrf_token": csrf.group(1)})
    assert ok.status_code == 200 and "Check your inbox" in ok.text
    unknown = {**form, "name": "<script>x</script>", "csrf_token": csrf.group(1)}
    missing = client.post("/follows", data=unknown)
    assert missing.status_code == 404 and "<script>x" not in missing.text
    statuses = [
        client.post("/follows", data={**form, "csrf_token": csrf.group(1)}).status_code
        for _ in range(60)
    ]
    assert 429 in statuses
    one_click = client.post("/unwatch/not-a-token", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 400
    assert client.get("/watch/abc").status_code == 200  # the confirm form (POST confirms)


def test_what_was_there_before_is_not_news(session: Session, inbox: Any) -> None:
    """A new source's first crawl (undated postings) and a posting its source dated
    before the follow send nothing; a later crawl's posting does."""
    from aggregator.db.models import CrawlRun, Source

    box, settings = inbox
    lab = org(session, "lab", "Lab")
    confirmed(session, settings, box, "organization", "lab", "x@example.org")
    first = START + timedelta(days=1)
    board = Source(key="lab_board", platform="test", organization=lab)
    session.add(CrawlRun(source=board, started_at=first, finished_at=first, status="success"))
    session.commit()
    make_posting(session, title="Found by the first crawl", organization_id=lab.id, org="Lab",
                 source_key="lab_board", first_seen_at=first)  # fmt: skip
    make_posting(session, title="Dated a month ago", organization_id=lab.id, org="Lab",
                 posted_at=START - timedelta(days=30), first_seen_at=first)  # fmt: skip
    make_posting(session, title="Posted today", organization_id=lab.id, org="Lab",
                 posted_at=START.replace(hour=0), first_seen_at=first)  # fmt: skip
    make_posting(session, title="Second crawl", organization_id=lab.id, org="Lab",
                 source_key="lab_board", first_seen_at=first + timedelta(days=1))  # fmt: skip
    session.commit()
    posting_follows.send_notices(settings, session, first + timedelta(days=1))
    assert sorted(box.subjects()[1:]) == [
        "New opening: Posted today (Lab)",
        "New opening: Second crawl (Lab)",
    ]
