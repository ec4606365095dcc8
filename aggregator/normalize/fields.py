"""Small field normalizers of :func:`aggregator.normalize.posting.normalize`: titles,
employment types, location lists and URLs."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from aggregator.normalize.text import clean_line
from aggregator.normalize.urls import is_http_url, strip_tracking

EMPLOYMENT_TYPES = (
    "FULL_TIME", "PART_TIME", "CONTRACT", "INTERN", "TEMPORARY", "FELLOWSHIP", "VOLUNTEER",
    "OTHER",
)  # fmt: skip
_EMPLOYMENT_RULES = [
    ("INTERN", r"intern|praktikum|stage\b|trainee"),
    ("FELLOWSHIP", r"fellow|residen(?:cy|t)|scholar"),
    ("VOLUNTEER", r"volunt"),
    ("PART_TIME", r"part[\s_-]?time|teilzeit"),
    ("CONTRACT", r"contract|freelance|consult|self[\s_-]?employed|per[\s_-]?diem"),
    ("TEMPORARY", r"temp|fixed[\s_-]?term|seasonal|befristet"),
    ("FULL_TIME", r"full[\s_-]?time|permanent|regular|vollzeit|employee|salaried"),
]
MAX_URL = 2000


def normalize_title(title: str) -> str:
    """Lowercase words only, gender markers such as "(m/f/d)" removed."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode() or title
    text = re.sub(r"\((?:[mwfdx]\s*/\s*)+[mwfdx]\)|\b[mwfdx]/[mwfdx](?:/[mwfdx])?\b", " ", text,
                  flags=re.I)  # fmt: skip
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def location_key(cities: list[str], countries: list[str]) -> str:
    if cities:
        return ",".join(sorted({normalize_title(c) for c in cities}))
    return ",".join(sorted({c.lower() for c in countries}))


def normalize_employment_type(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    upper = text.upper().replace("-", "_").replace(" ", "_")
    if upper in EMPLOYMENT_TYPES:
        return upper
    for kind, pattern in _EMPLOYMENT_RULES:
        if re.search(pattern, text, re.I):
            return kind
    return "OTHER"


def distinct_locations(values: list[Any]) -> list[str]:
    """The location strings as given, each place once: a source that lists
    "London, UK; Bristol, UK" and then each office again keeps the combined string."""
    given: dict[str, str] = {}
    for value in values:
        text = clean_line(value, 200) if isinstance(value, str) else ""
        if text:
            given.setdefault(text.casefold(), text)
    combined: set[str] = set()
    for key in given:
        parts = [p.strip(" ,") for p in re.split(r"\s*[;|]\s*", key)]
        if len(parts) > 1:
            combined.update(parts)
    return [text for key, text in given.items() if key not in combined][:50]


def http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    url = strip_tracking(value.strip())
    return url if is_http_url(url) and len(url) <= MAX_URL else None
