"""What killed crawls leave: batch folders and runs left ``running``, cleared only when
their process is gone (a concurrent crawl's are left alone)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.crawl.recovery import (
    OWNER_FILE,
    abort_stale_runs,
    make_batch_dir,
    process_alive,
    sweep_batch_dirs,
)
from aggregator.db.models import CrawlRun, Source


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


def test_stale_runs_are_aborted_and_live_ones_kept(session: Session) -> None:
    source = Source(key="s", platform="ashby", state={})
    session.add(source)
    host = socket.gethostname()
    now = datetime.now(UTC)
    runs = {
        "dead here": CrawlRun(source=source, status="running", host=host, pid=dead_pid()),
        "alive here": CrawlRun(source=source, status="running", host=host, pid=os.getpid()),
        "other host, recent": CrawlRun(source=source, status="running", host="elsewhere", pid=1),
        "other host, old": CrawlRun(
            source=source,
            status="running",
            host="elsewhere",
            pid=1,
            started_at=now - timedelta(hours=2),
        ),
        "no owner, old": CrawlRun(
            source=source, status="running", started_at=now - timedelta(hours=2)
        ),
        "finished": CrawlRun(source=source, status="success"),
    }
    session.add_all(runs.values())
    session.commit()

    assert abort_stale_runs(session, max_age_seconds=900) == 3
    session.expire_all()
    status = {name: run.status for name, run in runs.items()}
    assert status == {
        "dead here": "aborted",
        "alive here": "running",
        "other host, recent": "running",
        "other host, old": "aborted",
        "no owner, old": "aborted",
        "finished": "success",
    }
    dead = session.scalars(select(CrawlRun).where(CrawlRun.pid == runs["dead here"].pid)).one()
    assert dead.finished_at is not None and "ended without finishing" in (dead.error_message or "")
