"""The one salary line: "£65,000–£75,000 a year", "$15,000 for 3 months", "CHF 40 an hour".

Every output (web, digests, feeds, the CLI, change history) shows pay through
:func:`format_salary`. Amounts are never converted; a period is shown only when the
source stated one, and a stipend's duration ("for 3 months") comes from its text.
"""

from __future__ import annotations

import re
from typing import Any

# Symbols where one is unambiguous for an English reader; other currencies keep their code.
SYMBOLS = {
    "USD": "$",
    "GBP": "£",
    "EUR": "€",
    "JPY": "¥",
    "INR": "₹",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "SGD": "S$",
    "HKD": "HK$",
}
PERIODS = {
    "YEAR": "a year",
    "MONTH": "a month",
    "WEEK": "a week",
    "DAY": "a day",
    "HOUR": "an hour",
}
_UNITS = r"(?P<unit>years?|months?|weeks?|days?)"
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}
# "for 3 months", "over two weeks", "12-week", "10 weeks"
_DURATION = re.compile(
    rf"\b(?:(?:for|over|during|lasting)\s+(?:a\s+|an\s+)?)?"
    rf"(?P<n>\d{{1,3}}|{'|'.join(_NUMBER_WORDS)})[\s-]{_UNITS}\b",
    re.I,
)
TEXT_MAX = 120


def _amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or value >= 1000 else f"{value:,.2f}"


def _money(value: float, currency: str | None) -> str:
    code = (currency or "").upper()
    if code in SYMBOLS:
        return SYMBOLS[code] + _amount(value)
    return f"{code} {_amount(value)}" if code else _amount(value)


def _duration(text: str | None) -> str:
    match = _DURATION.search(text or "")
    if match is None:
        return ""
    raw = match["n"].lower()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = match["unit"].lower().rstrip("s")
    return f"for {n} {unit}{'' if n == 1 else 's'}"


# Source text shown as a salary only when it speaks of pay: a boards' "salary" field often
# holds the posting's first sentence instead.
_PAY = re.compile(
    r"[$£€¥₹]\s?\d|\d\s?(?:k\b|usd|gbp|eur|chf|cad|aud)|\b(?:usd|gbp|eur|chf|cad|aud)\s?\d"
    r"|\b(?:salary|salaries|stipend|compensation|pay|paid|unpaid|wage|honorari|volunteer"
    r"|per (?:year|annum|month|week|day|hour)|an hour|a year|/(?:yr|year|hr|hour|month))",
    re.I,
)


def _one_line(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= TEXT_MAX else line[: TEXT_MAX - 1].rstrip() + "…"


def format_salary(
    salary_min: float | None,
    salary_max: float | None,
    currency: str | None = None,
    period: str | None = None,
    text: str | None = None,
) -> str:
    """The display line of a salary; the source's own text when it gave no amount, and
    "" when it gave nothing."""
    values = sorted({v for v in (salary_min, salary_max) if v is not None})
    if not values:
        return _one_line(text) if text and _PAY.search(text) else ""
    if len(values) == 2:
        # A code is written once ("CHF 90,000–120,000"), a symbol on both ("£65,000–£75,000").
        high = _money(values[1], currency) if (currency or "").upper() in SYMBOLS else None
        amount = f"{_money(values[0], currency)}–{high or _amount(values[1])}"
    else:
        amount = _money(values[0], currency)
    when = PERIODS.get((period or "").upper()) or _duration(text)
    return f"{amount} {when}".strip()


def posting_salary(p: Any) -> str:
    """:func:`format_salary` of anything with the ``salary_*`` fields (a stored posting,
    a list row, a normalized posting)."""
    return format_salary(
        p.salary_min, p.salary_max, p.salary_currency, p.salary_period, p.salary_text
    )
