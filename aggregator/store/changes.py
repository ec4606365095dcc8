"""Changes to stored postings: copying a new version onto a posting and keeping its history.

Every change a digest can mention (title, deadline, salary, locations, status) is kept as
a :class:`PostingChange` row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import object_session

from aggregator.db.models import Posting, PostingChange
from aggregator.normalize.posting import NormalizedPosting
from aggregator.presentation.salary import posting_salary
from aggregator.store.tags import sync_tags

# Fields copied onto Posting (these live in posting_tags).
TAG_FIELDS = ("roles", "skills", "programs", "mentors", "teams")
POSTING_FIELDS = tuple(
    name for name in NormalizedPosting.__dataclass_fields__ if name not in TAG_FIELDS
)


def _deadline(p: Posting | NormalizedPosting) -> str | None:
    if p.deadline is not None:
        return p.deadline.isoformat()
    return "rolling" if p.deadline_rolling else None


TRACKED = {
    "title": lambda p: p.title,
    "deadline": _deadline,
    "salary": lambda p: posting_salary(p) if p.salary_min or p.salary_max else None,
    "locations": lambda p: "; ".join(p.locations or []) or None,
}


def record_change(
    posting: Posting, field: str, old: str | None, new: str | None, now: datetime
) -> None:
    # Through the backref: an unloaded ``posting.changes`` is not loaded for this.
    change = PostingChange(
        posting=posting, field=field, old_value=old, new_value=new, changed_at=now
    )
    session = object_session(posting)
    if session is not None:
        session.add(change)


def new_posting_row(
    data: NormalizedPosting, organization_id: int | None, now: datetime, status: str
) -> dict[str, Any]:
    """The ``postings`` row of a posting first seen now (inserted in bulk by ingest)."""
    row: dict[str, Any] = {name: getattr(data, name) for name in POSTING_FIELDS}
    row.update(
        organization_id=organization_id,
        status=status,
        first_seen_at=now,
        last_seen_at=now,
        closed_at=None,
        hidden=False,
    )
    return row


def apply(
    posting: Posting, data: NormalizedPosting, *, now: datetime, record_changes: bool
) -> bool:
    """Copy ``data`` onto ``posting``; True when anything a user sees changed."""
    before = {name: get(posting) for name, get in TRACKED.items()} if record_changes else {}
    changed = posting.content_hash != data.content_hash
    for name in POSTING_FIELDS:
        value = getattr(data, name)
        if getattr(posting, name) != value:
            setattr(posting, name, value)
    for name, get in TRACKED.items():
        if record_changes and before[name] != get(data):
            record_change(posting, name, before[name], get(data), now)
    sync_tags(posting, data)
    return changed
