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
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.engine import session_factory
from aggregator.db.models import Digest, Subscriber, SubscriberProfile, utcnow
from aggregator.digest.build import (
    History,
    load_changes,
    load_history,
    message_id,
    update_notes,
    window_start,
)
from aggregator.digest.compose import Composer, Job
from aggregator.digest.periods import frequency_of, is_due
from aggregator.logs import log
from aggregator.mail import (
    OutboxTransport,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_url,
)
from aggregator.mail.message import PreparedMessage
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


_PROFILE_FIELDS = [f.name for f in fields(ProfileInput)]
_PROFILE = [getattr(SubscriberProfile, name) for name in _PROFILE_FIELDS]


def _profile(values: Iterable[Any]) -> ProfileInput:
    given = {n: v for n, v in zip(_PROFILE_FIELDS, values, strict=True) if v is not None}
    return ProfileInput(**given)


def worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def due_subscribers(
    session: Session, settings: Settings, now: datetime, period: str | None
) -> list[tuple[int, str, ProfileInput]]:
    """(subscriber id, period, profile) of active subscribers whose period is due (or
    ``period`` given) and not yet planned; one query, no ORM objects."""
    stmt = (
        select(Subscriber.id, Subscriber.frequency, Subscriber.timezone, *_PROFILE)
        .outerjoin(SubscriberProfile, SubscriberProfile.subscriber_id == Subscriber.id)
        .where(Subscriber.status == "active")
        .order_by(Subscriber.id)
    )
    if period is not None:
        stmt = stmt.where(Subscriber.frequency == frequency_of(period))
    due: list[tuple[int, str, ProfileInput]] = []
    when: dict[tuple[str, str], str | None] = {}
    for row in session.execute(stmt):
        key = (row[1], row[2])
        if key not in when:
            when[key] = period or is_due(settings, row[1], row[2], now)
        p = when[key]
        if p is not None:
            due.append((row[0], p, _profile(row[3:])))
    periods = {p for _, p, _ in due}
    stmt_done = select(Digest.subscriber_id, Digest.period).where(Digest.period.in_(periods))
    done = {(sid, p) for sid, p in session.execute(stmt_done)}
    return [d for d in due if (d[0], d[1]) not in done]


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
    histories = load_history(session, [sid for sid, _, _ in due])
    starts = {sid: window_start(histories[sid], now) for sid, _, _ in due}
    earliest = min(starts.values())
    index = PostingIndex.load(session, since=earliest, now=now)
    changes = load_changes(session, earliest)
    rows = []
    for sid, p, profile in due:
        history = histories[sid]
        since = starts[sid]
        ids, _ = index.top_ids(profile, settings.digest_max_items, since=since,
                               exclude_ids=history.sent_ids)  # fmt: skip
        notes = update_notes(history, changes, since) if history.sent_ids else []
        empty = not ids and not notes
        status = "skipped" if empty else "pending"
        summary.planned += status == "pending"
        summary.skipped += status == "skipped"
        rows.append(
            {"subscriber_id": sid, "period": p, "status": status,
             "posting_ids": ids, "created_at": now, "attempts": 0}
        )  # fmt: skip
    if record:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        table = Digest.__table__
        assert isinstance(table, Table)
        stmt = insert(table).on_conflict_do_nothing(index_elements=["subscriber_id", "period"])
        for start in range(0, len(rows), 5000):  # one compiled statement, executemany
            session.connection().execute(stmt, rows[start : start + 5000])
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
    without file, or a local sender's journal shows it never tried) or unknown (SMTP:
    never resent)."""
    count = 0
    rows = session.scalars(select(Digest).where(Digest.status == "sending")).all()
    journals: dict[str, set[int] | None] = {}
    for d in rows:
        claimed = d.claimed_at or d.created_at
        dead = _dead(d.claimed_by)
        if not (dead or claimed < now - STALE_CLAIM):
            continue
        mid = message_id(settings, d.subscriber_id, d.period)
        new = "unknown"
        if isinstance(transport, OutboxTransport):
            new = "sent" if transport.path_for(mid).exists() else "pending"
        elif dead:
            key = d.claimed_by or ""
            if key not in journals:
                journals[key] = Journal(settings, key).attempted()
            tried = journals[key]
            if tried is not None and d.id not in tried:
                new = "pending"  # claimed in a batch but never handed to the transport
        result = session.execute(
            update(Digest)
            .where(Digest.id == d.id, Digest.status == "sending", Digest.claimed_by == d.claimed_by)
            .values(status=new, message_id=mid if new == "sent" else None,
                    sent_at=now if new == "sent" else None, claimed_by=None,
                    last_error="sender died while sending" if new != "pending" else None)
        )  # fmt: skip
        count += result.rowcount or 0  # type: ignore[attr-defined]
        log(logger, logging.WARNING, "digest_recovered", digest=d.id, status=new)
    session.commit()
    for key, tried in journals.items():
        if tried is not None:
            Journal(settings, key).remove()
    return count


class Journal:
    """A sender's append-only list of the digest ids it handed to the transport.

    Claims come in batches; if the sender dies, the journal tells recovery which
    claimed rows were never tried (safe to send again: back to pending) and which may
    have gone out (unknown, never resent). One write per message, no fsync: it guards
    against a dead process, not a dead machine (then rows stay unknown)."""

    def __init__(self, settings: Settings, worker: str):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", worker)[:150] or "worker"
        self.path = Path(settings.data_dir) / "digest-journal" / f"{name}.log"
        self._fd: int | None = None

    def write(self, digest_id: int) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self._fd, b"%d\n" % digest_id)

    def attempted(self) -> set[int] | None:
        """The ids written, or None when there is no journal (then nothing is known)."""
        try:
            text = self.path.read_text(errors="replace")
        except OSError:
            return None
        return {int(line) for line in text.split() if line.isdigit()}

    def remove(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.path.unlink(missing_ok=True)


def claim(session: Session, worker: str, now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due pending rows for ``worker``: pick candidates (on
    PostgreSQL locked with SKIP LOCKED, so concurrent senders never wait), then one
    compare-and-set UPDATE (``status = 'pending'`` in its WHERE) returning the ids it
    changed — a row another sender took in between is simply not returned."""
    ready = (Digest.status == "pending") & (
        Digest.next_attempt_at.is_(None) | (Digest.next_attempt_at <= now)
    )
    candidates = select(Digest.id).where(ready).order_by(Digest.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    for _ in range(5):  # all candidates taken by another sender in between: look again
        ids = list(session.scalars(candidates))
        if not ids:
            break
        stmt = (
            update(Digest)
            .where(Digest.id.in_(ids), Digest.status == "pending")
            .values(status="sending", claimed_by=worker, claimed_at=now)
            .returning(Digest.id)
            .execution_options(synchronize_session=False)
        )
        claimed = sorted(session.scalars(stmt))
        session.commit()
        if claimed:
            return claimed
    session.commit()
    return []


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def load_jobs(
    session: Session, composer: Composer, ids: list[int]
) -> tuple[list[Job], dict[int, str]]:
    """Jobs of claimed rows (one query, no ORM objects), and the rows whose subscriber
    is no longer active (id → status)."""
    stmt = (
        select(Digest.id, Digest.period, Digest.posting_ids, Digest.created_at,
               Subscriber.id, Subscriber.email, Subscriber.token_version,
               Subscriber.frequency, Subscriber.status, *_PROFILE)
        .join(Subscriber, Subscriber.id == Digest.subscriber_id)
        .outerjoin(SubscriberProfile, SubscriberProfile.subscriber_id == Subscriber.id)
        .where(Digest.id.in_(ids))
        .order_by(Digest.id)
    )  # fmt: skip
    rows = session.execute(stmt).all()
    inactive = {r[0]: r[8] for r in rows if r[8] != "active"}
    rows = [r for r in rows if r[8] == "active"]
    histories: dict[int, History] = {}
    for created in {r[3] for r in rows}:
        group = [r[4] for r in rows if r[3] == created]
        histories.update(load_history(session, group, before=created))
    starts = {r[0]: window_start(histories.get(r[4]) or History(), r[3]) for r in rows}
    if starts:
        composer.cover(min(starts.values()))
    jobs = []
    for r in rows:
        history = histories.get(r[4]) or History()
        since = starts[r[0]]
        jobs.append(Job(
            digest_id=r[0], period=r[1], subscriber_id=r[4], email=r[5], token_version=r[6],
            frequency=r[7], profile=_profile(r[9:]), posting_ids=[int(i) for i in r[2] or []],
            since=since, sent_ids=frozenset(history.sent_ids),
            notes=update_notes(history, composer.run.changes, since, r[3]),
        ))  # fmt: skip
    return jobs, inactive


def _outcome(
    settings: Settings, msg: PreparedMessage, attempts: int, transport: Transport, now: datetime
) -> tuple[dict[str, Any], str, bool]:
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


class _Writer:
    """Buffers row updates and writes them in one executemany per flush; every update
    is guarded by ``claimed_by`` so a row recovered by someone else is left alone."""

    def __init__(self, session: Session, worker: str):
        self.session, self.worker = session, worker
        self.rows: list[dict[str, Any]] = []
        self.bounced: list[int] = []
        self.last = time.monotonic()

    def add(self, digest_id: int, values: dict[str, Any], attempted: bool) -> None:
        row = {"status": None, "message_id": None, "sent_at": None, "last_error": None,
               "next_attempt_at": None, "claimed_by": self.worker, **values}  # fmt: skip
        self.rows.append({"b_" + k: v for k, v in row.items()})
        self.rows[-1].update(b_id=digest_id, b_attempts=1 if attempted else 0)

    def due(self) -> bool:
        return len(self.rows) >= 500 or time.monotonic() - self.last > 1.0

    def flush(self) -> None:
        if self.rows:
            table = Digest.__table__
            assert isinstance(table, Table)
            stmt = (
                update(table)
                .where(table.c.id == bindparam("b_id"), table.c.claimed_by == self.worker,
                       table.c.status == "sending")
                .values(status=bindparam("b_status"), message_id=bindparam("b_message_id"),
                        sent_at=bindparam("b_sent_at"), last_error=bindparam("b_last_error"),
                        next_attempt_at=bindparam("b_next_attempt_at"),
                        claimed_by=bindparam("b_claimed_by"),
                        attempts=table.c.attempts + bindparam("b_attempts"))
            )  # fmt: skip
            self.session.connection().execute(stmt, self.rows)
        for sid in self.bounced:
            self.session.execute(
                update(Subscriber).where(Subscriber.id == sid)
                .values(status="bounced", bounce_count=Subscriber.bounce_count + 1)
            )  # fmt: skip
        self.session.commit()
        self.rows, self.bounced, self.last = [], [], time.monotonic()


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
    batch, failures = 10, 0
    try:
        with session_factory(engine)() as session:
            writer = _Writer(session, worker)
            while not summary.stopped:
                now_ = now or utcnow()
                ids = claim(session, worker, now_, batch)
                if not ids:
                    break
                batch = min(batch * 2, 500)
                composer = composer or Composer(settings, engine, now or utcnow())
                jobs, inactive = load_jobs(session, composer, ids)
                attempts: dict[int, int] = {
                    row[0]: row[1]
                    for row in session.execute(
                        select(Digest.id, Digest.attempts).where(Digest.id.in_(ids))
                    )
                }
                for digest_id, status in inactive.items():
                    skip = {"status": "skipped", "last_error": f"subscriber is {status}"}
                    writer.add(digest_id, skip, False)
                    summary.skipped += 1
                subscriber_of = {j.digest_id: j.subscriber_id for j in jobs}
                done: set[int] = set(inactive)
                for digest_id, msg, error in composer.compose(jobs):
                    done.add(digest_id)
                    if msg is None:
                        log(logger, logging.ERROR, "digest_render_failed", digest=digest_id,
                            error=error)  # fmt: skip
                        writer.add(digest_id, {"status": "failed", "last_error": error}, False)
                        field = "failed"
                    else:
                        journal.write(digest_id)
                        values, field, bounced = _outcome(
                            settings, msg, attempts[digest_id] + 1, transport, now_
                        )
                        writer.add(digest_id, values, True)
                        if bounced:
                            writer.bounced.append(subscriber_of[digest_id])
                            summary.bounced += 1
                    setattr(summary, field, getattr(summary, field) + 1)
                    failures = failures + 1 if field != "sent" else 0
                    if progress:
                        progress(writer.rows[-1]["b_status"])
                    if failures >= max_consecutive_failures:
                        summary.stopped = True
                        log(logger, logging.ERROR, "digest_send_stopped", failures=failures)
                        break
                    if writer.due():
                        writer.flush()
                for digest_id in set(ids) - done:  # not tried: back to the queue
                    writer.add(digest_id, {"status": "pending", "claimed_by": None}, False)
                writer.flush()
    finally:
        if composer is not None:
            composer.close()
    journal.remove()
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
