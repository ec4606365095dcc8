"""What lists, counts, facets, feeds and digests show unless asked otherwise: postings
open now and of core or adjacent AI-safety relevance.

A posting is ``expired`` once its deadline has passed, unless applications are rolling.
Deadlines are stored in UTC: a time with a zone from the source is that moment, a bare
date the end of that day UTC (:mod:`aggregator.normalize.dates`). These conditions decide
it when a list is queried, so a posting leaves every list the moment its deadline passes
whether or not anything ran since; :mod:`aggregator.store.expiry` stores the status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_

from aggregator.db.models import Posting
from aggregator.errors import UserError

STATUSES = ("open", "closed", "expired")
RELEVANCE = ("core", "adjacent", "none")
DEFAULT_RELEVANCE = ("core", "adjacent")  # "all" widens to every level


def past_deadline(now: datetime) -> Any:
    """SQL: the posting's deadline has passed and applications are not rolling."""
    return and_(
        Posting.deadline.is_not(None), Posting.deadline < now, Posting.deadline_rolling.is_(False)
    )


def live(now: datetime) -> Any:
    """SQL: open at ``now`` (status open, the deadline not passed, not hidden by reports)."""
    return and_(
        Posting.status == "open",
        Posting.hidden.is_(False),
        or_(
            Posting.deadline.is_(None), Posting.deadline >= now, Posting.deadline_rolling.is_(True)
        ),
    )


def status_clause(status: str, now: datetime) -> Any:
    """SQL for one status value (or ``all``) as lists see it at ``now``. Postings hidden
    by visitors' reports are in none of them until a maintainer decides."""
    if status == "open":
        return live(now)
    shown = Posting.hidden.is_(False)
    if status == "expired":
        passed = and_(Posting.status == "open", past_deadline(now))
        return and_(shown, or_(Posting.status == "expired", passed))
    if status == "closed":
        return and_(shown, Posting.status == "closed")
    return shown


def deadline_passed(posting: Any, now: datetime) -> bool:
    deadline = posting.deadline
    return deadline is not None and not posting.deadline_rolling and deadline < now


def current_status(posting: Any, now: datetime) -> str:
    """The status lists show at ``now`` (an open posting past its deadline is expired)."""
    if posting.status == "open" and deadline_passed(posting, now):
        return "expired"
    return str(posting.status)


def relevance_values(values: list[str] | tuple[str, ...]) -> tuple[str, ...] | None:
    """The relevance levels a filter or profile asks for (empty: the default); None means
    every level ("all")."""
    if "all" in values:
        return None
    chosen = tuple(v for v in RELEVANCE if v in values)
    if len(chosen) != len(set(values)):
        bad = sorted(set(values) - set(RELEVANCE))[0]
        raise UserError(f"unknown relevance {bad!r}: use core, adjacent, none or all")
    return chosen or DEFAULT_RELEVANCE
