"""Batch folders of killed crawls, found and removed when the next crawl starts.

A crawl killed with SIGKILL cannot clean up: its batch folders
(``<tmp>/aisj-crawl-*``, each holding a job file and the worker's results) stay.
Every batch folder holds an ``owner`` file (pid and process start time), so the
next crawl removes exactly the folders of processes that are gone and leaves a
concurrent crawl's alone. (Runs left ``running`` are settled by
:func:`aggregator.crawl.record.recover_interrupted_runs`.)
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

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
