"""Exactly-once digest delivery through the ``digests`` table.

1. Plan: one row per (subscriber, period) — ``pending`` with the posting ids to send, or
   ``skipped`` when nothing matched — inserted with ON CONFLICT DO NOTHING.
2. Claim: compare-and-set ``pending → sending`` (rowcount 1); on PostgreSQL a batch is
   claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` so several senders can run at once.
3. Send, then mark ``sent`` with the Message-ID. Temporary failures go back to
   ``pending`` with a backoff (``next_attempt_at``) until ``digest_max_attempts``.
A row left in ``sending`` by a dead sender becomes ``unknown`` (at most once) — except
with the outbox, where the presence of the .eml file tells whether it was written.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from aggregator.db.engine import session_factory
from aggregator.db.models import Digest, Subscriber, utcnow
from aggregator.digest.build import (
    compose_recorded,
    load_changes,
    load_history,
    message_id,
    plan,
    window_start,
)
from aggregator.digest.periods import frequency_of, is_due
from aggregator.digest.render import Renderer
from aggregator.logs import log
from aggregator.mail import (
    OutboxTransport,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_url,
)
from aggregator.matching import PostingIndex
from aggregator.settings import Settings
from aggregator.subscriptions import ProfileInput, purge_expired_pending

logger = logging.getLogger(__name__)
MAX_CONSECUTIVE_FAILURES = 10
STALE_CLAIM = timedelta(hours=1)


@dataclass
class Summary:
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    bounced: int = 0
    recovered: int = 0
    unknown: int = 0
    stopped: bool = False


def worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def due_subscribers(
    session: Session, settings: Settings, now: datetime, period: str | None
) -> list[tuple[Subscriber, str]]:
    """Active subscribers whose period is due (or ``period`` given) and not yet planned."""
    stmt = select(Subscriber).where(Subscriber.status == "active")
    if period is not None:
        stmt = stmt.where(Subscriber.frequency == frequency_of(period))
    due: list[tuple[Subscriber, str]] = []
    for sub in session.scalars(stmt.options(selectinload(Subscriber.profile))):
        p = period or is_due(settings, sub.frequency, sub.timezone, now)
        if p is not None:
            due.append((sub, p))
    periods = {p for _, p in due}
    stmt_done = select(Digest.subscriber_id, Digest.period).where(Digest.period.in_(periods))
    done = {(sid, p) for sid, p in session.execute(stmt_done)}
    return [(s, p) for s, p in due if (s.id, p) not in done]


def plan_digests(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    period: str | None = None,
    record: bool = True,
) -> Summary:
    """Create the rows of every due digest: pending (something to send) or skipped."""
    now = now or utcnow()
    due = due_subscribers(session, settings, now, period)
    summary = Summary()
    if not due:
        return summary
    histories = load_history(session, [s.id for s, _ in due])
    starts = {s.id: window_start(histories[s.id], now) for s, _ in due}
    earliest = min(starts.values())
    index = PostingIndex.load(session, since=earliest, now=now)
    changes = load_changes(session, earliest)
    rows = []
    for sub, p in due:
        history = histories[sub.id]
        result = plan(
            index, ProfileInput.of(sub.profile), starts[sub.id], history, changes,
            settings.digest_max_items,
        )  # fmt: skip
        status = "skipped" if result.empty else "pending"
        summary.planned += status == "pending"
        summary.skipped += status == "skipped"
        rows.append(
            {"subscriber_id": sub.id, "period": p, "status": status,
             "posting_ids": result.posting_ids, "created_at": now, "attempts": 0}
        )  # fmt: skip
    if record:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        for start in range(0, len(rows), 1000):
            stmt = insert(Digest).values(rows[start : start + 1000])
            session.execute(stmt.on_conflict_do_nothing(index_elements=["subscriber_id", "period"]))
        session.commit()
    log(logger, logging.INFO, "digests_planned", pending=summary.planned, skipped=summary.skipped)
    return summary


def _dead(claimed_by: str | None) -> bool:
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_stale(session: Session, settings: Settings, transport: Transport, now: datetime) -> int:
    """Rows a dead sender left in ``sending``: sent (outbox file exists), pending (outbox
    without file) or unknown (SMTP: never resent)."""
    count = 0
    rows = session.scalars(select(Digest).where(Digest.status == "sending")).all()
    for d in rows:
        claimed = d.claimed_at or d.created_at
        if not (_dead(d.claimed_by) or claimed < now - STALE_CLAIM):
            continue
        mid = message_id(settings, d.subscriber_id, d.period)
        new = "unknown"
        if isinstance(transport, OutboxTransport):
            new = "sent" if transport.path_for(mid).exists() else "pending"
        result = session.execute(
            update(Digest)
            .where(Digest.id == d.id, Digest.status == "sending", Digest.claimed_by == d.claimed_by)
            .values(status=new, message_id=mid if new == "sent" else None,
                    sent_at=now if new == "sent" else None,
                    last_error="sender died while sending")
        )  # fmt: skip
        count += result.rowcount or 0  # type: ignore[attr-defined]
        log(logger, logging.WARNING, "digest_recovered", digest=d.id, status=new)
    session.commit()
    return count


def claim(session: Session, worker: str, now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due pending rows for ``worker``."""
    ready = (Digest.status == "pending") & (
        Digest.next_attempt_at.is_(None) | (Digest.next_attempt_at <= now)
    )
    stmt = select(Digest.id).where(ready).order_by(Digest.id).limit(limit)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(session.scalars(stmt))
    claimed = []
    for digest_id in ids:  # compare-and-set; under SKIP LOCKED it cannot lose
        result = session.execute(
            update(Digest)
            .where(Digest.id == digest_id, Digest.status == "pending")
            .values(status="sending", claimed_by=worker, claimed_at=now)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(digest_id)
    session.commit()
    return claimed


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _deliver(
    session: Session, settings: Settings, d: Digest, transport: Transport,
    renderer: Renderer, now: datetime, summary: Summary,
) -> bool:  # fmt: skip
    """Send one claimed digest; True when it failed (for the consecutive-failure stop)."""
    sub = d.subscriber
    if sub.status != "active":
        d.status, d.last_error = "skipped", f"subscriber is {sub.status}"
        summary.skipped += 1
        return False
    try:
        msg = compose_recorded(session, settings, d, renderer, now)
    except Exception as exc:  # a rendering bug must not stop the batch
        log(logger, logging.ERROR, "digest_render_failed", digest=d.id, error=exc)
        d.status, d.last_error = "failed", f"render: {type(exc).__name__}: {exc}"[:2000]
        summary.failed += 1
        return True
    d.attempts += 1
    try:
        transport.send(msg)
    except TemporaryFailure as exc:
        d.last_error = str(exc)[:2000]
        if d.attempts >= settings.digest_max_attempts:
            d.status = "failed"
            summary.failed += 1
        else:
            d.status, d.next_attempt_at = "pending", now + backoff(d.attempts)
            summary.retrying += 1
        return True
    except PermanentFailure as exc:
        d.status, d.last_error = "failed", str(exc)[:2000]
        summary.failed += 1
        if exc.bounce:
            sub.status, sub.bounce_count = "bounced", sub.bounce_count + 1
            summary.bounced += 1
        return True
    d.status, d.message_id, d.sent_at, d.last_error = "sent", str(msg["Message-ID"]), now, None
    summary.sent += 1
    return False


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
    """Claim and send pending digests until none is left (or too many fail in a row)."""
    worker = worker or worker_id()
    summary = Summary()
    renderer = Renderer(settings)
    batch = 10 if engine.dialect.name == "postgresql" else 1
    failures = 0
    with session_factory(engine)() as session:
        while True:
            now_ = now or utcnow()
            ids = claim(session, worker, now_, batch)
            if not ids:
                break
            for pos, digest_id in enumerate(ids):
                d = session.get(Digest, digest_id)
                assert d is not None
                failed = _deliver(session, settings, d, transport, renderer, now_, summary)
                session.commit()
                failures = failures + 1 if failed else 0
                if progress:
                    progress(d.status)
                if failures >= max_consecutive_failures:
                    summary.stopped = True
                    session.execute(
                        update(Digest)
                        .where(Digest.id.in_(ids[pos + 1 :]), Digest.status == "sending")
                        .values(status="pending", claimed_by=None, claimed_at=None)
                    )
                    session.commit()
                    log(logger, logging.ERROR, "digest_send_stopped", failures=failures)
                    return summary
    return summary


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
