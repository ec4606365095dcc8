"""Merging the listings of one posting: the preferred listing, gaps filled from the others.

When several sources list one posting, the employer's ATS wins over a board for display
fields (the caller ranks the listings), and field groups missing from the preferred
listing are filled from the next ones (e.g. the board's deadline).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aggregator.normalize.posting import NormalizedPosting, content_hash

# Groups filled together from a secondary source when the preferred one lacks them.
FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("apply_url",),
    ("description_html", "description_text"),
    ("locations", "cities", "countries"),
    ("employment_type",),
    ("department",),
    ("posted_at",),
    ("deadline", "deadline_rolling"),
    ("salary_min", "salary_max", "salary_currency", "salary_period", "salary_text"),
)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(candidates: list[NormalizedPosting]) -> NormalizedPosting:
    """The first candidate, with each empty field group filled from the next ones."""
    merged = replace(candidates[0])
    for other in candidates[1:]:
        for group in FILL_GROUPS:
            if all(_empty(getattr(merged, f)) for f in group) and not all(
                _empty(getattr(other, f)) for f in group
            ):
                for name in group:
                    setattr(merged, name, getattr(other, name))
        if merged.remote == "unspecified" and other.remote != "unspecified":
            merged.remote = other.remote
    if len(candidates) > 1:
        merged.content_hash = content_hash(merged)
    return merged
