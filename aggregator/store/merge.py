"""Merging the listings of one posting: the preferred listing, gaps filled from the others.

When several sources list one posting, the employer's ATS wins over a board for display
fields (:func:`rank_listings`, the one source-preference rule of ingest and reclassify),
and field groups missing from the preferred listing are filled from the next ones (e.g.
the board's deadline).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from aggregator.db.models import PostingSource
from aggregator.normalize.posting import NormalizedPosting, content_hash
from aggregator.store.employers import is_board

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


UNION_FIELDS = ("programs", "mentors", "teams")


def rank_listings(listings: Iterable[PostingSource]) -> list[PostingSource]:
    """``listings`` of one posting, preferred first: the employer's own ATS before boards;
    within one source its latest listing (a re-post's new id) before older ones; then the
    oldest listing (so the preference does not flap between crawls)."""
    listings = list(listings)

    def newness(ps: PostingSource) -> tuple[Any, int]:
        return (ps.last_seen_at, ps.id if ps.id is not None else sys.maxsize)  # unsaved: newest

    latest: dict[Any, PostingSource] = {}
    for ps in listings:
        key = ps.source.key
        if key not in latest or newness(ps) > newness(latest[key]):
            latest[key] = ps
    return sorted(
        listings, key=lambda ps: (is_board(ps.source), latest[ps.source.key] is not ps, ps.id or 0)
    )


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(candidates: list[NormalizedPosting]) -> NormalizedPosting:
    """The first candidate, with each empty field group filled from the next ones and the
    programs, mentors and teams of all."""
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
        # What any listing marks or names holds for the posting: a forum post that is a
        # program's call stays one when it merges with the employer's own listing.
        for name in UNION_FIELDS:
            values = getattr(merged, name)
            setattr(merged, name, values + [v for v in getattr(other, name) if v not in values])
    if len(candidates) > 1:
        merged.content_hash = content_hash(merged)
    return merged
