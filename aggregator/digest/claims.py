"""Claiming digest rows, journaling what was handed to the transport, writing outcomes
in batches, and recovering the rows of dead senders (see aggregator.digest.send)."""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, Subscriber
from aggregator.digest.build import (
    message_id,
)
from aggregator.logs import log
from aggregator.mail import (
    OutboxTransport,
    Transport,
)
from aggregator.settings import Settings

logger = logging.getLogger(__name__)
STALE_CLAIM = timedelta(hours=1)


def worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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


class RowWriter:
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
