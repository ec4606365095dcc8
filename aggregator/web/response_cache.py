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

Pages that carry something of the visitor's own (see :func:`mark_personal`) are never
kept. The one exception is the CSRF token of a form on a posting page or the alert
sign-up (:data:`PAGES_WITH_FORMS`): those pages are kept with a placeholder where the
token goes (:func:`token_or_placeholder`), and each visitor's own token is put in when
the page is sent. A request with ``Cache-Control: no-cache`` is built afresh
(``bench/web.py`` measures the uncached cost that way).
"""

from __future__ import annotations

import asyncio
import re
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
# Kept with the CSRF placeholder: a posting's page (its report and follow forms) and the
# alert sign-up with its preview, the two costliest pages visitors open.
PAGES_WITH_FORMS = re.compile(r"/postings/[0-9]+|/subscribe")
FRESH_FOR = 60.0  # seconds
STALE_FOR = 600.0
# Per process: lists, stats and feeds up to about 200 pages; posting pages and sign-ups
# apart, so that a crawler walking every posting cannot push the lists out.
LISTS, WITH_FORMS = "lists", "pages with forms"
MAX_BYTES = {LISTS: 32 * 2**20, WITH_FORMS: 16 * 2**20}
MAX_BODY = 2 * 2**20
PERSONAL = "personal_response"  # request.state flag: this response is the visitor's own
# request.state flags: the page is built to be kept with placeholders; one was written.
PLACEHOLDERS_ALLOWED = "csrf_placeholder_allowed"
PLACEHOLDER_USED = "csrf_placeholder_used"
# Stands in for the visitor's CSRF token in a kept page: URL-safe like the token, so it
# needs no escaping in an attribute, and unlike anything a page says otherwise.
CSRF_PLACEHOLDER = "csrf-token-placeholder-7b1e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def mark_personal(request: Request) -> None:
    """Keep this request's response out of the cache (it holds the visitor's own data)."""
    setattr(request.state, PERSONAL, True)


def token_or_placeholder(request: Request, token: Callable[[], str]) -> str:
    """What a form's CSRF field holds: the placeholder when the page is being built to be
    kept (the visitor's token is put in as it is sent), else the visitor's ``token()``
    (and the page is not kept)."""
    state = request.scope.get("state", {})
    if state.get(PLACEHOLDERS_ALLOWED):
        state[PLACEHOLDER_USED] = True
        return CSRF_PLACEHOLDER
    mark_personal(request)
    return token()


def _fill_placeholders(start: Message, body: bytes, token: str) -> tuple[Message, bytes]:
    """The response with the visitor's ``token`` in place of each placeholder (and its
    Content-Length made to agree)."""
    body = body.replace(_PLACEHOLDER_BYTES, token.encode())
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return {**start, "headers": headers}, body


@dataclass
class Kept:
    version: tuple[Any, ...]
    made: float  # time.monotonic()
    valid_from: datetime
    valid_until: datetime
    start: Message
    body: bytes
    placeholders: bool  # holds CSRF_PLACEHOLDER: the visitor's token goes in when sent


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


def _share(path: str) -> str | None:
    """The part of :data:`MAX_BYTES` that a page at ``path`` counts against, or None when
    such a page is never kept."""
    if path in CACHED_PATHS:
        return LISTS
    return WITH_FORMS if PAGES_WITH_FORMS.fullmatch(path) else None


def _key_share(key: tuple[str, bytes, str]) -> str:
    """:func:`_share` of a kept page's key (path, query, htmx); its path has one."""
    return _share(key[0]) or LISTS


class ResponseCache:
    """ASGI middleware keeping 200 responses of :data:`CACHED_PATHS` (GET) per path, query
    and ``HX-Request`` header; least recently used go first beyond :data:`MAX_BYTES`."""

    def __init__(
        self, app: ASGIApp, sessions: Callable[[], Session], csrf_token: Callable[[Scope], str]
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.csrf_token = csrf_token  # the visitor's token, from the request's scope
        with sessions() as session:
            self.database = database_key(session)
        # One least-recently-used order per part of MAX_BYTES.
        self._kept: dict[str, OrderedDict[tuple[str, bytes, str], Kept]] = {
            share: OrderedDict() for share in MAX_BYTES
        }
        self._building: dict[tuple[str, bytes, str], asyncio.Future[None]] = {}
        self._rebuilds: set[asyncio.Task[None]] = set()
        self._reading: asyncio.Future[tuple[Any, ...]] | None = None
        self._bytes = dict.fromkeys(MAX_BYTES, 0)
        _CACHES.add(self)

    def clear(self) -> None:
        for kept in self._kept.values():
            kept.clear()
        self._bytes = dict.fromkeys(MAX_BYTES, 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or _share(scope["path"]) is None:
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
                await self._send_kept(key, scope, send)
                return
            building = self._building.get(key)
            if building is not None:
                # The same page is being built (many visitors after a change): wait for
                # it rather than build it again alongside.
                await asyncio.shield(building)
                if self._state(key, version) is not None:
                    await self._send_kept(key, scope, send)
                    return
        await self._build_once(scope, receive, send, key, version)

    def _state(self, key: tuple[str, bytes, str], version: Any) -> str | None:
        """ "fresh" or "stale" (still sent, built again meanwhile) when the kept response
        of ``key`` may be sent; None when it may not."""
        kept = self._kept[_key_share(key)].get(key)
        if kept is None or version != kept.version:
            return None
        now = clock.now()
        if not kept.valid_from <= now < kept.valid_until:
            return None
        age = max(time.monotonic() - kept.made, (now - kept.valid_from).total_seconds())
        if age < FRESH_FOR:
            return "fresh"
        return "stale" if age < STALE_FOR else None

    async def _send_kept(self, key: tuple[str, bytes, str], scope: Scope, send: Send) -> None:
        kept_here = self._kept[_key_share(key)]
        kept = kept_here[key]
        kept_here.move_to_end(key)
        # A copy: outer middleware adds headers (a visitor's cookie) to the message.
        start: Message = {**kept.start, "headers": list(kept.start["headers"])}
        body = kept.body
        if kept.placeholders:
            start, body = _fill_placeholders(start, body, self.csrf_token(scope))
        await send(start)
        await send({"type": "http.response.body", "body": body})

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
        state = scope.setdefault("state", {})
        with_forms = _key_share(key) == WITH_FORMS
        state[PLACEHOLDERS_ALLOWED] = with_forms

        async def capture(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if with_forms or size <= MAX_BODY:
                    chunks.append(message.get("body", b""))
            if not with_forms:
                await send(message)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # A page with forms is held whole until the visitor's token is put in.
                assert start is not None
                reply, body = start, b"".join(chunks)
                if state.get(PLACEHOLDER_USED) and "csrf_cookie" in state:
                    reply, body = _fill_placeholders(start, body, self.csrf_token(scope))
                await send(reply)
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)
        after = known(self.database)  # None: not read again since (no change seen here)
        if (
            start is None
            or start["status"] != 200
            or size > MAX_BODY
            or state.get(PERSONAL)
            or any(name.lower() == b"set-cookie" for name, _ in start.get("headers", []))
            or (after is not None and after != version)
        ):
            return
        if INDEXES.peek(self.database) is None:  # once: its deadlines bound every page
            await run_in_threadpool(self._load_index)
        until = valid_until(now, self.database)
        body = b"".join(chunks)
        self._store(key, Kept(version, made, now, until, start, body, PLACEHOLDER_USED in state))

    def _store(self, key: tuple[str, bytes, str], kept: Kept) -> None:
        if kept.valid_until <= kept.valid_from:
            return
        share = _key_share(key)
        kept_here = self._kept[share]
        old = kept_here.pop(key, None)
        if old is not None:
            self._bytes[share] -= len(old.body)
        kept_here[key] = kept
        self._bytes[share] += len(kept.body)
        while self._bytes[share] > MAX_BYTES[share] and kept_here:
            _, dropped = kept_here.popitem(last=False)
            self._bytes[share] -= len(dropped.body)
