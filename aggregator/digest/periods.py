"""Digest periods: ISO weeks ("2026-W48") for weekly, local dates ("2026-11-22") for daily."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aggregator.errors import UserError
from aggregator.settings import Settings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def period_for(frequency: str, timezone: str, now: datetime) -> str:
    local = now.astimezone(_zone(timezone)).date()
    if frequency == "daily":
        return local.isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def frequency_of(period: str) -> str:
    """``weekly`` or ``daily`` for a valid period, else :class:`UserError`."""
    match = _WEEK.fullmatch(period)
    if match:
        try:
            date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise UserError(f"no such ISO week: {period!r}") from None
        return "weekly"
    if _DAY.fullmatch(period):
        try:
            date.fromisoformat(period)
        except ValueError:
            raise UserError(f"no such date: {period!r}") from None
        return "daily"
    raise UserError(f"malformed period {period!r}: use an ISO week (2026-W48) or a date")


def send_time(settings: Settings, period: str, timezone: str) -> datetime:
    """The aware moment a period's digest becomes due in the subscriber's timezone."""
    if frequency_of(period) == "weekly":
        match = _WEEK.fullmatch(period)
        assert match is not None
        weekday = WEEKDAYS.index(settings.digest_weekday) + 1
        day = date.fromisocalendar(int(match[1]), int(match[2]), weekday)
    else:
        day = date.fromisoformat(period)
    return datetime.combine(day, time(settings.digest_hour), tzinfo=_zone(timezone))


def is_due(settings: Settings, frequency: str, timezone: str, now: datetime) -> str | None:
    """The current period when its send time has passed, else None."""
    period = period_for(frequency, timezone, now)
    return period if now >= send_time(settings, period, timezone) else None


def first_window(frequency: str) -> timedelta:
    """How far back a subscriber's first digest looks."""
    return timedelta(days=7)
