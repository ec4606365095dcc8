"""What a killed crawl leaves behind, found and cleared when the next crawl starts.

A crawl killed with SIGKILL cannot clean up: its batch folders
(``<tmp>/aisj-crawl-*``, each holding a job file and the worker's results) stay,
and a source it was recording keeps a ``running`` CrawlRun row. Every batch
folder holds an ``owner`` file (pid and process start time) and every run row
names its host and pid, so the next crawl removes or marks exactly what belongs
to processes that are gone, and leaves a concurrent crawl's alone.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.db.models import CrawlRun
from aggregator.logs import log

logger = logging.getLogger(__name__)

TEMP_PREFIX = "aisj-crawl-"
OWNER_FILE = "owner"
#: a folder without a readable owner file is left alone this long (it may be being made)
UNOWNED_GRACE_SECONDS = 3600.0


def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' where /proc is absent).

    With the pid it names one process even after the pid is reused.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) may hold spaces: count fields after its ')'
    return stat.rsplit(")", 1)[-1].split()[19]


def process_alive(pid: int, ticks: str = "") -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to judge
        return True
    return not ticks or not _start_ticks(pid) or _start_ticks(pid) == ticks


def make_batch_dir(root: str | None = None) -> Path:
    """A fresh batch folder owned by this process."""
    path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    pid = os.getpid()
    (path / OWNER_FILE).write_text(f"{pid} {_start_ticks(pid)}\n", encoding="utf-8")
    return path


def sweep_batch_dirs(root: str | None = None) -> int:
    """Remove the batch folders of crawls whose process is gone; how many."""
    removed = 0
    base = Path(root or tempfile.gettempdir())
    for path in base.glob(TEMP_PREFIX + "*"):
        if not path.is_dir() or path.is_symlink():
            continue
        try:
            pid_text, _, ticks = (path / OWNER_FILE).read_text(encoding="utf-8").partition(" ")
            owner_gone = not process_alive(int(pid_text), ticks.strip())
        except (OSError, ValueError):
            try:
                owner_gone = time.time() - path.stat().st_mtime > UNOWNED_GRACE_SECONDS
            except OSError:
                continue
        if owner_gone:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    if removed:
        log(logger, logging.INFO, "crawl_folders_removed", count=removed, root=str(base))
    return removed


def claim_run(run: CrawlRun) -> None:
    """Name this process as the one recording ``run``."""
    run.host, run.pid = socket.gethostname()[:255], os.getpid()


def abort_stale_runs(session: Session, max_age_seconds: float) -> int:
    """Mark ``aborted`` the runs left ``running`` by crawls that are gone; commit.

    A run of this host is stale when its process is gone; a run of another host (or
    of a version that did not record its process) when it started more than
    ``max_age_seconds`` ago — a run row lives only while its own source is recorded.
    """
    host = socket.gethostname()[:255]
    now = clock.now()
    old = now - timedelta(seconds=max_age_seconds)
    stale = []
    for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
        if run.host == host and run.pid is not None:
            gone = not process_alive(run.pid)
        else:
            gone = run.started_at < old
        if gone:
            stale.append(run)
    for run in stale:
        run.status = "aborted"
        run.finished_at = now
        run.error_message = (
            f"the crawl recording this run (pid {run.pid or '?'} on {run.host or '?'}) "
            "ended without finishing it"
        )
    session.commit()
    if stale:
        log(logger, logging.WARNING, "crawl_runs_aborted", count=len(stale))
    return len(stale)
