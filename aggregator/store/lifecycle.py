"""Posting lifecycle: open while some source lists it, closed when none does, reopened
when one lists it again. Every status change is kept in the change history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from aggregator.batches import IN_LIST, batched
from aggregator.db.models import Posting, PostingSource
from aggregator.store.changes import record_change


def set_status(posting: Posting, status: str, now: datetime) -> None:
    """Open or close ``posting``, logging the change."""
    if posting.status == status:
        return
    record_change(posting, "status", posting.status, status, now)
    posting.status = status
    posting.closed_at = now if status == "closed" else None


def seen_again(ps: PostingSource, now: datetime) -> str:
    """An unchanged listing: refresh the seen times, reopen a closed posting."""
    ps.last_seen_at = now
    ps.removed_at = None
    posting = ps.posting
    posting.last_seen_at = now
    if posting.status == "closed":
        set_status(posting, "open", now)
        return "reopened"
    return "unchanged"


class SeenAgain:
    """The listings a crawl lists again unchanged: their and their postings' seen times,
    stored with one UPDATE per table (:meth:`store`) instead of by the ORM's unit of work,
    which costs more than all the rest of an unchanged item. A listing that comes back, or
    a closed posting that reopens, goes through :func:`seen_again`: more than a time
    changes."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.listings: list[int] = []
        self.postings: dict[int, None] = {}  # ids, in order, once each

    def add(self, ps: PostingSource) -> str:
        """Like :func:`seen_again`; the times are written by :meth:`store`."""
        posting = ps.posting
        if ps.removed_at is not None or posting.status == "closed":
            return seen_again(ps, self.now)
        # As loaded: the ORM has nothing to write for them, store() writes the rows.
        set_committed_value(ps, "last_seen_at", self.now)
        set_committed_value(posting, "last_seen_at", self.now)
        self.listings.append(ps.id)
        self.postings[posting.id] = None
        return "unchanged"

    def store(self, session: Session) -> None:
        connection = session.connection()
        models: tuple[type[PostingSource] | type[Posting], ...] = (PostingSource, Posting)
        for model, ids in zip(models, (self.listings, list(self.postings)), strict=True):
            for chunk in batched(ids, IN_LIST):
                connection.execute(
                    update(model).where(model.id.in_(chunk)).values(last_seen_at=self.now)
                )
        self.listings, self.postings = [], {}


def close_missing(existing: dict[str, PostingSource], seen: set[str], now: datetime) -> int:
    closed = 0
    for ext, ps in existing.items():
        if ext in seen or ps.removed_at is not None:
            continue
        ps.removed_at = now
        posting = ps.posting
        if posting.status == "open" and all(s.removed_at is not None for s in posting.sources):
            set_status(posting, "closed", now)
            closed += 1
    return closed
