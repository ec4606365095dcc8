"""Batch folders of killed crawls are removed only when their process is gone (a
concurrent crawl's are left alone)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from aggregator.crawl.recovery import OWNER_FILE, make_batch_dir, process_alive, sweep_batch_dirs


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sweep_removes_only_folders_of_gone_processes(tmp_path: Path) -> None:
    mine = make_batch_dir(str(tmp_path))
    dead = make_batch_dir(str(tmp_path))
    (dead / OWNER_FILE).write_text(f"{dead_pid()} 1\n")
    reused = make_batch_dir(str(tmp_path))  # a live pid, but another process's start time
    (reused / OWNER_FILE).write_text(f"{os.getpid()} 1\n")
    fresh_unowned = tmp_path / "aisj-crawl-new"
    fresh_unowned.mkdir()
    old_unowned = tmp_path / "aisj-crawl-old"
    old_unowned.mkdir()
    long_ago = time.time() - 2 * 86400
    os.utime(old_unowned, (long_ago, long_ago))
    other = tmp_path / "someone-else"
    other.mkdir()

    assert sweep_batch_dirs(str(tmp_path)) == 3
    assert mine.is_dir() and fresh_unowned.is_dir() and other.is_dir()
    assert not dead.exists() and not reused.exists() and not old_unowned.exists()


def test_process_alive() -> None:
    assert process_alive(os.getpid())
    assert not process_alive(dead_pid())
