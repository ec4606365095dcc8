"""Claiming digest rows, journaling what was handed to the transport, writing outcomes
in batches, and recovering the rows of dead senders (see aggregator.digest.send)."""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, Subscriber
from aggregator.debris import pid_alive
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
    """Whether the sender that claimed a row is known to be gone (same host, no process)."""
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return False
    return not pid_alive(int(pid))


def recover_stale(session: Session, settings: Settings, transport: Transport, now: datetime) -> int:
    """Rows a dead sender (this host, process gone) or a stale claim (any host, older than
    ``STALE_CLAIM``) left in ``sending``. With the outbox, the file decides: sent or
    pending. Otherwise the sender's journal decides, wherever it ran (it lives in the
    data folder): delivered → sent; refused or never tried → pending; handed over with no
    answer → unknown (never resent); no journal at all → unknown."""
    count = 0
    rows = session.scalars(select(Digest).where(Digest.status == "sending")).all()
    journals: dict[str, JournalState | None] = {}
    outcomes: Counter[str] = Counter()
    for d in rows:
        claimed = d.claimed_at or d.created_at
        if not (_dead(d.claimed_by) or claimed < now - STALE_CLAIM):
            continue
        mid = message_id(settings, d.subscriber_id, d.period)
        key = d.claimed_by or ""
        if key not in journals:
            journals[key] = Journal(settings, key).read()
        if isinstance(transport, OutboxTransport):
            new = "sent" if transport.path_for(mid).exists() else "pending"
        else:
            new = _after_death(journals[key], d.id)
        result = session.execute(
            update(Digest)
            .where(Digest.id == d.id, Digest.status == "sending", Digest.claimed_by == d.claimed_by)
            .values(status=new, message_id=mid if new == "sent" else None,
                    sent_at=now if new == "sent" else None, claimed_by=None,
                    last_error=_RECOVERED_ERRORS.get(new))
        )  # fmt: skip
        if result.rowcount:  # type: ignore[attr-defined]
            count += 1
            outcomes[new] += 1
    session.commit()
    if count:
        log(logger, logging.WARNING, "digest_recovered", **outcomes)
    clean_journals(session, settings, recovered=set(journals))
    return count


_RECOVERED_ERRORS = {
    "unknown": "sender died after handing the message over, before the server answered",
    "sent": None,
    "pending": None,
}


def _after_death(journal: JournalState | None, digest_id: int) -> str:
    if journal is None:
        return "unknown"  # no journal (a lost data folder): nothing is known
    if digest_id in journal.delivered:
        return "sent"
    if digest_id in journal.tried and digest_id not in journal.refused:
        return "unknown"  # maybe delivered: never resent
    return "pending"


def clean_journals(session: Session, settings: Settings, *, recovered: set[str]) -> int:
    """Remove the journals of senders with no row left in ``sending`` that are dead (this
    host), were just recovered, or have not written for ``STALE_CLAIM``."""
    folder = Path(settings.data_dir) / "digest-journal"
    if not folder.is_dir():
        return 0
    claimed = session.scalars(
        select(Digest.claimed_by).where(Digest.status == "sending").distinct()
    )
    busy = {Journal.file_name(c or "") for c in claimed}
    done = {Journal.file_name(k) for k in recovered}
    cutoff = time.time() - STALE_CLAIM.total_seconds()
    removed = 0
    for path in folder.glob("*.log"):
        if path.name in busy:
            continue
        worker = path.stem.rsplit("_", 2)  # host_pid_uuid (':' written as '_')
        dead = len(worker) == 3 and _dead(":".join(worker))
        try:
            old = path.stat().st_mtime < cutoff
        except OSError:
            continue
        if dead or old or path.name in done:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@dataclass(frozen=True)
class JournalState:
    tried: set[int]  # handed to the transport
    delivered: set[int]  # the server accepted them
    refused: set[int]  # the server refused them: not delivered


class Journal:
    """A sender's append-only record of the digest ids it handed over (``id``: over SMTP
    just before DATA, from when the server may store it) and of the server's answer
    (``+id`` accepted, ``-id`` refused).

    Claims come in batches and row updates are written in batches; if the sender dies,
    the journal tells recovery — on any host sharing the data folder — which claimed
    rows went out (sent), which were never tried or refused (safe to send again:
    pending) and which were handed over without an answer (unknown, never resent). One
    unbuffered write per event, no fsync: it guards against a dead process, not a dead
    machine. Created when the sender starts, so a missing journal means "nothing known"."""

    def __init__(self, settings: Settings, worker: str):
        self.path = Path(settings.data_dir) / "digest-journal" / self.file_name(worker)
        self._fd: int | None = None

    @staticmethod
    def file_name(worker: str) -> str:
        return (re.sub(r"[^A-Za-z0-9._-]+", "_", worker)[:150] or "worker") + ".log"

    def start(self) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def _append(self, line: bytes) -> None:
        self.start()
        assert self._fd is not None
        os.write(self._fd, line)  # O_APPEND: whole lines, also from the sending threads

    def write(self, digest_id: int) -> None:
        """The message may be delivered from now on."""
        self._append(b"%d\n" % digest_id)

    def delivered(self, digest_id: int) -> None:
        self._append(b"+%d\n" % digest_id)

    def refused(self, digest_id: int) -> None:
        self._append(b"-%d\n" % digest_id)

    def read(self) -> JournalState | None:
        """What was written, or None when there is no journal (then nothing is known)."""
        try:
            text = self.path.read_text(errors="replace")
        except OSError:
            return None
        state = JournalState(set(), set(), set())
        for line in text.split():
            target = {"+": state.delivered, "-": state.refused}.get(line[0], state.tried)
            number = line.lstrip("+-")
            if number.isdigit():
                target.add(int(number))
        return state

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
