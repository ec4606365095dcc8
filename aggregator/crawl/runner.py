"""The parent side of crawling: batches of sources in subprocesses, then recording.

Scrapy never runs in this process (the scheduler lives for months and a Twisted
reactor cannot restart). Sources are split into batches of at most
``crawl_batch_size``; up to ``crawl_concurrency`` batch subprocesses run at once,
each killed after ``crawl_timeout_seconds``; sources of a killed batch that had
not finished are recorded as timed out (each source also has its own, shorter
deadline inside the batch: ``source_timeout_seconds``). Each source is then
ingested and recorded on its own (one transaction per source) in this process.
A crawl first clears what killed crawls left: batch folders
(:mod:`aggregator.crawl.recovery`) and runs left ``running``.

Several crawls may run at once on one SQLite database (the scheduler and a manual
``crawl``): recording takes the write lock when its transaction begins, waits for it
up to the busy timeout, and retries the whole transaction a few times after that;
a source that still cannot be recorded is reported failed and the others go on.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.batches import batched
from aggregator.crawl.recovery import make_batch_dir, sweep_batch_dirs
from aggregator.crawl.registry import SourceConfig, load_registry, registry_path, sync_registry
from aggregator.crawl.scrapy_setup import scrapy_settings
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.settings import Settings
from aggregator.store import employers, expiry
from spiders.platforms import discover_platforms, platform_path

logger = logging.getLogger(__name__)
# Attempts to record one source when SQLite stays locked past its busy timeout.
RECORD_ATTEMPTS = 4
POLL_SECONDS = 0.05


@dataclass
class SourceResult:
    key: str
    platform: str
    status: str  # success | partial | suspect | failed | timeout
    items: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    errors: int = 0
    seconds: float = 0.0
    message: str | None = None
    complete: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("success", "partial", "suspect")


def select_sources(configs: list[SourceConfig], keys: list[str] | None) -> list[SourceConfig]:
    """Enabled sources, or exactly ``keys`` (even disabled ones) when given."""
    if not keys:
        return [c for c in configs if c.enabled]
    by_key = {c.key: c for c in configs}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise UserError(
            f"unknown source key(s): {', '.join(unknown)}; known: {', '.join(sorted(by_key))}"
        )
    return [by_key[k] for k in dict.fromkeys(keys)]


def missing_settings(settings: Settings, platform: type[Any]) -> list[str]:
    """The settings a platform needs (``needs_settings``) that are empty."""
    return [name for name in platform.needs_settings if not getattr(settings, name, "")]


def build_job(
    settings: Settings,
    configs: list[SourceConfig],
    platforms: dict[str, type[Any]],
    states: dict[str, dict[str, Any]] | None = None,
    employers: dict[str, list[Any]] | None = None,
) -> dict[str, Any]:
    states = states or {}
    return {
        "scrapy_settings": scrapy_settings(settings),
        # boards' employers, resolved in the subprocess as ingest would (employers.resolve)
        "employers": employers or {},
        # the worker ends itself if this process dies, and after the batch's hard limit
        "parent_pid": os.getpid(),
        "deadline_seconds": settings.crawl_timeout_seconds + 5,
        "sources": [
            {
                "source": {
                    **c.job_source(),
                    "settings": {
                        name: getattr(settings, name)
                        for name in platforms[c.platform].needs_settings
                    },
                },
                "platform": platform_path(platforms[c.platform]),
                "state": states.get(c.key) or {},
            }
            for c in configs
        ],
    }


def _child_env() -> dict[str, str]:
    """The environment of a crawl subprocess: it can import what this process can."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p and os.path.isdir(p)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


@dataclass
class _Batch:
    """One running batch subprocess and the folder it writes its results to."""

    keys: list[str]
    folder: Path
    proc: subprocess.Popen[bytes] | None
    started: float
    problem: tuple[str, str] | None = None

    @property
    def out_dir(self) -> Path:
        return self.folder / "out"


def _start_batch(settings: Settings, job: dict[str, Any]) -> _Batch:
    folder = make_batch_dir()
    batch = _Batch([e["source"]["key"] for e in job["sources"]], folder, None, time.monotonic())
    job_path = folder / "job.json"
    batch.out_dir.mkdir()
    job_path.write_text(json.dumps(job), encoding="utf-8")
    command = [sys.executable, "-m", "aggregator.crawl.worker", str(job_path), str(batch.out_dir)]
    try:
        with (folder / "stderr").open("wb") as stderr:
            batch.proc = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=stderr, env=_child_env()
            )
    except OSError as exc:
        batch.problem = ("failed", f"cannot start the crawl subprocess: {exc}")
    return batch


def _poll_batch(batch: _Batch, settings: Settings) -> bool:
    """True once ``batch`` has ended (killed when past the hard timeout)."""
    if batch.proc is None:
        return True
    code = batch.proc.poll()
    if code is None:
        if time.monotonic() - batch.started < settings.crawl_timeout_seconds:
            return False
        batch.proc.kill()
        batch.proc.wait()
        batch.problem = (
            "timeout",
            f"crawl subprocess killed after {settings.crawl_timeout_seconds} s "
            "(setting crawl_timeout_seconds)",
        )
    elif code != 0:
        err = (batch.folder / "stderr").read_bytes().decode("utf-8", "replace")
        tail = err.strip().splitlines()[-1:] or ["?"]
        batch.problem = ("failed", f"crawl subprocess exited with {code}: {tail[0]}")
    return True


def _batch_results(batch: _Batch) -> dict[str, dict[str, Any]]:
    """A result for every source of an ended batch; removes its folder."""
    results: dict[str, dict[str, Any]] = {}
    for key in batch.keys:
        try:
            results[key] = json.loads((batch.out_dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            status, message = batch.problem or ("failed", "the crawl subprocess gave no result")
            results[key] = {
                "status": status,
                "message": message,
                "seconds": round(time.monotonic() - batch.started, 3),
            }
    shutil.rmtree(batch.folder, ignore_errors=True)
    return results


def run_batch(settings: Settings, job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Run one batch subprocess; a result for every source of the job (never raises)."""
    batch = _start_batch(settings, job)
    while not _poll_batch(batch, settings):
        time.sleep(POLL_SECONDS)
    return _batch_results(batch)


def _batches(configs: list[SourceConfig], settings: Settings) -> list[list[SourceConfig]]:
    if not configs:
        return []
    size = min(
        settings.crawl_batch_size, max(1, math.ceil(len(configs) / settings.crawl_concurrency))
    )
    return list(batched(configs, size))


def fetch_sources(
    settings: Settings,
    configs: list[SourceConfig],
    *,
    platforms: dict[str, type[Any]] | None = None,
    states: dict[str, dict[str, Any]] | None = None,
    on_batch: Callable[[dict[str, dict[str, Any]]], None] | None = None,
    employers: dict[str, list[Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl ``configs`` in batch subprocesses and return the raw results by key.

    Stores nothing. ``on_batch`` is called (in this thread) as each batch ends.
    """
    platforms = platforms or discover_platforms()
    sweep_batch_dirs()
    out: dict[str, dict[str, Any]] = {}
    waiting = _batches(configs, settings)
    running: list[_Batch] = []
    # Subprocesses polled from this one thread: no other thread of this process runs
    # while on_batch stores.
    while waiting or running:
        while waiting and len(running) < max(1, settings.crawl_concurrency):
            job = build_job(settings, waiting.pop(0), platforms, states, employers)
            running.append(_start_batch(settings, job))
        ended = [b for b in running if _poll_batch(b, settings)]
        if not ended:
            time.sleep(POLL_SECONDS)
        for batch in ended:
            running.remove(batch)
            results = _batch_results(batch)
            out.update(results)
            if on_batch is not None:
                on_batch(results)
    return out


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("crawling", total=total)
        yield lambda n: bar.advance(task, n)


def crawl_sources(
    settings: Settings,
    keys: list[str] | None = None,
    sources_file: str | None = None,
    progress: bool = False,
) -> list[SourceResult]:
    """Crawl the enabled sources (or ``keys``), store their postings, record health.

    Returns one :class:`SourceResult` per source, in registry order. Never raises
    for a failing source; raises UserError for a bad registry or unknown keys.
    """
    from aggregator.crawl.record import recover_interrupted_runs
    from aggregator.db import open_database, session_factory
    from aggregator.db.engine import is_locked

    platforms = discover_platforms()
    configs = load_registry(registry_path(settings, sources_file), platforms)
    chosen = select_sources(configs, keys)
    if not keys:  # a platform without its key (USAJOBS) is off until the setting is given
        chosen = [c for c in chosen if not missing_settings(settings, platforms[c.platform])]
    engine = open_database(settings)
    Session_ = session_factory(engine, writer=True)
    # No live run is older than the batch timeout plus an hour of recording.
    stale = timedelta(seconds=settings.crawl_timeout_seconds + 3600)
    with Session_() as session:
        rows = sync_registry(session, configs)
        states = {c.key: dict(rows[c.key].state or {}) for c in chosen}
        directory = employers.employer_directory(employers.load_orgs(session))
        recover_interrupted_runs(session, stale)
        session.commit()
    results: dict[str, SourceResult] = {}
    by_key = {c.key: c for c in chosen}

    def record(batch: dict[str, dict[str, Any]]) -> None:
        for key, result in batch.items():
            with cyclic_gc_between_sources():
                results[key] = _record_one(Session_, by_key[key], result, settings)
        advance(len(batch))

    with _progress(progress, len(chosen)) as advance:
        fetch_sources(
            settings,
            chosen,
            platforms=platforms,
            states=states,
            on_batch=record,
            employers=directory,
        )
    try:
        with Session_() as session:
            expiry.sweep(session, clock.now(), settings.stale_after_days)
            session.commit()
    except Exception as exc:  # queries expire by deadline anyway; the next crawl sweeps
        if not is_locked(exc):
            raise
        log(logger, logging.WARNING, "expiry_sweep_locked")
    return [results[c.key] for c in chosen]


@contextmanager
def cyclic_gc_between_sources() -> Iterator[None]:
    """No cyclic garbage collection while a source is recorded; one right after it.

    CPython 3.11 frees an object's attribute values twice when a collection starts while
    an attribute store builds the object's ``__dict__`` (the store allocates) and a weak
    reference callback of that collection stores on the same object: SQLAlchemy's
    identity-map cleanup (``InstanceState._cleanup``) does, for ORM objects that became
    garbage while the session loads. The heap damage surfaced later as SIGSEGV in
    sqlite3 fetches, ``json.loads`` or the collector itself (issue 14 point 12; valgrind:
    ``dictresize`` reading ``free_values``'d memory, freed under ``handle_weakrefs``).
    A source's garbage is bounded by one session, and is collected before the next: by a
    collection of the young generations only, which holds everything made while the
    collector was off; a full one walked every long-lived object (100 ms or so per source,
    more than recording a 50-posting source) and is left to the collector's own schedule.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)


def _record_one(
    session_maker: Callable[[], Session],
    config: SourceConfig,
    result: dict[str, Any],
    settings: Settings,
) -> SourceResult:
    from sqlalchemy import select

    from aggregator.crawl.record import record_result, start_run
    from aggregator.db.engine import is_locked
    from aggregator.db.models import Source

    seconds = float(result.get("seconds") or 0.0)
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            with session_maker() as session:
                source = session.scalars(select(Source).where(Source.key == config.key)).one()
                run = start_run(session, source, clock.now() - timedelta(seconds=seconds))
                counts = record_result(session, source, run, result, seconds, settings)
            break
        except Exception as exc:
            if not is_locked(exc):
                raise
            log(logger, logging.WARNING, "record_locked", source=config.key, attempt=attempt)
            if attempt == RECORD_ATTEMPTS:
                return SourceResult(
                    key=config.key,
                    platform=config.platform,
                    seconds=seconds,
                    status="failed",
                    message=f"not recorded: the database stayed locked ({attempt} attempts)",
                )
            time.sleep(random.uniform(0.5, 2.0) * attempt)  # jitter: writers fall out of step
    return SourceResult(
        key=config.key,
        platform=config.platform,
        seconds=seconds,
        status=counts["status"],
        message=counts["message"],
        complete=counts["complete"],
        items=counts["items"],
        new=counts["new"],
        updated=counts["updated"],
        closed=counts["closed"],
        errors=counts["errors"],
    )
