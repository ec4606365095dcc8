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
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

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
from aggregator.digest.compose import Composer, remove_orphaned_spools
from aggregator.digest.planning import Summary, due_subscribers, load_jobs, plan_digests
from aggregator.logs import log
from aggregator.mail import (
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    UncertainDelivery,
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
MAX_CONSECUTIVE_FAILURES = 10  # connection-level failures in a row stop the run
# A digest that only ever failed while no message at all went through (an outage) is
# given up after this long since it was planned.
OUTAGE_GIVE_UP = timedelta(days=3)


class Outcome(NamedTuple):
    field: str  # sent, temporary (decided later), unknown, failed
    values: dict[str, Any]  # new column values
    bounced: bool = False
    transport_failure: bool = False  # the server could not be talked to: counts to stop


def _outcome(
    settings: Settings,
    journal: Journal,
    digest_id: int,
    msg: PreparedMessage,
    transport: Transport,
    *,
    now: datetime,
) -> Outcome:
    """Send one message (in a sending thread), journaling the moment it may be delivered
    (over SMTP: just before DATA, so a sender killed earlier sends it again) and the
    server's answer."""
    handover = partial(journal.write, digest_id)
    try:
        if isinstance(transport, SmtpTransport):
            transport.send(msg, before_data=handover)
        else:
            handover()
            transport.send(msg)
    except UncertainDelivery as exc:  # maybe delivered: never sent again automatically
        return Outcome("unknown", {"status": "unknown", "last_error": str(exc)[:2000]},
                       transport_failure=True)  # fmt: skip
    except TemporaryFailure as exc:
        journal.refused(digest_id)
        return Outcome("temporary", {"last_error": str(exc)[:2000]},
                       transport_failure=exc.connection)  # fmt: skip
    except PermanentFailure as exc:
        journal.refused(digest_id)
        values: dict[str, Any] = {"status": "failed", "last_error": str(exc)[:2000]}
        # a bounce is the server answering about one address, not a transport failure
        return Outcome("failed", values, bounced=exc.bounce, transport_failure=not exc.bounce)
    journal.delivered(digest_id)
    values = {"status": "sent", "message_id": str(msg["Message-ID"]), "sent_at": now,
              "last_error": None}  # fmt: skip
    return Outcome("sent", values)


def _retry(
    settings: Settings,
    error: str,
    attempts: int,
    planned: datetime,
    now: datetime,
    *,
    counted: bool,
) -> tuple[dict[str, Any], str]:
    """Column values and summary field of a temporary failure. ``counted``: another
    message went through meanwhile, so this one's failure is its own and uses up an
    attempt; otherwise it happened during an outage and costs no attempt."""
    if (attempts >= settings.digest_max_attempts) if counted else (now - planned > OUTAGE_GIVE_UP):
        return {"status": "failed", "last_error": error}, "failed"
    wait = backoff(max(attempts, 1))
    return {"status": "pending", "next_attempt_at": now + wait, "last_error": error,
            "claimed_by": None}, "retrying"  # fmt: skip


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
    journal.start()  # before any claim: a missing journal then means "nothing known"
    composer: Composer | None = None  # built after the first claim: claims come first
    pool = SendPool(transport, settings.smtp_connections)
    size, failures = 10, 0
    try:
        with session_factory(engine)() as session:
            writer = RowWriter(session, worker)
            # (digest id, subscriber id, its batch, future outcome), oldest first
            inflight: deque[tuple[int, int, _Batch, Future[Outcome]]] = deque()

            # temporary failures since the last message that went through:
            # (digest id, error, attempts, planned at, batch time)
            streak: list[tuple[int, str, int, datetime, datetime]] = []

            def close_streak(counted: bool) -> None:
                for digest_id, error, attempts, planned, at in streak:
                    values, field = _retry(settings, error, attempts, planned, at,
                                           counted=counted)  # fmt: skip
                    writer.add(digest_id, values, counted)
                    setattr(summary, field, getattr(summary, field) + 1)
                streak.clear()

            def settle() -> None:
                """Record the oldest outcome (in send order, so stop counts stay exact)."""
                nonlocal failures
                digest_id, subscriber_id, b, future = inflight.popleft()
                o = future.result()
                if o.field == "temporary":
                    attempts = b.attempts[digest_id] + 1
                    streak.append((digest_id, o.values["last_error"], attempts,
                                   b.planned[digest_id], b.now))  # fmt: skip
                else:
                    if o.field == "sent":
                        close_streak(counted=True)
                    writer.add(digest_id, o.values, o.field != "render")
                    field = "failed" if o.field == "render" else o.field
                    setattr(summary, field, getattr(summary, field) + 1)
                if o.bounced:
                    writer.bounced.append(subscriber_id)
                    summary.bounced += 1
                failures = failures + 1 if o.transport_failure else 0
                if progress:
                    progress(o.values.get("status", "pending"))
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
                rows = session.execute(
                    select(Digest.id, Digest.attempts, Digest.created_at)
                    .where(Digest.id.in_(ids))
                ).all()  # fmt: skip
                return _Batch(ids, now_, {j.digest_id: j.subscriber_id for j in jobs},
                              {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows},
                              set(inactive), composer.compose(jobs))  # fmt: skip

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
                        failed = Outcome("render", {"status": "failed", "last_error": error})
                        inflight.append((digest_id, sub, b, finished(failed)))
                        continue
                    send = partial(_outcome, settings, journal, digest_id, msg, now=b.now)
                    inflight.append((digest_id, sub, b, pool.submit(send)))
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
            close_streak(counted=False)  # nothing went through since: an outage
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
    planned: dict[int, datetime]  # when each row was planned (created)
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
        remove_orphaned_spools()
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
