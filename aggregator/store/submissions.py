"""The moderation queue of shared links, and the community source they are published by.

A link someone shares (``aisafety-jobs submit`` or the web form) is screened first: a
link whose canonical form was rejected before is refused, one already waiting is not
queued twice, one that is already a posting is pointed at. A fetched link is normalized
and classified like any source's record and waits as a :class:`Submission`. A
maintainer may correct its title, organization, role and deadline, then approves it
(it is stored through :func:`aggregator.store.ingest.ingest_items` as a record of the
``community`` source, so a crawl that later finds the same canonical URL merges with
it and both sources stay listed) or rejects it. The caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource, Source, Submission
from aggregator.errors import UserError
from aggregator.items import RawPosting
from aggregator.normalize import posting as normalize_posting
from aggregator.normalize.fields import http_url
from aggregator.normalize.text import clean_line, strip_control
from aggregator.normalize.urls import canonical_url
from aggregator.store import employers
from aggregator.store.employers import COMMUNITY_NAME as COMMUNITY_NAME
from aggregator.store.employers import COMMUNITY_SOURCE
from aggregator.store.ingest import ingest_items

MAX_NOTES = 2000
EDITABLE = ("title", "org", "role", "deadline")


class SubmissionRefused(UserError):
    """A link that will not be queued (rejected before, not a web address...)."""


@dataclass(frozen=True)
class Screened:
    """What is already known about a link: waiting in the queue, or a posting."""

    submission: Submission | None = None
    posting: Posting | None = None


def link_key(url: str) -> str:
    """The canonical form of a submitted link; :class:`SubmissionRefused` if not http(s)."""
    cleaned = http_url(strip_control(url or "").strip())
    if cleaned is None:
        raise SubmissionRefused(f"not an http(s) web address: {str(url)[:100]!r}")
    return canonical_url(cleaned)


def screen(session: Session, canonical: str) -> Screened | None:
    """What is known of a link (canonical form); refused when it was rejected before."""
    rejected = session.scalar(
        select(Submission)
        .where(Submission.canonical_url == canonical, Submission.status == "rejected")
        .limit(1)
    )
    if rejected is not None:
        when = rejected.decided_at.date().isoformat() if rejected.decided_at else "earlier"
        raise SubmissionRefused(
            f"this link was reviewed and turned down on {when} "
            f"(submission {rejected.id}); it is not queued again"
        )
    waiting = session.scalar(
        select(Submission)
        .where(Submission.canonical_url == canonical, Submission.status == "pending")
        .limit(1)
    )
    if waiting is not None:
        return Screened(submission=waiting)
    posting = session.scalar(
        select(Posting)
        .where(Posting.canonical_url == canonical)
        .order_by(Posting.status != "open", Posting.id)
        .limit(1)
    )
    return Screened(posting=posting) if posting is not None else None


def community_source(session: Session) -> Source:
    """The source of approved submissions (created on first use; not in the registry)."""
    source = session.scalar(select(Source).where(Source.key == COMMUNITY_SOURCE))
    if source is None:
        source = Source(key=COMMUNITY_SOURCE, platform=COMMUNITY_SOURCE, config={}, state={})
        session.add(source)
        session.flush()
    return source


def enqueue(
    session: Session, url: str, notes: str, raw: RawPosting, submitter: str, now: datetime
) -> Submission:
    """Queue a fetched link after classifying it the normal way; InvalidItem (one line)
    when the page cannot become a posting (no title...)."""
    source = community_source(session)
    data, _ = employers.normalize_for(source, raw, employers.load_orgs(session), now=now)
    submission = Submission(
        url=url[:2000],
        canonical_url=link_key(url),
        notes=strip_control(notes or "").strip()[:MAX_NOTES],
        status="pending",
        raw=raw.to_dict(),
        edits={},
        title=data.title,
        org_name=data.org_name,
        role=data.role,
        safety_relevance=data.safety_relevance,
        deadline=data.deadline,
        submitter=submitter[:64],
        created_at=now,
    )
    session.add(submission)
    session.flush()
    return submission


def submissions(session: Session, status: str | None = "pending") -> list[Submission]:
    """Submissions (of ``status``; None: all), oldest first."""
    stmt = select(Submission).options(selectinload(Submission.posting))
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    return list(session.scalars(stmt.order_by(Submission.created_at, Submission.id)))


def _waiting(session: Session, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise UserError(f"no submission {submission_id}")
    if submission.status != "pending":
        raise UserError(f"submission {submission_id} is already {submission.status}")
    return submission


def edit(session: Session, submission_id: int, changes: Mapping[str, str | None]) -> Submission:
    """Correct a waiting submission: ``title``, ``org``, ``role`` (a taxonomy role) or
    ``deadline`` (YYYY-MM-DD, or empty for none). Unknown fields are an error."""
    submission = _waiting(session, submission_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise UserError(f"cannot edit {', '.join(unknown)}: editable are {', '.join(EDITABLE)}")
    edits = dict(submission.edits or {})
    for name, value in changes.items():
        if value is None or value == _shown(submission, name):
            continue  # a form sends every field: only what differs is an edit
        if name in ("title", "org"):
            cleaned = clean_line(value, 500 if name == "title" else 200)
            if not cleaned:
                raise UserError(f"the {name} cannot be empty")
            edits[name] = cleaned
            if name == "title":
                submission.title = cleaned
            else:
                submission.org_name = cleaned
        elif name == "role":
            roles = normalize_posting._default_taxonomy().roles
            if value not in roles:
                raise UserError(f"unknown role {value!r}: one of {', '.join(roles)}")
            edits["role"] = submission.role = value
        else:
            submission.deadline = deadline = _deadline(value)
            edits["deadline"] = deadline.date().isoformat() if deadline else ""
    submission.edits = edits
    session.flush()
    return submission


def _shown(submission: Submission, name: str) -> str:
    """A field as the moderation page and the CLI show it."""
    if name == "deadline":
        return submission.deadline.date().isoformat() if submission.deadline else ""
    return {"title": submission.title, "org": submission.org_name, "role": submission.role}[name]


def _deadline(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"deadline must be a date like 2027-01-31, got {value[:40]!r}") from None
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def published_record(submission: Submission) -> RawPosting:
    """The record the community source publishes: the fetched page with the edits."""
    raw = RawPosting.from_dict(submission.raw)
    edits: dict[str, Any] = submission.edits or {}
    extras = dict(raw.extras or {})
    if "role" in edits:
        extras[normalize_posting.ROLE_OVERRIDE] = edits["role"]
    return replace(
        raw,
        source_key=COMMUNITY_SOURCE,
        external_id=f"submission-{submission.id}",
        title=edits.get("title", raw.title),
        org=edits.get("org", raw.org),
        deadline=edits.get("deadline", raw.deadline) or None,
        extras=extras,
    )


def approve(session: Session, submission_id: int, now: datetime) -> Posting:
    """Publish a waiting submission as a posting of the community source (merged with the
    posting of the same canonical URL when one exists)."""
    submission = _waiting(session, submission_id)
    source = community_source(session)
    record = published_record(submission)
    result = ingest_items(session, source, [record], complete=False, now=now)
    if result.errors:
        reason = result.error_messages[0] if result.error_messages else "unknown error"
        raise UserError(f"submission {submission_id} cannot be published: {reason}")
    listing = session.scalars(
        select(PostingSource).where(
            PostingSource.source_id == source.id,
            PostingSource.external_id == record.external_id,
        )
    ).one()
    submission.status = "approved"
    submission.decided_at = now
    submission.posting_id = listing.posting_id
    session.flush()
    return listing.posting


def reject(session: Session, submission_id: int, reason: str, now: datetime) -> Submission:
    """Turn a waiting submission down; its link is refused if submitted again."""
    submission = _waiting(session, submission_id)
    submission.status = "rejected"
    submission.decided_at = now
    submission.reason = strip_control(reason or "").strip()[:500] or None
    session.flush()
    return submission
