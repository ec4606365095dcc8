"""Debris of killed processes: temporary folders whose name carries their owner's pid
(``<prefix><pid>-<random>``) are removed at the next start once that process is gone.

A kill -9 skips every ``finally``, so a process cannot clean up after itself; the next
run does it instead. A folder whose name has no pid is removed once it is older than
``max_age`` (older releases named them without one).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from aggregator.logs import log

logger = logging.getLogger(__name__)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owned_folder(prefix: str, parent: str | None = None) -> str:
    """A new temporary folder named after this process, for :func:`remove_orphans`."""
    return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent)


def remove_orphans(prefix: str, parents: Iterable[str], *, max_age: float = 3600.0) -> int:
    """Remove the ``prefix`` folders in ``parents`` whose owner is dead; the count."""
    removed = 0
    for parent in dict.fromkeys(parents):
        try:
            candidates = list(Path(parent).glob(prefix + "*"))
        except OSError:
            continue
        for path in candidates:
            pid = path.name[len(prefix) :].partition("-")[0]
            try:
                if pid.isdigit():
                    if pid_alive(int(pid)) or not path.is_dir():
                        continue
                elif time.time() - path.stat().st_mtime < max_age:
                    continue
            except OSError:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
            log(logger, logging.INFO, "orphan_removed", path=str(path))
    return removed
