"""Sorting and pagination: keyset on (sort key, id) with an opaque cursor; relevance pages
by offset (its score is not a stored column)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_

from aggregator.db.models import Posting
from aggregator.search.filters import (
    MAX_ID,
    POSTED_DATE,
    SORTS,
    InvalidQuery,
    PostingFilter,
    posted_date,
)
from aggregator.search.text import query_words, relevance_order

NO_DEADLINE = datetime(9999, 1, 1)
MAX_OFFSET = 100_000


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        last_id = values[1]
        if isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 <= last_id <= MAX_ID:
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidQuery("malformed cursor") from None


def _cursor_time(value: Any) -> datetime:
    when = datetime.fromisoformat(str(value))
    return (
        when.replace(tzinfo=None)
        if when.tzinfo is None
        else when.astimezone(UTC).replace(tzinfo=None)
    )


def by_relevance(f: PostingFilter) -> bool:
    """Whether the filter sorts by text relevance (asked for, and there are words)."""
    return f.sort == "relevance" and bool(query_words(f.q)[0])


def order_and_keyset(
    stmt: Select[Any],
    f: PostingFilter,
    cursor: str | None,
    dialect: str,
    floor: int | None = None,
    completions: list[str] | None = None,
) -> tuple[Select[Any], int]:
    """Apply the sort order and, for a cursor, the keyset condition (or the offset for
    relevance, returned; -1 for keyset sorts). Relevance also applies the text match."""
    if f.sort not in SORTS:
        raise InvalidQuery(f"unknown sort {f.sort!r}: use {', '.join(SORTS)}")
    try:
        return _order(stmt, f, cursor, dialect, floor, completions)
    except (ValueError, TypeError, OverflowError):
        raise InvalidQuery("malformed cursor") from None


def _order(
    stmt: Select[Any],
    f: PostingFilter,
    cursor: str | None,
    dialect: str,
    floor: int | None,
    completions: list[str] | None,
) -> tuple[Select[Any], int]:
    if by_relevance(f):
        offset = 0
        if cursor:
            tag, offset = decode_cursor(cursor)
            if tag != "offset" or offset > MAX_OFFSET:
                raise InvalidQuery("malformed cursor")
        stmt, rank = relevance_order(stmt, f.q, dialect, floor, completions)
        order: tuple[Any, ...] = (rank, POSTED_DATE.desc(), Posting.id.desc())
        return stmt.order_by(*order).offset(offset), offset
    key: Any
    if f.sort == "deadline":
        # Postings without a deadline sort last: far-future sentinel keeps keysets simple.
        # A deadline window leaves none out, so the deadline index gives the order.
        key = (
            Posting.deadline
            if f.deadline_within is not None
            else func.coalesce(Posting.deadline, NO_DEADLINE)
        )
        order = (key.asc(), Posting.id.asc())
        if cursor:
            value, last_id = decode_cursor(cursor)
            when = _cursor_time(value)
            stmt = stmt.where(or_(key > when, and_(key == when, Posting.id > last_id)))
    else:
        key = POSTED_DATE
        order = (key.desc(), Posting.id.desc())
        if cursor:
            value, last_id = decode_cursor(cursor)
            when = _cursor_time(value)
            stmt = stmt.where(or_(key < when, and_(key == when, Posting.id < last_id)))
    return stmt.order_by(*order), -1


def next_cursor(f: PostingFilter, rows: list[Any], limit: int, offset: int) -> str | None:
    """The cursor after ``rows[:limit]`` when ``rows`` (fetched with ``limit + 1``) has
    more; rows need ``id``, ``posted_at``, ``first_seen_at`` and ``deadline``."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    if offset >= 0:
        return encode_cursor(["offset", offset + limit])
    if f.sort == "deadline":
        value = (last.deadline or NO_DEADLINE).replace(tzinfo=None).isoformat()
    else:
        value = posted_date(last).replace(tzinfo=None).isoformat()
    return encode_cursor([value, last.id])
