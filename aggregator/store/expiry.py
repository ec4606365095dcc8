"""Expiry stored: postings past their deadline and stale announcements become ``expired``.

Lists already leave out a posting past its deadline when they are queried
(:mod:`aggregator.db.visibility`); :func:`sweep` stores the status with a change row (for
digests and the change log) and expires stale postings: seen only on forums or boards,
with no deadline, older than ``stale_after_days`` and not listed by any of their sources'
latest successful runs. A later deadline, or a source listing a stale posting again,
reopens it (:func:`settle`), and the change log says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource
from aggregator.db.visibility import deadline_passed, past_deadline
from aggregator.store.employers import is_board
from aggregator.store.lifecycle import set_status


def still_listed(ps: PostingSource) -> bool:
    """The source's latest successful run listed it."""
    last = ps.source.last_success_at
    return ps.removed_at is None and last is not None and ps.last_seen_at >= last


def is_stale(posting: Posting, now: datetime, stale_after_days: int) -> bool:
    if posting.deadline is not None or posting.deadline_rolling or not posting.sources:
        return False
    since = posting.posted_at or posting.first_seen_at
    if since is None or since >= now - timedelta(days=stale_after_days):
        return False
    if not all(is_board(ps.source) for ps in posting.sources):
        return False
    return not any(still_listed(ps) for ps in posting.sources)


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
    for posting in session.scalars(stale):
        if is_stale(posting, now, stale_after_days):
            set_status(posting, "expired", now)
            expired += 1
    session.flush()
    return expired
