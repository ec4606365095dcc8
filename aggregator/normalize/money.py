"""Money in text: currency codes and symbols, and the amounts of a salary line.

``amounts(text)`` finds the numbers that can be money: durations and counts ("3-month
program", "5+ years", "401(k)", "20%") and company money ("Series B $100M raise") are
left out, so that they never become salaries.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pycountry

MAX_AMOUNT = 100_000_000.0


# -- currencies ------------------------------------------------------------------------
_SYMBOLS = [
    ("US$", "USD"), ("USD$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("CAD$", "CAD"),
    ("AU$", "AUD"), ("A$", "AUD"), ("AUD$", "AUD"), ("NZ$", "NZD"), ("S$", "SGD"),
    ("SGD$", "SGD"), ("HK$", "HKD"), ("R$", "BRL"), ("$", "USD"), ("£", "GBP"),
    ("€", "EUR"), ("¥", "JPY"), ("₹", "INR"), ("₩", "KRW"), ("₪", "ILS"), ("zł", "PLN"),
]  # fmt: skip
_CODE_RE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_CODE_WORDS = {"EURO": "EUR", "EUROS": "EUR", "DOLLARS": "USD", "POUNDS": "GBP"}


@lru_cache(maxsize=512)
def currency_code(value: str) -> str | None:
    """ISO 4217 code for a code or symbol (``"usd"``, ``"£"``, ``"C$"``), else None."""
    text = value.strip()
    if not text or len(text) > 10:
        return None
    for symbol, code in _SYMBOLS:
        if text == symbol:
            return code
    upper = text.upper()
    if upper in _CODE_WORDS:
        return _CODE_WORDS[upper]
    if len(upper) == 3 and upper.isalpha() and pycountry.currencies.get(alpha_3=upper):
        return upper
    return None


def currency_in_text(text: str) -> str | None:
    for match in _CODE_RE.finditer(text):
        code = currency_code(match.group(1))
        if code:
            return code
    for symbol, code in _SYMBOLS:
        if symbol in text:
            return code
    for word, code in _CODE_WORDS.items():
        if re.search(rf"\b{word}\b", text, re.I):
            return code
    return None


# -- amounts ---------------------------------------------------------------------------
def to_amount(value: Any) -> float | None:
    """A positive finite amount from a number or a string like "120,000" or "120k"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str):
        match = _NUMBER_RE.search(value[:100])
        if not match:
            return None
        parsed = _number(match.group("num"), match.group("mult"))
        if parsed is None:
            return None
        number = parsed
    else:
        return None
    if not math.isfinite(number) or number < 0 or number > MAX_AMOUNT:
        return None
    return number


_SYMBOL_ALT = "|".join(re.escape(s) for s, _ in _SYMBOLS)
_NUMBER_RE = re.compile(
    r"(?P<num>\d{1,3}(?:[,.\s\u00a0\u202f']\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"\s?(?P<mult>[kK](?![a-zA-Z])|[mM](?:n|m|il)?(?![a-zA-Z])|thousand)?"
)
_AMOUNT_RE = re.compile(
    rf"(?P<pre>{_SYMBOL_ALT}|\b[A-Z]{{3}}\b)?\s?"
    r"(?P<num>\d{1,3}(?:[,.\s\u00a0\u202f']\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"\s?(?P<mult>[kK](?![a-zA-Z])|[mM](?:n|m|il)?(?![a-zA-Z])|thousand)?"
    rf"(?:\s?(?P<post>\b[A-Z]{{3}}\b|{_SYMBOL_ALT}))?"
)
RANGE_SEP = re.compile(r"^\s*(?:-|–|—|‐|to|and|until|\bbis\b|à)\s*$", re.I)


def _number(digits: str, mult: str | None) -> float | None:
    text = re.sub(r"[\s\u00a0\u202f']", ",", digits)
    grouped = re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", text)
    if grouped:
        text = re.sub(r"[,.]", "", text)
    elif re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+[.,]\d{1,2}", text):
        text = re.sub(r"[,.]", "", text[:-3]) + "." + text[-2:]
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    if mult:
        number *= 1000.0 if mult.lower() in ("k", "thousand") else 1_000_000.0
    return number


@dataclass
class Amount:
    value: float
    currency: str | None
    multiplied: bool
    grouped: bool
    start: int
    end: int


_UNIT = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|semesters?|terms?)\b"
# "3-month program", "5+ years", "2 weeks", "401(k)", "10%": counts, not money.
_NOT_MONEY_AFTER = re.compile(rf"\s?(?:\+\s?|[-\u2010\u2011\u2013]\s?)?{_UNIT}|\(k\)|\s?%", re.I)
# "for 13 weeks", "a 12-month fellowship": how long, not how often.
DURATION = re.compile(
    rf"\d+(?:\.\d+)?\s?(?:\+\s?|[-\u2010\u2011\u2013]\s?)?{_UNIT}"
    rf"|\b(?:for|over|during|lasting|within)\s+(?:the\s+|a\s+|an\s+|one\s+|two\s+|three\s+"
    rf"|several\s+|\w+\s+)?{_UNIT}",
    re.I,
)
# "Series B $100M raise", "$5M in funding": company money near the amount.
_FUNDING = re.compile(
    r"rais(?:e|ed|es|ing)\b|fundrais|valuation|revenue|series [a-f]\b|seed round"
    r"|invest(?:ment|ed|ors?)\b|backed\b|market cap|endowment",
    re.I,
)
# A program length ("for 13 weeks", "6-month fellowship"): an amount is then no yearly pay.
TERM = re.compile(
    r"\d+\s?[-\u2010\u2011\u2013]?\s?(?:weeks?|months?)\b"
    r"|\b(?:for|over|during|lasting)\s+(?:the\s+|a\s+|an\s+|\w+\s+)?(?:weeks?|months?|years?)\b",
    re.I,
)
MAX_TEXT_SALARY = 1_000_000.0  # larger amounts in text are funding, budgets, revenue
_CLAUSE_END = re.compile(r"[;!?]|\.\s|,\s")


def amounts(text: str) -> list[Amount]:
    found = []
    for m in _AMOUNT_RE.finditer(text):
        value = _number(m.group("num"), m.group("mult"))
        if value is None or value >= MAX_TEXT_SALARY:
            continue
        currency = None
        for part in (m.group("pre"), m.group("post")):
            if part and not currency:
                currency = currency_code(part)
        if m.group("pre") and not currency:  # a word like "TOP" before the number
            continue
        if not currency and _NOT_MONEY_AFTER.match(
            text, m.end("mult") if m.group("mult") else m.end("num")
        ):
            continue
        before = _CLAUSE_END.split(text[max(0, m.start() - 25) : m.start()])[-1]
        after = _CLAUSE_END.split(text[m.end() : m.end() + 25])[0]
        if _FUNDING.search(before) or _FUNDING.search(after):
            continue
        grouped = bool(re.search(r"\d[,.\s\u00a0\u202f']\d{3}", m.group("num")))
        found.append(Amount(value, currency, bool(m.group("mult")), grouped, m.start(), m.end()))
    return found
