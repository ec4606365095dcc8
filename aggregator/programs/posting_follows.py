"""Following an organization, a mentor or a team: one short email per new posting.

Same double opt-in as program follows (:mod:`.follows`): :func:`follow` records a
pending follow and emails a confirmation link (``/watch/<token>``, expiring like alert
confirmations); following again while active changes and sends nothing. A confirmed
follower is told of every posting new to them (first seen after they confirmed, within
:data:`LOOKBACK`, not dated earlier by its source, not found undated by its source's
first crawl: that one was there before) that is open, shown, and

* ``organization``: posted by that organization;
* ``mentor``: names that mentor (a ``mentor`` posting tag, any case);
* ``team``: names that team (a ``team`` posting tag) at that organization.

:func:`plan_notices` creates one notice row per follow and posting (unique), and
:func:`send_notices` sends each exactly once (:func:`.delivery.deliver`). Every email
carries a one-click stop link (``/unwatch/<token>``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import (
    FOLLOW_KINDS,
    Organization,
    Posting,
    PostingFollow,
    PostingFollowNotice,
    PostingTag,
    utcnow,
)
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import build_message, domain_of, valid_address
from aggregator.programs import optin
from aggregator.programs.delivery import NoticeReport, deliver
from aggregator.search.filters import from_first_crawl
from aggregator.settings import Settings
from aggregator.tokens import link

logger = logging.getLogger(__name__)
#: how far back a new posting may have been first seen (a follower confirmed long ago is
#: not sent a backlog after downtime or a planning bug)
LOOKBACK = timedelta(days=14)
NAME_MAX = 200
#: sources date postings by the day (midnight): one posted the day the follower confirmed
#: is still new to them
POSTED_SLACK = timedelta(days=1)


def _casefolded(name: str) -> str:
    return " ".join(name.split()).casefold()


def find_target(
    session: Session, kind: str, name: str, org_slug: str | None = None
) -> tuple[str, str, Organization | None]:
    """(target, display name, organization) of something followable, else UserError:
    an organization by its slug, a mentor or team only as some posting names them."""
    if kind not in FOLLOW_KINDS:
        raise UserError(f"cannot follow a {kind!r}: choose one of {', '.join(FOLLOW_KINDS)}")
    org = None
    slug = (org_slug if kind == "team" else name if kind == "organization" else None) or ""
    if kind in ("organization", "team"):
        org = session.scalar(select(Organization).where(Organization.slug == slug.lower()))
        if org is None:
            raise UserError(f"unknown organization {slug!r}")
        if kind == "organization":
            return org.slug, org.name, org
    wanted = _casefolded(name)
    query = select(PostingTag.value).where(PostingTag.kind == kind)
    if org is not None:
        query = query.join(Posting, Posting.id == PostingTag.posting_id).where(
            Posting.organization_id == org.id
        )
    shown = next((v for v in session.scalars(query.distinct()) if _casefolded(v) == wanted), None)
    if shown is None:
        raise UserError(f"no posting names the {kind} {name[:NAME_MAX]!r}")
    target = f"{org.slug}/{wanted}" if org is not None else wanted
    return target[:300], shown[:NAME_MAX], org


def follow(
    session: Session,
    settings: Settings,
    kind: str,
    name: str,
    email: str,
    *,
    org_slug: str | None = None,
) -> PostingFollow:
    """Record a pending follow and email its confirmation link (idempotent when active)."""
    address = valid_address(email)
    if address is None:
        raise UserError("invalid email address: please check it")
    target, shown, org = find_target(session, kind, name, org_slug)
    rows = session.scalars(
        select(PostingFollow).where(PostingFollow.kind == kind, PostingFollow.target == target)
    )
    row = next((r for r in rows if r.email.lower() == address.lower()), None)
    if row is not None and row.status == "active":
        return row
    if row is None:
        row = PostingFollow(
            kind=kind, target=target, name=shown, organization=org, email=address,
            status="pending", token_version=1,
        )  # fmt: skip
        session.add(row)
    else:  # pending again or stopped: a fresh link, older links stop working
        row.status, row.token_version, row.created_at = "pending", row.token_version + 1, utcnow()
    session.commit()
    optin.send_confirmation(settings, confirmation_message(settings, row))
    return row


def confirm_follow(session: Session, settings: Settings, token: str) -> PostingFollow:
    return optin.confirm(session, settings, PostingFollow, "watch", token)


def stop_follow(session: Session, settings: Settings, token: str) -> PostingFollow:
    """Stop a follow by its stop link (any version: a page saying "stopped" must be true)."""
    return optin.stop(session, settings, PostingFollow, "unwatch", token)


def is_new_to(row: PostingFollow, posting: Posting) -> bool:
    """First seen after ``row`` was confirmed, and not dated by its source before then
    (a board that lists a month-old posting for the first time is not news)."""
    assert row.confirmed_at is not None
    if posting.first_seen_at < row.confirmed_at:
        return False
    return posting.posted_at is None or posting.posted_at >= row.confirmed_at - POSTED_SLACK


def matches(row: PostingFollow, posting: Posting) -> bool:
    """Whether ``posting`` is one ``row`` asked to hear about (tags loaded)."""
    if row.kind == "organization":
        return posting.organization_id == row.organization_id
    if row.kind == "team" and posting.organization_id != row.organization_id:
        return False
    wanted = row.target.split("/", 1)[1] if row.kind == "team" else row.target
    return any(t.kind == row.kind and _casefolded(t.value) == wanted for t in posting.tags)


def plan_notices(session: Session, now: datetime) -> int:
    """Create a notice for every new posting each active follow is due; returns how many."""
    follows = [
        r
        for r in session.scalars(select(PostingFollow).where(PostingFollow.status == "active"))
        if r.confirmed_at is not None
    ]
    if not follows:
        return 0
    since = max(min(r.confirmed_at for r in follows if r.confirmed_at), now - LOOKBACK)
    postings = list(
        session.scalars(
            select(Posting)
            .where(
                Posting.status == "open",
                Posting.hidden.is_(False),
                Posting.first_seen_at >= since,
                # what a source's first crawl finds undated was there before: not new
                ~func.coalesce(from_first_crawl(), false()),
            )
            .order_by(Posting.first_seen_at, Posting.id)
            .options(selectinload(Posting.tags))
        )
    )
    ids = [r.id for r in follows]
    existing = {
        (follow_id, posting_id)
        for follow_id, posting_id in session.execute(
            select(PostingFollowNotice.follow_id, PostingFollowNotice.posting_id).where(
                PostingFollowNotice.follow_id.in_(ids)
            )
        )
    }
    created = 0
    for row in follows:
        assert row.confirmed_at is not None
        for posting in postings:
            if (row.id, posting.id) in existing or not is_new_to(row, posting):
                continue
            if not matches(row, posting):
                continue
            session.add(PostingFollowNotice(follow_id=row.id, posting_id=posting.id))
            try:
                session.commit()
            except IntegrityError:  # another process planned it first
                session.rollback()
                continue
            existing.add((row.id, posting.id))
            created += 1
    return created


def send_notices(settings: Settings, session: Session, now: datetime | None = None) -> NoticeReport:
    """Plan the new postings' notices, then send every pending one exactly once."""
    now = now or utcnow()
    report = NoticeReport(planned=plan_notices(session, now))

    def compose(notice: PostingFollowNotice) -> EmailMessage | None:
        posting = notice.posting
        if notice.follow.status != "active" or posting.status != "open" or posting.hidden:
            return None
        return notice_message(settings, notice)

    deliver(settings, session, PostingFollowNotice, compose, now, report)
    log(logger, logging.INFO, "posting_follow_notices", sent=report.sent, planned=report.planned)
    return report


# -- messages --------------------------------------------------------------------------


def describe(row: PostingFollow) -> str:
    """ "Anthropic", "the mentor Ada Lovelace", "the Frontier Red Team at Anthropic"."""
    if row.kind == "organization":
        return row.name
    if row.kind == "mentor":
        return f"the mentor {row.name}"
    org = row.organization.name if row.organization is not None else "its organization"
    return f"the team {row.name} at {org}"


def confirmation_message(settings: Settings, row: PostingFollow) -> EmailMessage:
    what = describe(row)
    return optin.confirmation_message(
        settings, row, "watch", f"be emailed about each new opening of {what}",
        f"Confirm: new openings of {what}",
    )  # fmt: skip


def notice_message(settings: Settings, notice: PostingFollowNotice) -> EmailMessage:
    row, posting = notice.follow, notice.posting
    page = f"{settings.base_url.rstrip('/')}/postings/{posting.id}"
    deadline = f"\nDeadline: {posting.deadline.date().isoformat()}" if posting.deadline else ""
    stop = link(settings, "unwatch", row)
    text = (
        f"A new opening of {describe(row)}:\n\n{posting.title} ({posting.org_name})"
        f"{deadline}\nDetails: {page}\nApply: {posting.apply_url or posting.url}\n\n"
        f"Stop these emails: {stop}\n"
    )
    return build_message(
        settings,
        to=row.email,
        subject=f"New opening: {posting.title} ({posting.org_name})"[:200],
        text=text,
        html=None,
        # one id per notice: an outbox or a receiving server sees a resend as the same mail
        message_id=f"<posting-follow-notice.{notice.id}@{domain_of(settings)}>",
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
