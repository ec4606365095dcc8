from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from aggregator.locks import LeaderLock, LockHeld
from aggregator.scheduler import DIGEST_TICK_MINUTES, build_scheduler
from aggregator.settings import Settings

MAIN = "from aggregator.cli.main import main; main()"


def test_jobs_configured(settings: Settings, engine: Engine) -> None:
    scheduler = build_scheduler(settings, engine, intervals={"alpha": 6.0, "beta": 12.0})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"crawl:alpha", "crawl:beta", "digest", "programs"}
    assert jobs["programs"].trigger.interval == timedelta(hours=12)
    alpha = jobs["crawl:alpha"]
    assert alpha.trigger.interval == timedelta(hours=6)
    assert alpha.trigger.jitter and alpha.trigger.timezone.key == "UTC"
    assert (alpha.coalesce, alpha.max_instances, alpha.misfire_grace_time) == (True, 1, 6 * 3600)
    digest = jobs["digest"]
    assert digest.trigger.interval == timedelta(minutes=DIGEST_TICK_MINUTES)
    assert digest.misfire_grace_time == DIGEST_TICK_MINUTES * 60 and digest.coalesce
    assert str(scheduler.timezone) == "UTC"


def test_second_lock_refused(settings: Settings, engine: Engine) -> None:
    with LeaderLock(settings, engine), pytest.raises(LockHeld, match="already running"):
        LeaderLock(settings, engine).acquire()
    with LeaderLock(settings, engine):  # released: can be taken again
        pass


def test_second_run_exits_with_clear_error(settings: Settings, engine: Engine) -> None:
    env = dict(
        os.environ,
        AISAFETY_JOBS_DATA_DIR=settings.data_dir,
        AISAFETY_JOBS_DATABASE_URL=settings.database_url,
        AISAFETY_JOBS_SECRET_KEY="k",
    )
    with LeaderLock(settings, engine):
        proc = subprocess.run(
            [sys.executable, "-c", MAIN, "run", "--no-web"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 1
    assert "another scheduler is already running" in proc.stderr
