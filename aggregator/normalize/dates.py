"""Dates: structured timestamps and application deadlines written in prose.

Structured values go through a handler chain (epoch seconds/milliseconds, ISO 8601,
RFC 822, then python-dateutil); every result is timezone-aware UTC. Deadline phrases
("Applications close 15 January 2027", "apply by 1st March", "closing date: 31/01/2027")
are found with regular expressions; numeric dates are read day-first (UK) unless that is
impossible, and a date without a year is the next occurrence after ``now``. A date-only
deadline means the end of that day (23:59:59 UTC). Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil import parser as dateutil_parser

MIN_YEAR, MAX_YEAR = 1990, 2100
END_OF_DAY = time(23, 59, 59)
SENTINEL_YEAR = 2049
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    when: datetime
    date_only: bool


def _in_range(when: datetime) -> bool:
    return MIN_YEAR <= when.year <= MAX_YEAR


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _epoch(value: str) -> Parsed | None:
    if not re.fullmatch(r"\d{9,13}(\.\d+)?", value):
        return None
    number = float(value)
    if number > 1e11:  # milliseconds
        number /= 1000.0
    return Parsed(datetime.fromtimestamp(number, UTC), False)


def _iso(value: str) -> Parsed | None:
    text = value.replace("Z", "+00:00").replace("z", "+00:00")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Parsed(datetime.combine(date.fromisoformat(text), time(), UTC), True)
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", text):
        return None
    return Parsed(_aware(datetime.fromisoformat(text)), False)


def _rfc822(value: str) -> Parsed | None:
    if not re.search(r"\d{1,2} [A-Za-z]{3} \d{2,4} \d{1,2}:\d{2}", value):
        return None
    return Parsed(_aware(parsedate_to_datetime(value)), False)


def _dateutil(value: str) -> Parsed | None:
    if len(value) > 60 or not re.search(r"\d", value):
        return None
    day_first = bool(re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{4}", value))
    parsed = dateutil_parser.parse(value, dayfirst=day_first, default=datetime(2000, 1, 1))
    date_only = parsed.hour == 0 and parsed.minute == 0 and not re.search(r"\d:\d", value)
    return Parsed(_aware(parsed), date_only)


HANDLERS: list[Callable[[str], Parsed | None]] = [_epoch, _iso, _rfc822, _dateutil]


def parse_timestamp(value: Any) -> Parsed | None:
    """Any structured timestamp (str, int or float) as aware UTC, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()[:100]
    if not text:
        return None
    for handler in HANDLERS:
        try:
            result = handler(text)
        except (ValueError, OverflowError, OSError, TypeError, IndexError):
            result = None
        if result is not None:
            return result if _in_range(result.when) else None
    return None


def parse_datetime(value: Any) -> datetime | None:
    parsed = parse_timestamp(value)
    return parsed.when if parsed else None


# -- deadlines in text -------------------------------------------------------------------
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_TRIGGER = (
    r"(?:applications?\s+(?:will\s+)?(?:close[sd]?|closing|are\s+due|due|deadline)"
    r"|(?:application\s+)?deadline|apply\s+(?:by|before|until)|closing\s+date|closes?\s+on"
    r"|submit\s+(?:your\s+application\s+)?by|no\s+later\s+than|open\s+until|accepted\s+until"
    r"|(?:must\s+be\s+)?received\s+by|applications?\s+open\s+through)"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = rf"(?P<month>{_MONTH_ALT})\.?"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
_DATE_FORMS = [
    re.compile(r"(?P<iso>\d{4}-\d{2}-\d{2})"),
    re.compile(r"(?P<num>\d{1,2}[./-]\d{1,2}[./-]\d{4})"),
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", re.I),
    re.compile(rf"{_MONTH}\s+{_DAY}{_YEAR}", re.I),
]
_TRIGGER_RE = re.compile(_TRIGGER + r"[\s:,\-–—]*(?:is\s+|on\s+|the\s+)*", re.I)
_ROLLING = (
    r"rolling\s+(?:basis|applications?|admissions?|deadline|review)|on\s+a\s+rolling"
    r"|no\s+(?:application\s+)?deadline|open\s+until\s+filled|until\s+the\s+(?:role|position)"
    r"\s+is\s+filled"
)
_ROLLING_RE = re.compile(_ROLLING, re.I)
# The same patterns for lower-cased text: without re.I the engine can skip ahead to the
# first letters of the phrases (several times faster on long descriptions).
_TRIGGER_LOWER = re.compile(_TRIGGER + r"[\s:,\-–—]*(?:is\s+|on\s+|the\s+)*")
_ROLLING_LOWER = re.compile(_ROLLING)


@dataclass(frozen=True)
class Deadline:
    when: datetime | None = None
    rolling: bool = False


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, UTC)


def _numeric_date(text: str) -> date | None:
    a, b, year = (int(x) for x in re.split(r"[./-]", text))
    day, month = (a, b) if b <= 12 else (b, a)  # day-first unless impossible
    return date(year, month, day)


def _match_date(match: re.Match[str], now: datetime) -> date | None:
    groups = match.groupdict()
    if groups.get("iso"):
        return date.fromisoformat(groups["iso"])
    if groups.get("num"):
        return _numeric_date(groups["num"])
    month = MONTHS[groups["month"].lower().rstrip(".")]
    day = int(groups["day"])
    if groups.get("year"):
        return date(int(groups["year"]), month, day)
    candidate = date(now.year, month, day)
    if candidate < now.date():
        candidate = date(now.year + 1, month, day)
    return candidate


def find_deadline(text: str, now: datetime | None = None) -> Deadline:
    """A deadline stated in prose, or ``rolling=True`` for rolling applications."""
    now = now or datetime.now(UTC)
    if not text:
        return Deadline()
    sample = text[:50_000]
    lowered = sample.lower()
    same = len(lowered) == len(sample)  # offsets agree (not so for a few letters like "İ")
    triggers = _TRIGGER_LOWER.finditer(lowered) if same else _TRIGGER_RE.finditer(sample)
    for trigger in triggers:
        window = sample[trigger.end() : trigger.end() + 60]
        # a weekday before the date: "Sunday, 15 January"
        window = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*", "", window, flags=re.I)
        for form in _DATE_FORMS:
            match = form.match(window)
            if not match:
                continue
            try:
                day = _match_date(match, now)
            except (ValueError, KeyError, OverflowError):
                day = None
            if day and MIN_YEAR <= day.year <= MAX_YEAR:
                return Deadline(_end_of_day(day))
    rolling = _ROLLING_LOWER.search(lowered) if same else _ROLLING_RE.search(sample)
    return Deadline(rolling=bool(rolling))


def parse_deadline(structured: Any = None, text: str = "", now: datetime | None = None) -> Deadline:
    """The deadline from the source field first, else from the description."""
    if isinstance(structured, str) and _ROLLING_RE.search(structured):
        return Deadline(rolling=True)
    parsed = parse_timestamp(structured)
    if parsed is not None and parsed.when.year >= SENTINEL_YEAR:
        return Deadline(rolling=True)  # boards use far-future dates for "no deadline"
    if parsed is not None:
        if parsed.date_only or parsed.when.time() == time():
            return Deadline(_end_of_day(parsed.when.date()))
        return Deadline(parsed.when)
    if isinstance(structured, str) and structured.strip():
        found = find_deadline(structured, now)
        if found.when or found.rolling:
            return found
        form_match = _first_date(structured.strip(), now or datetime.now(UTC))
        if form_match:
            return Deadline(_end_of_day(form_match))
    return find_deadline(text, now)


def _first_date(text: str, now: datetime) -> date | None:
    for form in _DATE_FORMS:
        match = form.search(text[:200])
        if match:
            try:
                return _match_date(match, now)
            except (ValueError, KeyError, OverflowError):
                return None
    return None


def days_between(a: datetime, b: datetime) -> float:
    return (b - a) / timedelta(days=1)
