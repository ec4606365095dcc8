"""Per-process values derived from all postings (count index, alert preview index),
rebuilt when the postings change.

A change shows in a cheap fingerprint (:func:`fingerprint`), asked of the database at
most every :data:`CHECK_INTERVAL` seconds per process and at once after any commit made
in this process; changes it cannot see (a removed tag) show after ``max_age`` seconds
(rebuilt then in a thread of its own, no request waiting for it). One thread rebuilds;
meanwhile the others keep using the previous value, so a rebuild never queues requests
behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from aggregator.logs import log

T = TypeVar("T")
logger = logging.getLogger(__name__)


# Postings are hidden and shown again only with a report filed or resolved
# (store.reports): the reports' newest id and their unresolved count, both read from
# indexes, show that. Counting hidden postings had no index to use: a scan of every
# posting (95 ms of CPU at 50,000 postings, once a second in every web process).
_REPORTS = (
    " (SELECT max(id) FROM posting_reports),"
    " (SELECT count(*) FROM posting_reports WHERE resolved_at IS NULL)"
)
_SQLITE_FINGERPRINT = text(
    "SELECT (SELECT count(*) FROM postings), (SELECT max(id) FROM postings),"
    " (SELECT max(rowid) FROM posting_tags), (SELECT max(id) FROM posting_changes),"
    " (SELECT max(id) FROM posting_sources),"
    " (SELECT count(*) FROM postings WHERE status = 'open')," + _REPORTS
)
# PostgreSQL: the row counts of inserts, updates and deletes (reported at commit, about
# a second late) besides what new rows show at once.
_PG_FINGERPRINT = text(
    "SELECT (SELECT count(*) FROM postings), (SELECT max(id) FROM postings),"
    " (SELECT max(id) FROM posting_changes), (SELECT max(id) FROM posting_sources),"
    " (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables"
    "  WHERE relname IN ('postings', 'posting_tags', 'posting_sources', 'organizations')),"
    " (SELECT count(*) FROM postings WHERE status = 'open')," + _REPORTS
)


# Seconds a fingerprint read from the database stands for this process. Another
# process's change (a crawl) shows within this; asking on every request cost two
# count(*) per request (the most expensive part of a cached page on PostgreSQL).
CHECK_INTERVAL = 1.0
_commits = 0  # commits made by this process so far (any engine)
# Database URL -> (when read, _commits then, fingerprint).
_known: dict[str, tuple[float, int, tuple[Any, ...]]] = {}
_reading = threading.Lock()


@event.listens_for(Engine, "commit")
def _count_commit(_conn: Connection) -> None:
    # A write by this process (a test, the web app, an ingest) shows at once.
    global _commits
    _commits += 1


def database_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Cheap signs that postings changed, each read from an index or a statistic: new
    postings, tags, listings, tracked changes (title, deadline, ...), open postings and
    postings hidden by visitors' reports. Read again when older than
    :data:`CHECK_INTERVAL` or after a commit here."""
    key = database_key(session)
    held = known(key)
    if held is not None:
        return held
    # One read at a time per process: the threads that find it out of date together
    # (every busy one, each second) take the one read's answer.
    with _reading:
        held = known(key)
        if held is not None:
            return held
        commits = _commits  # before the read: a commit during it makes the next use read again
        sqlite = session.get_bind().dialect.name == "sqlite"
        row = tuple(session.execute(_SQLITE_FINGERPRINT if sqlite else _PG_FINGERPRINT).one())
        _known[key] = (time.monotonic(), commits, row)
        return row


def known(key: str) -> tuple[Any, ...] | None:
    """The fingerprint of database ``key`` while it still stands (see
    :func:`fingerprint`), without asking the database; None when it must be read."""
    held = _known.get(key)
    if held is None or held[1] != _commits or time.monotonic() - held[0] >= CHECK_INTERVAL:
        return None
    return held[2]


_CLEARERS: list[Callable[[], None]] = []


def forget_on_wipe(clear: Callable[[], None]) -> None:
    """Have :func:`forget_all` call ``clear``: for caches kept by fingerprint elsewhere."""
    _CLEARERS.append(clear)


def forget_all() -> None:
    """Drop every cached value (tests that wipe tables reuse ids, so the fingerprint of
    new rows can equal that of the wiped ones)."""
    _known.clear()
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
        key = database_key(session)
        held = self._current.get(key)
        seen = fingerprint(session)
        if held is not None and seen == held[1]:
            if time.monotonic() - held[0] >= self.max_age:
                self._rebuild_aside(session, key, held)
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

    def _rebuild_aside(
        self, session: Session, key: str, held: tuple[float, tuple[Any, ...], T]
    ) -> None:
        """Build the value again in a thread of its own (its own session) while requests
        keep the one they have: only changes no fingerprint sees are left to pick up, so
        no request waits for a rebuild (seconds at 50,000 postings) that merely came due."""
        lock = self._building[key]
        if not lock.acquire(blocking=False):
            return  # being built already
        bind = session.get_bind()

        def rebuild() -> None:
            try:
                with Session(bind) as own:
                    seen = fingerprint(own)
                    value = self.build(own)
                if self._current.get(key) is held:  # nothing newer was built meanwhile
                    self._current[key] = (time.monotonic(), seen, value)
            except Exception as exc:  # the held value stays; the next use tries again
                log(logger, logging.WARNING, "fresh.rebuild_failed", error=repr(exc))
            finally:
                lock.release()

        threading.Thread(target=rebuild, name="fresh-rebuild", daemon=True).start()

    def peek(self, key: str) -> T | None:
        """The last value built for database ``key``, current or not (None: none yet)."""
        held = self._current.get(key)
        return held[2] if held is not None else None

    def clear(self) -> None:
        self._current.clear()
