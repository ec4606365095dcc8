"""Whether a posting is still open by its dates: passed deadlines and stale announcements.

A posting is ``expired`` once its deadline has passed, unless applications are rolling.
Deadlines are stored in UTC: a time with a zone from the source is that moment, a bare
date the end of that day UTC (:mod:`aggregator.normalize.dates`). Lists decide this when
they are queried (:func:`status_clause`), so a posting leaves them the moment its deadline
passes whether or not anything ran since; :func:`sweep` then stores the status with a
change row (digests, the change log) and expires stale postings: seen only on forums or
boards, with no deadline, older than ``stale_after_days`` and no longer listed by any of
their sources' latest runs. A later deadline, or a source listing a stale posting again,
reopens it (:func:`settle`), and the change log says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource
from aggregator.employers import is_board
from aggregator.lifecycle import set_status

STATUSES = ("open", "closed", "expired")


def past_deadline(now: datetime) -> Any:
    """SQL: the posting's deadline has passed and applications are not rolling."""
    return and_(
        Posting.deadline.is_not(None), Posting.deadline < now, Posting.deadline_rolling.is_(False)
    )


def live(now: datetime) -> Any:
    """SQL: open at ``now`` (status open and the deadline not passed)."""
    return and_(
        Posting.status == "open",
        or_(
            Posting.deadline.is_(None), Posting.deadline >= now, Posting.deadline_rolling.is_(True)
        ),
    )


def status_clause(status: str, now: datetime) -> Any:
    """SQL for one status value as lists see it at ``now``; None for ``all``."""
    if status == "open":
        return live(now)
    if status == "expired":
        return or_(Posting.status == "expired", and_(Posting.status == "open", past_deadline(now)))
    if status == "closed":
        return Posting.status == "closed"
    return None


def deadline_passed(posting: Any, now: datetime) -> bool:
    deadline = posting.deadline
    return deadline is not None and not posting.deadline_rolling and deadline < now


def current_status(posting: Any, now: datetime) -> str:
    """The status lists show at ``now`` (an open posting past its deadline is expired)."""
    if posting.status == "open" and deadline_passed(posting, now):
        return "expired"
    return str(posting.status)


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
