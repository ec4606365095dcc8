"""Sending notice rows exactly once: program notices and new-posting notices alike.

A notice row exists before its email is sent (unique per follow and what it is about).
:func:`deliver` claims each pending row (``pending`` → ``sending`` in its own
transaction, so two senders never both take it), sends it and marks it ``sent``. A
temporary failure puts it back to ``pending`` (retried next run, up to
:data:`MAX_ATTEMPTS`); a permanent one marks it ``failed``; a row that no longer
needs sending (its follow stopped, its deadline passed) is ``skipped``; a claim left
by a crash becomes ``unknown`` after :data:`STALE_CLAIM` and is never resent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aggregator.db.models import utcnow
from aggregator.mail.transports import PermanentFailure, TemporaryFailure, transport_from_url
from aggregator.settings import Settings

STALE_CLAIM = timedelta(hours=1)
MAX_ATTEMPTS = 5
Row = TypeVar("Row")


@dataclass
class NoticeReport:
    planned: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unknown: int = 0


def deliver(
    settings: Settings,
    session: Session,
    model: type[Row],
    compose: Callable[[Row], EmailMessage | None],
    now: datetime,
    report: NoticeReport,
) -> NoticeReport:
    """Send every pending row of ``model`` once; ``compose`` gives its email, or None
    when it is no longer due."""
    table: Any = model
    stale = session.execute(
        update(table)
        .where(table.status == "sending", table.claimed_at < now - STALE_CLAIM)
        .values(status="unknown")
    )
    report.unknown += int(getattr(stale, "rowcount", 0) or 0)
    session.commit()
    pending = list(
        session.scalars(select(table.id).where(table.status == "pending").order_by(table.id))
    )
    if not pending:
        return report
    transport = transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        for row_id in pending:
            claimed = session.execute(
                update(table)
                .where(table.id == row_id, table.status == "pending")
                .values(status="sending", claimed_at=now, attempts=table.attempts + 1)
            )
            session.commit()
            if not getattr(claimed, "rowcount", 0):
                continue  # another sender took it
            row: Any = session.get(model, row_id)
            assert row is not None
            message = compose(row)
            if message is None:
                row.status = "skipped"
                session.commit()
                continue
            try:
                transport.send(message)
            except TemporaryFailure as exc:
                row.status = "pending" if row.attempts < MAX_ATTEMPTS else "failed"
                row.last_error = str(exc)[:500]
                report.retry += 1
            except PermanentFailure as exc:
                row.status, row.last_error = "failed", str(exc)[:500]
                report.failed += 1
            else:
                row.status, row.sent_at = "sent", utcnow()
                report.sent += 1
            session.commit()
    finally:
        transport.close()
    return report


def send_one(settings: Settings, message: EmailMessage) -> None:
    """Send one message now (a confirmation link); raises the transport's failures."""
    transport = transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        transport.send(message)
    finally:
        transport.close()
