"""Composing claimed digests in bulk, in worker processes when there are many.

A send run loads the postings of its window ONCE (:class:`RunIndex`). Each claimed row
becomes a :class:`Job` of plain data (no ORM, no database), so jobs can be composed —
matched again for "why" and "see all N", laid out, rendered, serialized — in forked
worker processes that inherit the run's postings and fragment cache. Claims, sending
and every database write stay in the parent process.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from aggregator.batches import batched
from aggregator.db.engine import session_factory
from aggregator.db.models import Posting, PostingChange, Subscriber
from aggregator.db.visibility import current_status
from aggregator.debris import owned_folder, remove_orphans
from aggregator.digest.build import Plan, digest_message, load_changes, make_view
from aggregator.digest.render import Renderer
from aggregator.mail.message import PreparedMessage
from aggregator.matching.index import PostingIndex
from aggregator.profiles import ProfileInput
from aggregator.programs.status import program_lines
from aggregator.settings import Settings
from aggregator.tokens import link_maker

POOL_MIN_JOBS = 64  # fewer jobs than this are composed in the parent process
CHUNK = 50  # jobs per worker task


@dataclass
class Job:
    """One claimed digest row and what composing it needs, as plain data."""

    digest_id: int
    period: str
    subscriber_id: int
    email: str
    token_version: int
    frequency: str
    profile: ProfileInput
    posting_ids: list[int]
    since: datetime
    sent_ids: frozenset[int]
    notes: list[tuple[int, str]]

    @property
    def referenced_ids(self) -> list[int]:
        """The postings composing this job reads: matches and updated ones."""
        return self.posting_ids + [pid for pid, _ in self.notes]


def _still_open(posting: Posting, now: datetime) -> bool:
    """Not closed, expired or hidden by visitors' reports since the digest was planned."""
    return current_status(posting, now) == "open" and not posting.hidden


class RunIndex:
    """The postings a send run needs: the open postings of the widest window seen so
    far (for counts) plus postings loaded by id (closed since planning, updates)."""

    def __init__(self, engine: Engine, now: datetime, base_url: str = ""):
        self.engine, self.now, self.base_url = engine, now, base_url
        self.window = PostingIndex([], now=now)
        self.others = PostingIndex([], now=now)
        self.covered: datetime | None = None
        self.changes: dict[int, list[PostingChange]] = {}
        # the window's postings, then the others: one plain dict (many lookups per digest)
        self.postings: dict[int, Posting] = {}
        self._links: tuple[Callable[[int, int], str], Callable[[int, int], str]] | None = None
        self.programs: list[dict[str, str]] = []

    def cover(self, since: datetime) -> bool:
        """Load the window's postings and changes (a separate session, closed at once,
        so the postings are detached: never refreshed, safe to use in forked workers)."""
        if self.covered is not None and since >= self.covered:
            return False
        with session_factory(self.engine)() as session:
            self.window = PostingIndex.load(session, since=since, now=self.now)
            self.changes = load_changes(session, since)
            # the "Opening soon / just opened" section: the same for every digest of a run
            self.programs = program_lines(session, self.now.date(), self.base_url)
        self.covered = since
        self.postings = {**self.others.postings, **self.window.postings}
        return True

    def ensure(self, ids: Iterable[int]) -> None:
        window, others = self.window.postings, self.others.postings
        missing = {i for i in ids if i not in window and i not in others}
        if missing:
            with session_factory(self.engine)() as session:
                for p in PostingIndex.load(session, ids=missing, now=self.now).postings.values():
                    self.others.add(p)
                    self.postings[p.id] = p

    def compose(self, settings: Settings, renderer: Renderer, job: Job) -> PreparedMessage:
        sub = Subscriber(id=job.subscriber_id, email=job.email, token_version=job.token_version,
                         frequency=job.frequency)  # fmt: skip
        matches = self.window.explain_many(job.posting_ids, job.profile)
        if len(matches) < len(job.posting_ids):  # some were loaded by id (closed since)
            found = {m.posting_id: m for m in matches}
            found.update(
                (m.posting_id, m) for m in self.others.explain_many(job.posting_ids, job.profile)
            )
            matches = [found[i] for i in job.posting_ids if i in found]
        # planned earlier: leave out what closed or expired since
        matches = [m for m in matches if _still_open(self.postings[m.posting_id], self.now)]
        total = len(matches)
        if total >= settings.digest_max_items:  # capped: count every match for "see all N"
            count = self.window.count(job.profile, since=job.since, exclude_ids=job.sent_ids)
            total = max(total, count)
        p = Plan(matches, total, job.notes)
        if self._links is None:
            self._links = (link_maker(settings, "manage"), link_maker(settings, "unsubscribe"))
        urls = (
            self._links[0](sub.id, sub.token_version),
            self._links[1](sub.id, sub.token_version),
        )
        view = make_view(
            settings, sub, job.period, p, self.postings, job.profile, urls, self.programs
        )
        msg = digest_message(settings, sub, job.period, view, renderer, self.postings)
        assert isinstance(msg, PreparedMessage)
        return msg


Outcome = tuple[int, PreparedMessage | None, str | None]  # digest id, message, error
# (digest id, (offset, length) of its message in the chunk's spool file, headers), or
# (digest id, None, error)
Spooled = tuple[int, tuple[int, int] | None, Any]
_SHM = "/dev/shm"  # memory-backed, where the system has it
SPOOL_PREFIX = "aisafety-jobs-digests-"
_WORKER: tuple[Settings, Renderer, RunIndex, str] | None = None


def _compose_one(settings: Settings, renderer: Renderer, run: RunIndex, job: Job) -> Outcome:
    try:
        return job.digest_id, run.compose(settings, renderer, job), None
    except Exception as exc:  # a rendering bug must not stop the batch
        return job.digest_id, None, f"render: {type(exc).__name__}: {exc}"[:2000]


def _work(jobs: list[Job]) -> tuple[str, list[Spooled]]:
    """Compose a chunk in a worker. The messages go to one spool file and only their
    places and headers through the pool's pipe, which would copy each ~50 KB message
    several times (pickle, pipe, buffer, unpickle) in the busy parent."""
    assert _WORKER is not None
    settings, renderer, run, spool = _WORKER
    out: list[Spooled] = []
    fd, path = tempfile.mkstemp(dir=spool)
    with os.fdopen(fd, "wb") as f:
        offset = 0
        for digest_id, msg, error in (_compose_one(settings, renderer, run, j) for j in jobs):
            if msg is None:
                out.append((digest_id, None, error))
                continue
            f.write(msg.raw)
            out.append((digest_id, (offset, len(msg.raw)), msg.fields))
            offset += len(msg.raw)
    return path, out


def _unspool(path: str, chunk: list[Spooled]) -> Iterator[Outcome]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    finally:
        os.unlink(path)
    for digest_id, place, extra in chunk:
        if place is None:
            yield digest_id, None, extra
        else:
            start, length = place
            yield digest_id, PreparedMessage(data[start : start + length], extra), None


def remove_orphaned_spools() -> int:
    """Spool folders of digest runs that were killed (a kill skips ``Composer.close``)."""
    return remove_orphans(SPOOL_PREFIX, [_SHM, tempfile.gettempdir()])


def process_count(settings: Settings) -> int:
    if settings.digest_processes > 0:
        return settings.digest_processes
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Composer:
    """Composes jobs in the parent, or in a pool of forked workers for big batches."""

    def __init__(self, settings: Settings, engine: Engine, now: datetime):
        self.settings = settings
        self.run = RunIndex(engine, now, settings.base_url)
        self.renderer = Renderer(settings)
        self.processes = process_count(settings)
        self._pool: Any = None
        self._retired: list[Any] = []  # pools holding an older window, still finishing
        self._batches: Counter[Any] = Counter()  # batches each pool is composing
        self._snapshot: set[int] = set()  # posting ids the workers hold
        self._spool: str | None = None  # folder of the workers' spool files

    def cover(self, since: datetime) -> None:
        if self.run.cover(since) and self._pool is not None:
            # the workers hold the old window: batches already given to them finish
            # there; later batches go to a new pool
            self._retired.append(self._pool)
            self._pool = None

    def compose(self, jobs: list[Job]) -> Iterator[Outcome]:
        """Outcomes in job order, streamed as they are ready. The pooled jobs are handed
        to the workers at once, so the caller can prepare the next batch meanwhile."""
        for job in jobs:
            self.run.ensure(job.referenced_ids)
        pooled = [j for j in jobs if self._poolable(j)] if len(jobs) >= POOL_MIN_JOBS else []
        if pooled and self._pool is None:
            self._start_pool()
        pool = self._pool
        if not pooled or pool is None:
            return (_compose_one(self.settings, self.renderer, self.run, j) for j in jobs)
        chunks = list(batched(pooled, CHUNK))
        self._batches[pool] += 1
        return self._collect(jobs, {j.digest_id for j in pooled}, pool, pool.imap(_work, chunks))

    def _collect(
        self,
        jobs: list[Job],
        in_pool: set[int],
        pool: Any,
        results: Iterator[tuple[str, list[Spooled]]],
    ) -> Iterator[Outcome]:
        ready: dict[int, Outcome] = {}
        for job in jobs:
            while job.digest_id in in_pool and job.digest_id not in ready:
                for outcome in _unspool(*next(results)):
                    ready[outcome[0]] = outcome
            if job.digest_id in ready:
                yield ready.pop(job.digest_id)
            else:
                yield _compose_one(self.settings, self.renderer, self.run, job)
        self._batches[pool] -= 1
        if pool in self._retired and not self._batches[pool]:  # its last batch is done
            self._retired.remove(pool)
            _stop(pool)

    def _poolable(self, job: Job) -> bool:
        if self.processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return False
        return self._pool is None or self._snapshot.issuperset(job.referenced_ids)

    def _start_pool(self) -> None:
        """Fork workers that inherit the run's postings and their rendered fragments."""
        global _WORKER
        for posting in self.run.postings.values():
            self.renderer.fragments(posting)
        self._snapshot = set(self.run.postings)
        if self._spool is None:
            shm = _SHM if os.access(_SHM, os.W_OK) else None
            self._spool = owned_folder(SPOOL_PREFIX, shm)
        _WORKER = (self.settings, self.renderer, self.run, self._spool)
        self._pool = multiprocessing.get_context("fork").Pool(self.processes)

    def close(self) -> None:
        for pool in [*self._retired, self._pool]:
            if pool is not None:
                _stop(pool)
        self._pool, self._retired = None, []
        self._batches.clear()
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None


def _stop(pool: Any) -> None:
    pool.terminate()
    pool.join()
