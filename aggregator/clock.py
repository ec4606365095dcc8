"""The current time, which tests and demos can fix (setting ``fixed_now``).

Everything that decides by the time of day (expiry, "new this week", digest windows)
asks :func:`now`, so moving the clock moves all of them together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: list[datetime] = []


def now() -> datetime:
    """The fixed time when one is set, else the real time; always aware UTC."""
    return _fixed[-1] if _fixed else datetime.now(UTC)


def parse(value: str) -> datetime:
    """An ISO 8601 time (naive means UTC) as aware UTC; ``ValueError`` when it is not one."""
    when = datetime.fromisoformat(value.strip())
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def set_fixed(value: str | datetime | None) -> None:
    """Fix the clock for this process (``None`` or "" restores the real time)."""
    _fixed.clear()
    if isinstance(value, datetime):
        _fixed.append(value if value.tzinfo else value.replace(tzinfo=UTC))
    elif value:
        _fixed.append(parse(value))


@contextmanager
def fixed(when: datetime) -> Iterator[datetime]:
    """Within the block the clock reads ``when`` (aware; naive means UTC)."""
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    _fixed.append(when)
    try:
        yield when
    finally:
        _fixed.pop()
