"""Per-process values derived from all postings (count index, alert preview index),
rebuilt when the postings change.

A change shows in a cheap fingerprint (:func:`fingerprint`) checked on each use;
changes it cannot see (a removed tag) show after ``max_age`` seconds. One thread
rebuilds; meanwhile the others keep using the previous value, so a rebuild never queues
requests behind it.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

T = TypeVar("T")


_SQLITE_FINGERPRINT = text(
    "SELECT (SELECT count(*) FROM postings), (SELECT max(id) FROM postings),"
    " (SELECT max(rowid) FROM posting_tags), (SELECT max(id) FROM posting_changes),"
    " (SELECT max(id) FROM posting_sources),"
    " (SELECT count(*) FROM postings WHERE status = 'open')"
)
# PostgreSQL: the row counts of inserts, updates and deletes (reported at commit, about
# a second late) besides what new rows show at once.
_PG_FINGERPRINT = text(
    "SELECT (SELECT count(*) FROM postings), (SELECT max(id) FROM postings),"
    " (SELECT max(id) FROM posting_changes), (SELECT max(id) FROM posting_sources),"
    " (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables"
    "  WHERE relname IN ('postings', 'posting_tags', 'posting_sources', 'organizations')),"
    " (SELECT count(*) FROM postings WHERE status = 'open')"
)


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Cheap signs that postings changed, each read from an index or a statistic: new
    postings, tags, listings, tracked changes (title, deadline, ...) and open postings."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    row = session.execute(_SQLITE_FINGERPRINT if sqlite else _PG_FINGERPRINT).one()
    return tuple(row)


_CLEARERS: list[Callable[[], None]] = []


def forget_on_wipe(clear: Callable[[], None]) -> None:
    """Have :func:`forget_all` call ``clear``: for caches kept by fingerprint elsewhere."""
    _CLEARERS.append(clear)


def forget_all() -> None:
    """Drop every cached value (tests that wipe tables reuse ids, so the fingerprint of
    new rows can equal that of the wiped ones)."""
    for clear in _CLEARERS:
        clear()


class Fresh(Generic[T]):
    """The current value of ``build(session)`` per database."""

    def __init__(self, build: Callable[[Session], T], max_age: float) -> None:
        self.build = build
        self.max_age = max_age
        self._current: dict[str, tuple[float, tuple[Any, ...], T]] = {}
        self._building: dict[str, threading.Lock] = defaultdict(threading.Lock)
        forget_on_wipe(self.clear)

    def get(self, session: Session) -> T:
        key = str(session.get_bind().engine.url)
        held = self._current.get(key)
        seen = fingerprint(session)
        if held is not None and time.monotonic() - held[0] < self.max_age and seen == held[1]:
            return held[2]
        lock = self._building[key]
        if not lock.acquire(blocking=held is None):
            assert held is not None
            return held[2]  # another thread rebuilds: use the last value meanwhile
        try:
            current = self._current.get(key)
            if current is not None and current is not held:
                return current[2]  # built meanwhile by another thread
            value = self.build(session)
            self._current[key] = (time.monotonic(), seen, value)
            return value
        finally:
            lock.release()

    def clear(self) -> None:
        self._current.clear()
