"""Whole responses of the public per-filter pages (list, stats, API lists, feeds), kept
per data version and served again without touching the database or a template.

A kept response is served only while all of these hold:

- the postings' fingerprint (:func:`aggregator.search.fresh.known`) is the one it was
  made under: any change a fingerprint sees (a crawl, an edit, a closed posting) ends it;
- the clock (:mod:`aggregator.clock`, so a fixed test clock counts) is before the first
  application deadline at or after the moment it was made: a posting whose deadline
  passes leaves lists at once;
- it is younger than :data:`FRESH_FOR` by the clock and by the process's own timer, so
  "posted 3 days ago", the date windows and changes no fingerprint sees (a re-tag) move
  on within a minute. Up to :data:`STALE_FOR` it is still sent once more while it is
  built again in the background: a page that is asked for often never makes a visitor
  wait for its build when it merely grew old.

Pages that carry something of the visitor's own (a CSRF token: see
:func:`mark_personal`) are never kept. A request with ``Cache-Control: no-cache`` is
built afresh (``bench/web.py`` measures the uncached cost that way).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator import clock
from aggregator.search.counts import INDEXES, count_index
from aggregator.search.fresh import database_key, fingerprint, forget_on_wipe, known

CACHED_PATHS = frozenset(
    {"/", "/stats", "/api/postings", "/api/facets", "/feeds/postings.atom", "/feeds/deadlines.ics"}
)
FRESH_FOR = 60.0  # seconds
STALE_FOR = 600.0
MAX_BYTES = 32 * 2**20  # per process: about 200 list pages
MAX_BODY = 2 * 2**20
PERSONAL = "personal_response"  # request.state flag: this response is the visitor's own


def mark_personal(request: Request) -> None:
    """Keep this request's response out of the cache (it holds the visitor's own data)."""
    setattr(request.state, PERSONAL, True)


@dataclass
class Kept:
    version: tuple[Any, ...]
    made: float  # time.monotonic()
    valid_from: datetime
    valid_until: datetime
    start: Message
    body: bytes


_CACHES: weakref.WeakSet[ResponseCache] = weakref.WeakSet()  # every app's, for tests


def _forget_every_cache() -> None:
    for cache in list(_CACHES):
        cache.clear()


forget_on_wipe(_forget_every_cache)


def valid_until(made: datetime, database: str) -> datetime:
    """The first deadline at or after ``made`` (lists judge expiry at query time), or
    ``made`` plus :data:`STALE_FOR` when none comes sooner."""
    end = made + timedelta(seconds=STALE_FOR)
    index = INDEXES.peek(database)
    if index is None:
        return made  # no index to ask: keep nothing
    deadline = index.first_deadline_from(made)
    return end if deadline is None else min(end, deadline)


class ResponseCache:
    """ASGI middleware keeping 200 responses of :data:`CACHED_PATHS` (GET) per path, query
    and ``HX-Request`` header; least recently used go first beyond :data:`MAX_BYTES`."""

    def __init__(self, app: ASGIApp, sessions: Callable[[], Session]) -> None:
        self.app = app
        self.sessions = sessions
        with sessions() as session:
            self.database = database_key(session)
        self._kept: OrderedDict[tuple[str, bytes, str], Kept] = OrderedDict()
        self._building: dict[tuple[str, bytes, str], asyncio.Future[None]] = {}
        self._rebuilds: set[asyncio.Task[None]] = set()
        self._reading: asyncio.Future[tuple[Any, ...]] | None = None
        self._bytes = 0
        _CACHES.add(self)

    def clear(self) -> None:
        self._kept.clear()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in CACHED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (scope["path"], scope["query_string"], headers.get(b"hx-request", b"").decode())
        refresh = b"no-cache" in headers.get(b"cache-control", b"")
        version = known(self.database)
        if version is None:  # at most once a second (or after a commit here)
            version = await self._read_once()
        if not refresh:
            state = self._state(key, version)
            if state == "stale" and key not in self._building:
                self._start_rebuild(scope, key, version)
            if state is not None:
                await self._send_kept(key, send)
                return
            building = self._building.get(key)
            if building is not None:
                # The same page is being built (many visitors after a change): wait for
                # it rather than build it again alongside.
                await asyncio.shield(building)
                if self._state(key, version) is not None:
                    await self._send_kept(key, send)
                    return
        await self._build_once(scope, receive, send, key, version)

    def _state(self, key: tuple[str, bytes, str], version: Any) -> str | None:
        """ "fresh" or "stale" (still sent, built again meanwhile) when the kept response
        of ``key`` may be sent; None when it may not."""
        kept = self._kept.get(key)
        if kept is None or version != kept.version:
            return None
        now = clock.now()
        if not kept.valid_from <= now < kept.valid_until:
            return None
        age = max(time.monotonic() - kept.made, (now - kept.valid_from).total_seconds())
        if age < FRESH_FOR:
            return "fresh"
        return "stale" if age < STALE_FOR else None

    async def _send_kept(self, key: tuple[str, bytes, str], send: Send) -> None:
        kept = self._kept[key]
        self._kept.move_to_end(key)
        # A copy: outer middleware adds headers (a visitor's cookie) to the message.
        await send({**kept.start, "headers": list(kept.start["headers"])})
        await send({"type": "http.response.body", "body": kept.body})

    def _start_rebuild(self, scope: Scope, key: tuple[str, bytes, str], version: Any) -> None:
        """Build the page of ``key`` again in the background (its response goes nowhere)."""
        own = dict(scope, state={})  # none of this visitor's request state

        async def nothing_more() -> Message:
            return {"type": "http.disconnect"}

        async def discard(_message: Message) -> None:
            return None

        task = asyncio.get_running_loop().create_task(
            self._build_once(own, nothing_more, discard, key, version)
        )
        self._rebuilds.add(task)  # held until done (the loop keeps only weak references)
        task.add_done_callback(self._rebuilds.discard)

    async def _build_once(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, bytes, str],
        version: tuple[Any, ...],
    ) -> None:
        done = asyncio.get_running_loop().create_future()
        self._building.setdefault(key, done)
        try:
            await self._build(scope, receive, send, key, version, clock.now())
        finally:
            if self._building.get(key) is done:
                del self._building[key]
            done.set_result(None)

    async def _read_once(self) -> tuple[Any, ...]:
        """The fingerprint read again, by one thread for all the requests that need it at
        the same time (not one thread each, queued behind one another)."""
        reading = self._reading
        if (
            reading is None
            or reading.done()
            or reading.get_loop() is not asyncio.get_running_loop()
        ):
            reading = self._reading = asyncio.ensure_future(
                run_in_threadpool(self._read_fingerprint)
            )
        return await asyncio.shield(reading)

    def _read_fingerprint(self) -> tuple[Any, ...]:
        with self.sessions() as session:
            return fingerprint(session)

    def _load_index(self) -> None:
        with self.sessions() as session:
            count_index(session)

    async def _build(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, bytes, str],
        version: tuple[Any, ...],
        now: datetime,
    ) -> None:
        made = time.monotonic()
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body" and size <= MAX_BODY:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
            await send(message)

        await self.app(scope, receive, capture)
        after = known(self.database)  # None: not read again since (no change seen here)
        if (
            start is None
            or start["status"] != 200
            or size > MAX_BODY
            or scope.get("state", {}).get(PERSONAL)
            or any(name.lower() == b"set-cookie" for name, _ in start.get("headers", []))
            or (after is not None and after != version)
        ):
            return
        if INDEXES.peek(self.database) is None:  # once: its deadlines bound every page
            await run_in_threadpool(self._load_index)
        until = valid_until(now, self.database)
        self._store(key, Kept(version, made, now, until, start, b"".join(chunks)))

    def _store(self, key: tuple[str, bytes, str], kept: Kept) -> None:
        if kept.valid_until <= kept.valid_from:
            return
        old = self._kept.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._kept[key] = kept
        self._bytes += len(kept.body)
        while self._bytes > MAX_BYTES and self._kept:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped.body)
