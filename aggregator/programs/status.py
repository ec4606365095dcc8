"""Whether a program is open, closed or expected, from its cycles and usual months.

* ``open``: a cycle has opened (or its opening is unknown) and its deadline is today
  or later;
* ``expected``: no cycle is open, and the program usually opens in a known month
  (maintained ``usual_open_months``, else the months past cycles opened in): the next
  such month is the expected opening;
* ``closed``: otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Program

MONTH_NAMES = tuple(date(2000, m, 1).strftime("%B") for m in range(1, 13))


@dataclass(frozen=True)
class ProgramStatus:
    state: Literal["open", "closed", "expected"]
    cycle: Any = None  # the open cycle
    expected_month: date | None = None  # first day of the expected opening month
    usual_months: tuple[int, ...] = ()

    def usually(self) -> str:
        """ "usually opens in May and November" (empty when unknown)."""
        if not self.usual_months:
            return ""
        names = [MONTH_NAMES[m - 1] for m in self.usual_months]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"usually opens in {joined}"


def is_open(cycle: Any, today: date) -> bool:
    if cycle.deadline is None or cycle.deadline < today:
        return False
    return cycle.opens_on is None or cycle.opens_on <= today


def usual_months(configured: Iterable[int], cycles: Iterable[Any]) -> tuple[int, ...]:
    months = sorted(set(configured))
    if not months:
        months = sorted({c.opens_on.month for c in cycles if c.opens_on is not None})
    return tuple(months)


def next_month(
    months: tuple[int, ...], today: date, opened: frozenset[tuple[int, int]] = frozenset()
) -> date | None:
    """The first day of the next usual month from this one on, skipping months in which a
    cycle already opened (``opened`` holds their (year, month))."""
    for offset in range(13):
        year, month = divmod(today.month - 1 + offset, 12)
        first = date(today.year + year, month + 1, 1)
        if first.month in months and (first.year, first.month) not in opened:
            return first
    return None


def program_status(program: Any, today: date) -> ProgramStatus:
    cycles = list(program.cycles)
    months = usual_months(program.usual_open_months or [], cycles)
    current = [c for c in cycles if is_open(c, today)]
    if current:
        soonest = min(current, key=lambda c: c.deadline)
        return ProgramStatus("open", cycle=soonest, usual_months=months)
    upcoming = [c for c in cycles if c.opens_on is not None and c.opens_on > today]
    if upcoming:
        first = min(upcoming, key=lambda c: c.opens_on)
        return ProgramStatus(
            "expected", cycle=first, expected_month=first.opens_on, usual_months=months
        )
    opened = frozenset((c.opens_on.year, c.opens_on.month) for c in cycles if c.opens_on)
    expected = next_month(months, today, opened) if months else None
    if expected is not None:
        return ProgramStatus("expected", expected_month=expected, usual_months=months)
    return ProgramStatus("closed", usual_months=months)


#: how far back "just opened" and how far ahead "opening soon" reach in digests
JUST_OPENED_DAYS = 7
OPENING_SOON_DAYS = 31


def program_lines(session: Session, today: date, base_url: str) -> list[dict[str, str]]:
    """:func:`opening_lines` of every program in the database."""
    programs = session.scalars(select(Program).options(selectinload(Program.cycles)))
    return opening_lines(programs, today, base_url)


def opening_lines(programs: Iterable[Any], today: date, base_url: str) -> list[dict[str, str]]:
    """The digest's "Opening soon / just opened" lines: programs whose cycle opened in
    the last week, then programs expected within a month (each once)."""
    opened, soon = [], []
    for program in programs:
        status = program_status(program, today)
        url = f"{base_url.rstrip('/')}/programs/{program.key}"
        cycle = status.cycle
        if status.state == "open" and cycle is not None:
            started = cycle.opens_on or cycle.detected_at.date()
            if (today - started).days <= JUST_OPENED_DAYS:
                text = f"just opened; applications close {cycle.deadline.isoformat()}"
                opened.append({"name": program.name, "text": text, "url": url})
        elif (
            status.state == "expected"
            and status.expected_month is not None
            and (status.expected_month - today).days <= OPENING_SOON_DAYS
        ):
            text = f"expected to open {status.expected_month:%B %Y}"
            soon.append({"name": program.name, "text": text, "url": url})
    return opened + soon
