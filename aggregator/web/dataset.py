"""The whole open dataset (``/api/postings.jsonl`` without filters) kept as a file in
``<data_dir>/exports`` per data version, shared by every web worker process.

The first request after a change builds it while streaming it (written to a temporary
file, renamed into place when complete); later ones send the file. Building costs
seconds of CPU; keeping it in each worker's memory cost about 32 MB per worker at
50,000 postings and a build per worker.

A kept file stands while the postings' fingerprint is the one it was built under and
no application deadline has come since it was built (each line states the posting's
status as of then; a passed deadline makes a posting expired).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from anyio import CapacityLimiter, to_thread

from aggregator.search.counts import CountIndex
from aggregator.search.fresh import forget_on_wipe

FOLDER = "exports"
CHUNK = 1 << 20  # bytes per read: each read is a hop to a worker thread and back
_STAMP = "%Y%m%dT%H%M%S%f"
_wipes = [0]  # tests wipe tables and reuse ids: a wiped database's files must not match


def _forget() -> None:
    _wipes[0] += 1


forget_on_wipe(_forget)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _names(database: str, version: tuple[Any, ...]) -> tuple[str, str]:
    """The name prefix of this database's files and of this version's."""
    db = _digest(f"{database}\n{_wipes[0]}")
    return db, f"{db}-{_digest(repr(version))}-"


def open_kept(
    folder: Path, database: str, version: tuple[Any, ...], index: CountIndex, now: datetime
) -> IO[bytes] | None:
    """The kept dataset of ``version``, opened (it survives a newer build removing it),
    when it still stands at ``now``; else None."""
    _, prefix = _names(database, version)
    for path in sorted(folder.glob(f"{prefix}*.jsonl"), reverse=True):
        try:
            made = datetime.strptime(path.stem[len(prefix) :], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        deadline = index.first_deadline_from(made)
        if made <= now and (deadline is None or now < deadline):
            try:
                return path.open("rb")
            except FileNotFoundError:  # replaced by another worker meanwhile
                continue
    return None


def size(handle: IO[bytes]) -> int:
    return os.fstat(handle.fileno()).st_size


async def send_file(handle: IO[bytes]) -> AsyncIterator[bytes]:
    """The kept file in :data:`CHUNK` reads, each in a thread gated by a limiter of this
    export's own: under load the request threads hold every token of the default
    limiter, and a 32 MB export queued each of its reads behind them (seconds)."""
    reads = CapacityLimiter(1)
    with handle:
        while chunk := await to_thread.run_sync(handle.read, CHUNK, limiter=reads):
            yield chunk


def keep_while_sending(
    chunks: Iterator[bytes],
    folder: Path,
    database: str,
    version: tuple[Any, ...],
    made: datetime,
) -> Iterator[bytes]:
    """``chunks`` passed on and written to the kept file of ``version`` built at ``made``;
    the file appears only when complete (a client that leaves early keeps nothing), and
    older files of the database go."""
    db, prefix = _names(database, version)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{uuid.uuid4().hex}.part"
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                yield chunk
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    final = folder / f"{prefix}{made.astimezone(UTC).strftime(_STAMP)}.jsonl"
    os.replace(partial, final)
    for old in folder.glob(f"{db}-*.jsonl"):
        if old != final:
            old.unlink(missing_ok=True)  # a worker still sending it keeps its open handle
