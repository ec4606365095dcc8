"""Salary parsing from structured source fields and from free text.

A chain of small pure functions, each returning a value or ``None``. Currencies are
never converted; a period is only set when the source states it, except for two
documented guesses: structured amounts below 2000 without a period are hourly
(Greenhouse-style pay ranges), and text ranges of 20,000 or more in a major currency
are yearly. Nothing here raises on arbitrary input, and ``min <= max`` always holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aggregator.normalize.money import (
    DURATION,
    MAX_AMOUNT,
    RANGE_SEP,
    TERM,
    amounts,
    currency_code,
    currency_in_text,
    to_amount,
)

__all__ = [
    "MAX_AMOUNT",
    "PERIODS",
    "Salary",
    "currency_code",
    "find_salary_in_text",
    "parse_period",
    "parse_salary",
    "parse_salary_struct",
    "parse_salary_text",
    "to_amount",
]

PERIODS = ("YEAR", "MONTH", "WEEK", "DAY", "HOUR")
MAX_TEXT = 500
YEARLY_GUESS_CURRENCIES = frozenset(
    {"USD", "GBP", "EUR", "CAD", "AUD", "CHF", "NZD", "SGD", "SEK", "NOK", "DKK", "PLN", "IEP"}
)


@dataclass(frozen=True)
class Salary:
    min: float | None = None
    max: float | None = None
    currency: str | None = None  # ISO 4217
    period: str | None = None  # YEAR / MONTH / WEEK / DAY / HOUR
    text: str | None = None

    @property
    def has_amount(self) -> bool:
        return self.min is not None or self.max is not None


# -- periods ---------------------------------------------------------------------------
_PERIOD_WORDS: list[tuple[str, str]] = [
    ("HOUR", r"hour|hourly|hr\b|/\s*h\b|ph\b|per\s+h\b|stunde"),
    ("DAY", r"day\b|daily|diem|/\s*d\b|tag\b"),
    ("WEEK", r"week|weekly|wk|/\s*w\b|pw\b"),
    ("MONTH", r"month|monthly|mo\b|mth|/\s*m\b|pcm\b|monat"),
    (
        "YEAR",
        r"year|yearly|annual|annum|annually|yr|/\s*y\b|p\.?\s?a\.?(?![a-z])|pro[\s-]?rata|jahr",
    ),
]
_PERIOD_RES = [(p, re.compile(rf"(?<![a-z])(?:{words})", re.I)) for p, words in _PERIOD_WORDS]


def parse_period(value: Any) -> str | None:
    """``YEAR``/``MONTH``/... from "per-year-salary", "1 YEAR", "HOUR", "P1M", "annual"..."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:MAX_TEXT]
    iso = re.fullmatch(r"P(?:T)?1?([YMWDH])", text.upper())
    if iso:
        return {"Y": "YEAR", "M": "MONTH", "W": "WEEK", "D": "DAY", "H": "HOUR"}[iso.group(1)]
    best: tuple[int, str] | None = None
    for period, regex in _PERIOD_RES:
        match = regex.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), period)
    return best[1] if best else None


# -- text handlers ---------------------------------------------------------------------
TextHandler = Callable[[str], "Salary | None"]


def _unpaid(text: str) -> Salary | None:
    if re.search(r"\b(unpaid|no (?:salary|pay|stipend)|volunteer(?:ing)? (?:role|position))\b",
                 text, re.I) and not re.search(r"\d", text):  # fmt: skip
        return Salary(min=0.0, max=0.0, text=text)
    return None


def _amount_text(text: str) -> Salary | None:
    found = amounts(text)
    if not found:
        return None
    first = found[0]
    second = None
    if len(found) > 1 and RANGE_SEP.match(text[first.end : found[1].start]):
        second = found[1]
    currency = first.currency or (second.currency if second else None) or currency_in_text(text)
    last_end = second.end if second else first.end
    period = parse_period(DURATION.sub(" ", text[first.start : last_end + 40]))
    low = first.value
    high = second.value if second else first.value
    if second and second.multiplied and not first.multiplied and low < 1000 <= high:
        low *= 1000.0 if high < 1_000_000 else 1_000_000.0  # "$120-150k"
    evidence = currency or period or first.multiplied or first.grouped
    if not evidence or high <= 0:
        return None
    lo, hi = min(low, high), max(low, high)
    before = text[max(0, first.start - 30) : first.start].lower()
    if second is None and re.search(r"up to\s*$|max(?:imum)?\.?:?\s*$", before):
        lo_out: float | None = None
        hi_out: float | None = hi
    elif second is None and re.search(r"(from|starting at|at least|min(?:imum)?\.?:?)\s*$", before):
        lo_out, hi_out = lo, None
    else:
        lo_out, hi_out = lo, hi
    if (
        period is None
        and lo >= 20_000
        and currency in YEARLY_GUESS_CURRENCIES
        and not TERM.search(text)  # "£30,000 for 6 months" is no yearly salary
    ):
        period = "YEAR"
    return Salary(min=lo_out, max=hi_out, currency=currency, period=period, text=text)


def _no_amount(text: str) -> Salary | None:
    if re.search(r"competitive|negotiable|\bDOE\b|depending on experience|tbd|tbc", text, re.I):
        return Salary(text=text)
    return None


TEXT_HANDLERS: list[TextHandler] = [_unpaid, _amount_text, _no_amount]


def parse_salary_text(text: str | None) -> Salary | None:
    """A salary from a salary line such as "£45k–£55k + benefits"; None when there is none."""
    if not text or not isinstance(text, str):
        return None
    value = " ".join(text.split())[:MAX_TEXT]
    if not value:
        return None
    for handler in TEXT_HANDLERS:
        try:
            result = handler(value)
        except (ValueError, OverflowError, RecursionError):
            result = None
        if result is not None:
            return result
    return None


_SALARY_CONTEXT = re.compile(
    r"salary|compensation|pay range|pay band|base pay|stipend|remuneration|per (?:year|annum)",
    re.I,
)
# A currency range such as "$200K - $300K" or "£65,000–£75,000" reads as pay on its own.
_CURRENCY_RANGE = re.compile(
    r"[$£€]\s?\d[\d,.]*\s?[kK]?\s*(?:-|–|—|to)\s*(?:[$£€]|USD|GBP|EUR)?\s?\d[\d,.]*\s?[kK]?"
)


def find_salary_in_text(text: str) -> Salary | None:
    """A salary from the description: lines that talk about pay, or state a currency range."""
    for line in text.splitlines()[:400]:
        if len(line) > 600:
            continue
        if not (_SALARY_CONTEXT.search(line) or _CURRENCY_RANGE.search(line)):
            continue
        salary = parse_salary_text(line)
        if salary and salary.has_amount and salary.currency and (salary.max or 0) >= 1:
            return salary
    return None


# -- structured ------------------------------------------------------------------------
def parse_salary_struct(data: Any) -> Salary | None:
    """Salary from a spider's ``{"min", "max", "currency", "period"}`` dict (keys optional)."""
    if not isinstance(data, dict):
        return None
    low = to_amount(data.get("min", data.get("minValue")))
    high = to_amount(data.get("max", data.get("maxValue")))
    if low is None and high is None:
        low = high = to_amount(data.get("value"))
    currency_raw = data.get("currency")
    currency = currency_code(currency_raw) if isinstance(currency_raw, str) else None
    period = parse_period(data.get("period") or data.get("interval") or data.get("unitText"))
    text = data.get("text") if isinstance(data.get("text"), str) else None
    if low is None and high is None:
        return Salary(text=text[:MAX_TEXT]) if text else None
    if low is not None and high is not None and low > high:
        low, high = high, low
    if period is None and max(v for v in (low, high) if v is not None) < 2000:
        period = "HOUR"  # Greenhouse-like pay ranges without a unit: hourly is the norm
    return Salary(min=low, max=high, currency=currency, period=period, text=text)


def parse_salary(
    structured: Any = None, text: str | None = None, description_text: str = ""
) -> Salary | None:
    """Structured fields first, gaps filled from the salary text, then the description."""
    result = parse_salary_struct(structured)
    from_text = parse_salary_text(text)
    if result is None or not result.has_amount:
        if from_text is not None and from_text.has_amount:
            return from_text
        from_description = find_salary_in_text(description_text) if description_text else None
        if from_description is not None:
            return from_description
        return result or from_text
    if from_text is not None:
        result = Salary(
            min=result.min,
            max=result.max,
            currency=result.currency or from_text.currency,
            period=result.period or from_text.period,
            text=result.text or from_text.text,
        )
    return result
