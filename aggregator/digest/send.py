"""Exactly-once digest delivery through the ``digests`` table.

1. Plan: one row per (subscriber, period) — ``pending`` with the posting ids to send, or
   ``skipped`` when nothing matched — inserted with ON CONFLICT DO NOTHING.
2. Claim: one compare-and-set UPDATE ``pending → sending`` … RETURNING per batch; on
   PostgreSQL the batch is picked with ``FOR UPDATE SKIP LOCKED`` so several senders
   can run at once.
3. Compose (in worker processes for big batches), journal the id, send, then mark
   ``sent`` with the Message-ID (row updates are written in batches). Temporary
   failures go back to ``pending`` with a backoff (``next_attempt_at``) until
   ``digest_max_attempts``.
A row left in ``sending`` by a dead sender becomes ``unknown`` (at most once) — except
when its journal shows it was never tried (back to ``pending``), and with the outbox,
where the presence of the .eml file tells whether it was written.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.engine import session_factory
from aggregator.db.models import Digest, utcnow
from aggregator.digest.claims import (
    STALE_CLAIM,
    Journal,
    RowWriter,
    backoff,
    claim,
    recover_stale,
    worker_id,
)
from aggregator.digest.compose import Composer
from aggregator.digest.planning import Summary, due_subscribers, load_jobs, plan_digests
from aggregator.logs import log
from aggregator.mail import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_url,
)
from aggregator.mail.message import PreparedMessage
from aggregator.mail.pool import SendPool, finished
from aggregator.settings import Settings
from aggregator.subscriptions import purge_expired_pending

__all__ = [
    "STALE_CLAIM", "Journal", "Summary", "backoff", "claim", "due_subscribers",
    "plan_digests", "recover_stale", "send_claimed", "send_digests", "worker_id",
]  # fmt: skip
logger = logging.getLogger(__name__)
MAX_CONSECUTIVE_FAILURES = 10


Outcome = tuple[dict[str, Any], str, bool]  # new column values, summary field, bounced


def _outcome(
    settings: Settings,
    msg: PreparedMessage,
    attempts: int,
    transport: Transport,
    *,
    now: datetime,
) -> Outcome:
    """Send one message: (new column values, summary field, bounced)."""
    try:
        transport.send(msg)
    except TemporaryFailure as exc:
        error = str(exc)[:2000]
        if attempts >= settings.digest_max_attempts:
            return {"status": "failed", "last_error": error}, "failed", False
        values = {"status": "pending", "next_attempt_at": now + backoff(attempts),
                  "last_error": error, "claimed_by": None}  # fmt: skip
        return values, "retrying", False
    except PermanentFailure as exc:
        return {"status": "failed", "last_error": str(exc)[:2000]}, "failed", exc.bounce
    values = {"status": "sent", "message_id": str(msg["Message-ID"]), "sent_at": now,
              "last_error": None}  # fmt: skip
    return values, "sent", False


def send_claimed(
    engine: Engine,
    settings: Settings,
    transport: Transport,
    *,
    now: datetime | None = None,
    worker: str | None = None,
    progress: Callable[[str], None] | None = None,
    max_consecutive_failures: int = MAX_CONSECUTIVE_FAILURES,
) -> Summary:
    """Claim and send pending digests until none is left (or too many fail in a row).

    Claims grow from 10 to 500 rows (small first claims share work among concurrent
    senders); composing runs in worker processes for big batches; each message is
    journaled before it is handed to the transport, and row updates are written in
    batches."""
    worker = worker or worker_id()
    summary = Summary()
    journal = Journal(settings, worker)
    composer: Composer | None = None  # built after the first claim: claims come first
    pool = SendPool(transport, settings.smtp_connections)
    size, failures = 10, 0
    try:
        with session_factory(engine)() as session:
            writer = RowWriter(session, worker)
            # (digest id, subscriber id, attempted, future outcome), oldest first
            inflight: deque[tuple[int, int, bool, Future[Outcome]]] = deque()

            def settle() -> None:
                """Record the oldest outcome (in send order, so stop counts stay exact)."""
                nonlocal failures
                digest_id, subscriber_id, attempted, future = inflight.popleft()
                values, field, bounced = future.result()
                writer.add(digest_id, values, attempted)
                if bounced:
                    writer.bounced.append(subscriber_id)
                    summary.bounced += 1
                setattr(summary, field, getattr(summary, field) + 1)
                failures = failures + 1 if field != "sent" else 0
                if progress:
                    progress(writer.rows[-1]["b_status"])
                if failures >= max_consecutive_failures and not summary.stopped:
                    summary.stopped = True
                    log(logger, logging.ERROR, "digest_send_stopped", failures=failures)
                if writer.due():
                    writer.flush()

            def prepare() -> _Batch | None:
                """Claim the next batch and hand it to the composer."""
                nonlocal size, composer
                now_ = now or utcnow()
                ids = claim(session, worker, now_, size)
                if not ids:
                    return None
                size = min(size * 2, 500)
                composer = composer or Composer(settings, engine, now or utcnow())
                jobs, inactive = load_jobs(session, composer, ids)
                for digest_id, status in inactive.items():
                    skip = {"status": "skipped", "last_error": f"subscriber is {status}"}
                    writer.add(digest_id, skip, False)
                    summary.skipped += 1
                rows = session.execute(select(Digest.id, Digest.attempts).where(Digest.id.in_(ids)))
                attempts = {row[0]: row[1] for row in rows}
                return _Batch(ids, now_, {j.digest_id: j.subscriber_id for j in jobs},
                              attempts, set(inactive), composer.compose(jobs))  # fmt: skip

            def send_batch(b: _Batch) -> None:
                for digest_id, msg, error in b.outcomes:
                    # after a failure, one message at a time until one goes through
                    while len(inflight) >= (pool.size if failures == 0 else 1):
                        settle()
                    if summary.stopped:
                        break
                    b.done.add(digest_id)
                    sub = b.subscriber_of[digest_id]
                    if msg is None:
                        log(logger, logging.ERROR, "digest_render_failed", digest=digest_id,
                            error=error)  # fmt: skip
                        failed: Outcome = ({"status": "failed", "last_error": error}, "failed",
                                           False)  # fmt: skip
                        inflight.append((digest_id, sub, False, finished(failed)))
                        continue
                    journal.write(digest_id)  # before the transport sees it
                    send = partial(_outcome, settings, msg, b.attempts[digest_id] + 1, now=b.now)
                    inflight.append((digest_id, sub, True, pool.submit(send)))
                while inflight:
                    settle()

            # Two batches at a time: the workers compose the next while this one is sent.
            batches: deque[_Batch] = deque()
            drained = False
            while not summary.stopped:
                while len(batches) < 2 and not drained:
                    prepared = prepare()
                    drained = prepared is None
                    if prepared is not None:
                        batches.append(prepared)
                if not batches:
                    break
                send_batch(batches[0])
                if not summary.stopped:
                    batches.popleft()
                writer.flush()
            for b in batches:  # stopped: the rows not tried go back to the queue
                for digest_id in set(b.ids) - b.done:
                    writer.add(digest_id, {"status": "pending", "claimed_by": None}, False)
            writer.flush()
    finally:
        pool.close()
        if composer is not None:
            composer.close()
    journal.remove()
    return summary


@dataclass
class _Batch:
    """A claimed batch: its rows and the stream of its composed messages."""

    ids: list[int]
    now: datetime
    subscriber_of: dict[int, int]
    attempts: dict[int, int]
    done: set[int]  # rows recorded already (inactive subscribers, sent or failed)
    outcomes: Iterator[tuple[int, PreparedMessage | None, str | None]]


def pending_count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).where(Digest.status == "pending")) or 0)


def send_digests(
    settings: Settings,
    engine: Engine,
    *,
    now: datetime | None = None,
    period: str | None = None,
    transport: Transport | None = None,
    progress: Callable[[str], None] | None = None,
    on_planned: Callable[[int], None] | None = None,
) -> Summary:
    """The whole run: purge expired sign-ups, recover dead claims, plan, send."""
    own = transport is None
    transport = transport or transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        with session_factory(engine)() as session:
            purge_expired_pending(session, settings, now)
            recovered = recover_stale(session, settings, transport, now or utcnow())
            planned = plan_digests(session, settings, now=now, period=period)
            if on_planned:
                on_planned(pending_count(session))
        result = send_claimed(engine, settings, transport, now=now, progress=progress)
    finally:
        if own:
            transport.close()
    result.recovered = recovered
    result.skipped += planned.skipped
    result.planned = planned.planned
    return result
