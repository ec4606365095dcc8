"""Recording one source's crawl: ingest its items, the CrawlRun row and source health.

Success and partial runs are ingested; only a COMPLETE successful run is ingested
with ``complete=True`` (postings the source no longer lists are closed). A failed
or timed-out run stores nothing and closes nothing. A 304 (feed not modified) is a
success that changes nothing. A complete run that answers an empty list where the source
listed postings before is ``suspect`` and closes nothing, until enough empty runs in a row,
far enough apart, say the board really is empty (:func:`empty_answer_closes`).

The run row, the postings and the source's health are ONE transaction: a process
killed while recording leaves none of them. Runs left ``running`` by older versions
(or by a crash between two statements of a version that committed them separately)
are marked failed by :func:`recover_interrupted_runs` when the next crawl starts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.db.engine import is_locked
from aggregator.db.models import CrawlRun, PostingSource, Source
from aggregator.items import RawPosting
from aggregator.logs import log
from aggregator.settings import Settings

logger = logging.getLogger(__name__)


INTERRUPTED = "interrupted: the crawl process ended before this run was recorded"


def start_run(session: Session, source: Source, now: datetime | None = None) -> CrawlRun:
    """A ``running`` run of ``source``, not committed: :func:`record_result` commits it
    together with what the run stored."""
    run = CrawlRun(source=source, started_at=now or clock.now(), status="running")
    session.add(run)
    return run


def recover_interrupted_runs(session: Session, older_than: timedelta) -> int:
    """Mark runs still ``running`` after ``older_than`` as failed; how many. The caller
    commits. No live run is that old: a run is committed only once it is recorded."""
    now = clock.now()
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.status == "running", CrawlRun.started_at < now - older_than)
        .values(status="failed", finished_at=now, error_message=INTERRUPTED)
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log(logger, logging.WARNING, "crawl_runs_recovered", runs=count)
    return count


def _items(result: dict[str, Any], errors: list[str]) -> tuple[list[RawPosting], list[Any]]:
    """The items and, aligned with them, what the subprocess normalized (or None)."""
    items: list[RawPosting] = []
    normalized: list[Any] = []
    pre = result.get("normalized")
    pre = pre if isinstance(pre, list) else []
    for index, data in enumerate(result.get("items") or []):
        try:
            items.append(RawPosting.from_dict(data))
        except (TypeError, ValueError, AttributeError) as exc:
            errors.append(f"malformed item from the crawl subprocess: {exc}")
            log(logger, logging.WARNING, "item_dropped", reason=errors[-1])
            continue
        normalized.append(pre[index] if index < len(pre) else None)
    return items, normalized


def empty_answer_closes(
    session: Session, source: Source, run: CrawlRun, now: datetime, settings: Settings
) -> bool:
    """Whether a complete but empty answer from a source that listed postings may close
    them: only as the ``empty_runs_to_close``-th empty run in a row (failed runs say
    nothing and are skipped), the first of them ``empty_run_gap_hours`` ago or more."""
    earlier = settings.empty_runs_to_close - 1
    if earlier <= 0:
        return True
    runs = session.scalars(
        select(CrawlRun)
        .where(
            CrawlRun.source_id == source.id,
            CrawlRun.id != run.id,
            CrawlRun.status.in_(("success", "partial", "suspect")),
        )
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(earlier)
    ).all()
    if len(runs) < earlier or any(r.status != "suspect" for r in runs):
        return False
    return now - runs[-1].started_at >= timedelta(hours=settings.empty_run_gap_hours)


def record_result(
    session: Session,
    source: Source,
    run: CrawlRun,
    result: dict[str, Any],
    seconds: float,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Ingest and record ``result`` (a worker result dict); commit; return the counts."""
    from aggregator.store.ingest import ingest_items

    settings = settings or Settings()
    now = clock.now()
    status = str(result.get("status") or "failed")
    message = result.get("message")
    complete = bool(result.get("complete")) and status == "success"
    counts = {"items": 0, "new": 0, "updated": 0, "closed": 0, "errors": 0}
    counts["errors"] = int(result.get("record_errors") or 0)
    if status in ("success", "partial") and not result.get("not_modified"):
        errors: list[str] = []
        items, normalized = _items(result, errors)
        listed = source.last_item_count or 0
        if (
            complete
            and not items
            and listed
            and not empty_answer_closes(session, source, run, now, settings)
        ):  # an empty 200 from a board that listed postings: close nothing yet
            status, complete = "suspect", False
            message = (
                f"empty answer from a source that listed {listed} posting(s): nothing closed "
                f"until {settings.empty_runs_to_close} empty runs at least "
                f"{settings.empty_run_gap_hours:g} h apart"
            )
        try:
            # A SAVEPOINT: a failed ingest is undone and the failed run still recorded.
            with session.begin_nested():
                ingested = ingest_items(
                    session, source, items, complete=complete, now=now, normalized=normalized
                )
        except Exception as exc:  # storage failed: nothing of this run is kept
            if is_locked(exc):
                raise  # the caller retries the whole transaction
            status, message, complete = (
                "failed",
                f"ingest failed: {type(exc).__name__}: {exc}",
                False,
            )
            log(logger, logging.ERROR, "ingest_failed", source=source.key, error=exc)
        else:
            counts.update(
                items=ingested.items,
                new=ingested.new,
                updated=ingested.updated,
                closed=ingested.closed,
            )
            counts["errors"] += ingested.errors + len(errors)
            if ingested.errors and status == "success":
                message = "; ".join(ingested.error_messages[:3])
    run.finished_at = now
    run.status = status
    run.complete = complete
    run.items, run.new, run.updated = counts["items"], counts["new"], counts["updated"]
    run.closed, run.errors = counts["closed"], counts["errors"]
    run.error_message = message
    source.last_run_at = now
    source.total_runs = (source.total_runs or 0) + 1
    if status == "suspect":
        source.last_error = message  # shown by 'sources list'; the listing count is kept
    elif status in ("success", "partial"):
        source.last_success_at = now
        source.consecutive_failures = 0
        source.last_error = message if status == "partial" else None
        if not result.get("not_modified"):
            source.last_item_count = counts["items"]
        elif status == "success":  # unchanged: the source still lists what it listed
            session.execute(
                update(PostingSource)
                .where(PostingSource.source_id == source.id, PostingSource.removed_at.is_(None))
                .values(last_seen_at=now)
            )
        if isinstance(result.get("state"), dict):
            source.state = dict(result["state"])
    else:
        source.consecutive_failures = (source.consecutive_failures or 0) + 1
        source.last_error = message or status
    session.commit()
    log(
        logger,
        logging.INFO,
        "crawl_recorded",
        source=source.key,
        status=status,
        seconds=round(seconds, 2),
        **counts,
    )
    return {"status": status, "message": message, "complete": complete, **counts}
