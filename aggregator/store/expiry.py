"""Expiry stored: postings past their deadline and stale announcements become ``expired``.

Lists already leave out a posting past its deadline when they are queried
(:mod:`aggregator.db.visibility`); :func:`sweep` stores the status with a change row (for
digests and the change log) and expires stale postings: seen only on forums or boards,
with no deadline, older than ``stale_after_days`` and no longer listed by any of their
sources (not seen since the source's latest complete listing: a partial run lists only
part of a source, so a posting it did not list may still be there). A later deadline, or
a source listing a stale posting again, reopens it (:func:`settle`), and the change log
says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import CrawlRun, Posting, PostingSource
from aggregator.db.visibility import deadline_passed, past_deadline
from aggregator.store.employers import is_board
from aggregator.store.lifecycle import set_status


def complete_listings(session: Session) -> dict[int, datetime]:
    """When each source last listed all its postings: its latest complete run (a run
    records its postings as seen at the moment it finishes)."""
    rows = session.execute(
        select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
        .where(CrawlRun.complete.is_(True))
        .group_by(CrawlRun.source_id)
    )
    return {source_id: finished for source_id, finished in rows if finished is not None}


def still_listed(ps: PostingSource, last_complete: datetime | None) -> bool:
    """The source still lists it: seen since the source's latest complete listing
    (``last_complete``), or in its latest successful run when it never had one."""
    since = last_complete or ps.source.last_success_at
    return ps.removed_at is None and since is not None and ps.last_seen_at >= since


def is_stale(
    posting: Posting,
    now: datetime,
    stale_after_days: int,
    complete: Mapping[int, datetime] | None = None,
) -> bool:
    """``complete``: :func:`complete_listings` (without it, every source is taken never to
    have listed everything)."""
    if posting.deadline is not None or posting.deadline_rolling or not posting.sources:
        return False
    since = posting.posted_at or posting.first_seen_at
    if since is None or since >= now - timedelta(days=stale_after_days):
        return False
    if not all(is_board(ps.source) for ps in posting.sources):
        return False
    complete = complete or {}
    return not any(still_listed(ps, complete.get(ps.source_id)) for ps in posting.sources)


def settle(posting: Posting, now: datetime, *, new: bool = False) -> None:
    """Expire an open posting whose deadline passed; reopen an expired one whose deadline
    moved later (or that a source lists again). A new posting gets no change row."""
    if posting.status == "open" and deadline_passed(posting, now):
        if new:
            posting.status = "expired"
        else:
            set_status(posting, "expired", now)
    elif posting.status == "expired" and not deadline_passed(posting, now):
        set_status(posting, "open", now)


def sweep(session: Session, now: datetime, stale_after_days: int) -> int:
    """Store ``expired`` on open postings past their deadline or stale; how many. The
    caller commits."""
    expired = 0
    passed = select(Posting).where(Posting.status == "open", past_deadline(now))
    for posting in session.scalars(passed):
        set_status(posting, "expired", now)
        expired += 1
    cutoff = now - timedelta(days=stale_after_days)
    stale = (
        select(Posting)
        .where(
            Posting.status == "open",
            Posting.deadline.is_(None),
            Posting.deadline_rolling.is_(False),
            func.coalesce(Posting.posted_at, Posting.first_seen_at) < cutoff,
        )
        .options(selectinload(Posting.sources).selectinload(PostingSource.source))
    )
    complete = complete_listings(session)
    for posting in session.scalars(stale):
        if is_stale(posting, now, stale_after_days, complete):
            set_status(posting, "expired", now)
            expired += 1
    session.flush()
    return expired
