"""Planning estimates (row counts, a prefix's indexed completions) cached for a minute
per database, so that choosing a query plan does not cost a query on every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

CACHE_SECONDS = 60.0
MAX_ENTRIES = 10_000

_cache: dict[tuple[str, tuple[Any, ...]], tuple[float, Any]] = {}
T = TypeVar("T")


def cached(session: Session, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()`` run at most once a minute per ``key`` and database."""
    full_key = (str(session.get_bind().engine.url), key)
    hit = _cache.get(full_key)
    now = time.monotonic()
    if hit and now - hit[0] < CACHE_SECONDS:
        value: T = hit[1]
        return value
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    value = compute()
    _cache[full_key] = (now, value)
    return value


def cached_count(session: Session, key: tuple[Any, ...], stmt: Any) -> int:
    """``stmt`` (a statement selecting one count) run at most once a minute per ``key``
    and database."""
    return cached(session, key, lambda: int(session.scalar(stmt) or 0))


def clear() -> None:
    _cache.clear()
