"""Posting lifecycle: open while some source lists it, closed when none does, reopened
when one lists it again. Every status change is kept in the change history.
"""

from __future__ import annotations

from datetime import datetime

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
