"""The long-running scheduler: crawl jobs per source and a digest tick (APScheduler 3.x).

Jobs are defined in code on a MemoryJobStore in explicit UTC; real state (last crawl,
digests sent) lives in our own tables, so catching up after downtime is a query.
Every job: ``coalesce=True, max_instances=1`` and a misfire grace about its interval,
so downtime catches up once, without bursts.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from aggregator.db.models import utcnow
from aggregator.logs import log
from aggregator.settings import Settings

logger = logging.getLogger(__name__)
UTC = ZoneInfo("UTC")
DIGEST_TICK_MINUTES = 15
#: programs: pages read and cycles detected, then "now open"/reminder emails planned and
#: sent, and the new-posting emails of followed organizations, mentors and teams; twice a
#: day so a reminder is never more than half a day late
PROGRAMS_TICK_HOURS = 12


def crawl_job(settings: Settings, key: str) -> None:
    from aggregator.crawl.runner import crawl_sources  # lazy: heavy, and owned elsewhere

    results = crawl_sources(settings, keys=[key])
    log(logger, logging.INFO, "crawl_job_done", source=key, results=len(results))


def digest_tick(settings: Settings, engine: Engine) -> None:
    from aggregator.digest.send import send_digests

    summary = send_digests(settings, engine)
    log(logger, logging.INFO, "digest_tick", sent=summary.sent, skipped=summary.skipped,
        failed=summary.failed, retrying=summary.retrying)  # fmt: skip


def programs_tick(settings: Settings, engine: Engine) -> None:
    from aggregator.db import session_factory
    from aggregator.programs import follows, posting_follows
    from aggregator.programs.check import check_programs

    with session_factory(engine)() as session:
        check = check_programs(settings, session)
        report = follows.send_notices(settings, session)
        openings = posting_follows.send_notices(settings, session)
    log(logger, logging.INFO, "programs_tick", new_cycles=len(check.new_cycles),
        sent=report.sent, failed=report.failed, new_posting_notices=openings.sent)  # fmt: skip


def source_intervals(settings: Settings) -> dict[str, float]:
    """Enabled source key → crawl interval in hours (registry ``interval_hours``)."""
    from aggregator.crawl.registry import load_registry, registry_path

    return {
        s.key: s.interval_hours or settings.crawl_interval_hours
        for s in load_registry(registry_path(settings))
        if s.enabled
    }


def _on_event(event: Any) -> None:
    kind = {EVENT_JOB_ERROR: "job_error", EVENT_JOB_MISSED: "job_missed"}.get(
        event.code, "job_max_instances"
    )
    log(logger, logging.ERROR if kind == "job_error" else logging.WARNING, kind,
        job=event.job_id, error=getattr(event, "exception", None))  # fmt: skip


def build_scheduler(
    settings: Settings, engine: Engine, intervals: dict[str, float] | None = None
) -> BackgroundScheduler:
    """A configured, not yet started scheduler with every job."""
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_listener(_on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    now = utcnow()
    for key, hours in sorted(
        (intervals if intervals is not None else source_intervals(settings)).items()
    ):
        seconds = int(hours * 3600)
        scheduler.add_job(
            crawl_job, "interval", args=[settings, key], id=f"crawl:{key}", name=f"crawl {key}",
            seconds=seconds, jitter=min(300, seconds // 10), timezone=UTC,
            # spread the first runs so a restart does not crawl every source at once
            next_run_time=now + timedelta(seconds=random.uniform(5, min(600, seconds))),
            misfire_grace_time=seconds, coalesce=True, max_instances=1, replace_existing=True,
        )  # fmt: skip
    scheduler.add_job(
        digest_tick, "interval", args=[settings, engine], id="digest", name="digest tick",
        minutes=DIGEST_TICK_MINUTES, timezone=UTC, next_run_time=now + timedelta(seconds=10),
        misfire_grace_time=DIGEST_TICK_MINUTES * 60, coalesce=True, max_instances=1,
        replace_existing=True,
    )  # fmt: skip
    scheduler.add_job(
        programs_tick, "interval", args=[settings, engine], id="programs", name="programs tick",
        hours=PROGRAMS_TICK_HOURS, timezone=UTC, next_run_time=now + timedelta(seconds=60),
        misfire_grace_time=PROGRAMS_TICK_HOURS * 3600, coalesce=True, max_instances=1,
        replace_existing=True,
    )  # fmt: skip
    return scheduler
