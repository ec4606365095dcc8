"""Value helpers for record parsers: loose JSON values turned into clean fields.

Sources give strings, numbers, ``null``, lists or single values where a list is
expected, and HTML escaped or not; these pure functions read such values without
raising, so a parser stays a flat mapping from a record to a
:class:`aggregator.items.RawPosting`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


def text(value: Any) -> str:
    """A stripped string for str/int/float values, else ``""``."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


def opt_text(value: Any) -> str | None:
    return text(value) or None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def unescape_html(value: Any) -> str:
    """HTML given entity-escaped (``&lt;p&gt;``) unescaped once; other HTML as is."""
    raw = text(value)
    if "&lt;" in raw and "<" not in raw.replace("&lt;", ""):
        return html.unescape(raw)
    if "&lt;" in raw and raw.lstrip().startswith("&lt;"):
        return html.unescape(raw)
    return raw


def epoch_to_iso(value: Any, *, millis: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = value / 1000 if millis else value
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


_PERIOD_WORDS = (
    ("hour", "HOUR"),
    ("day", "DAY"),
    ("daily", "DAY"),
    ("week", "WEEK"),
    ("month", "MONTH"),
    ("year", "YEAR"),
    ("annual", "YEAR"),
    ("yearly", "YEAR"),
    ("salary", "YEAR"),
)


def period_from_text(value: Any) -> str | None:
    """``HOUR|DAY|WEEK|MONTH|YEAR`` from free text such as "Annual Salary", "1 HOUR"."""
    lowered = text(value).lower()
    for word, period in _PERIOD_WORDS:
        if re.search(rf"\b{word}", lowered):
            return period
    return None


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def salary(minimum: Any, maximum: Any, currency: Any, period: str | None) -> dict[str, Any] | None:
    lo, hi = number(minimum), number(maximum)
    if lo is None and hi is None:
        return None
    out: dict[str, Any] = {"min": lo, "max": hi}
    if text(currency):
        out["currency"] = text(currency).upper()
    if period:
        out["period"] = period
    return out


def place(*parts: Any) -> str:
    """ "City, Region, Country" from the non-empty text parts."""
    return ", ".join(unique(text(p) for p in parts))
