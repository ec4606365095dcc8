""" "Tell me when it opens": following a program, and the emails that follow.

Following takes the same double opt-in as alerts: :func:`follow` records a pending
follow and emails a confirmation link (``/follow/<token>``, expiring like alert
confirmations); following again while active changes and sends nothing (the form
cannot be used to learn who follows or to mail-bomb anyone). A confirmed follower
gets, per cycle, at most one email of each kind (:data:`KINDS`):

* ``opened`` — the cycle opened after they followed, and is still open;
* ``reminder_7`` — 7 days or fewer before the deadline (and more than 1);
* ``reminder_1`` — the last day (1 day or fewer before the deadline);

nothing after the deadline. :func:`plan_notices` creates the notice rows (unique per
follow, cycle and kind); :func:`send_notices` claims each (``pending`` → ``sending``
in its own transaction), sends it and marks it ``sent``. A temporary failure puts it
back to ``pending`` (retried next run); a permanent one marks it ``failed``; a claim
left by a crash becomes ``unknown`` after :data:`STALE_CLAIM` and is never resent.
Every email carries a one-click stop link (``/unfollow/<token>``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Program, ProgramCycle, ProgramFollow, ProgramNotice, utcnow
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import build_message, domain_of, valid_address
from aggregator.mail.transports import PermanentFailure, TemporaryFailure, transport_from_url
from aggregator.programs.status import is_open
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, decode_token, link

logger = logging.getLogger(__name__)
KINDS = ("opened", "reminder_7", "reminder_1")
STALE_CLAIM = timedelta(hours=1)
MAX_ATTEMPTS = 5


def find_program(session: Session, key: str) -> Program:
    program = session.scalar(select(Program).where(Program.key == key))
    if program is None:
        raise UserError(f"unknown program {key!r}: run 'aisafety-jobs programs check' first")
    return program


def follow(session: Session, settings: Settings, program: Program, email: str) -> ProgramFollow:
    """Record a pending follow and email its confirmation link (idempotent when active)."""
    address = valid_address(email)
    if address is None:
        raise UserError("invalid email address: please check it")
    row = session.scalar(
        select(ProgramFollow).where(
            ProgramFollow.program_id == program.id,
            func.lower(ProgramFollow.email) == address.lower(),
        )
    )
    if row is not None and row.status == "active":
        return row
    if row is None:
        row = ProgramFollow(program=program, email=address, status="pending", token_version=1)
        session.add(row)
    else:  # pending again or stopped: a fresh link, older links stop working
        row.status, row.token_version, row.created_at = "pending", row.token_version + 1, utcnow()
    session.commit()
    _send_one(settings, confirmation_message(settings, row))
    return row


def _follow_from_token(
    session: Session, settings: Settings, purpose: str, token: str
) -> ProgramFollow:
    follow_id, version = decode_token(settings, purpose, token)
    row = session.get(ProgramFollow, follow_id)
    if row is None or (purpose == "follow" and row.token_version != version):
        raise InvalidToken("this link is no longer valid")
    return row


def confirm_follow(session: Session, settings: Settings, token: str) -> ProgramFollow:
    row = _follow_from_token(session, settings, "follow", token)
    if row.status == "stopped":
        raise InvalidToken("this link is no longer valid: please follow the program again")
    if row.status == "pending":
        row.status, row.confirmed_at = "active", utcnow()
        session.commit()
    return row


def stop_follow(session: Session, settings: Settings, token: str) -> ProgramFollow:
    """Stop a follow by its stop link (any version: a page saying "stopped" must be true)."""
    row = _follow_from_token(session, settings, "unfollow", token)
    if row.status != "stopped":
        row.status = "stopped"
        session.commit()
    return row


def due_kinds(cycle: ProgramCycle, follow_row: ProgramFollow, today: date) -> list[str]:
    """The notices a follower is due for one cycle today (before de-duplication)."""
    if cycle.deadline is None or cycle.deadline < today:
        return []
    kinds = []
    opened_on = cycle.opens_on or cycle.detected_at.date()
    followed_on = (follow_row.confirmed_at or follow_row.created_at).date()
    if is_open(cycle, today) and opened_on >= followed_on:
        kinds.append("opened")
    days_left = (cycle.deadline - today).days
    if is_open(cycle, today) and 1 < days_left <= 7:
        kinds.append("reminder_7")
    if is_open(cycle, today) and days_left <= 1:
        kinds.append("reminder_1")
    return kinds


def plan_notices(session: Session, today: date) -> int:
    """Create the notices due today for every active follow; returns how many were new."""
    follows = list(
        session.scalars(
            select(ProgramFollow)
            .where(ProgramFollow.status == "active")
            .options(selectinload(ProgramFollow.program).selectinload(Program.cycles))
        )
    )
    existing = {(n.follow_id, n.cycle_id, n.kind) for n in session.scalars(select(ProgramNotice))}
    created = 0
    for row in follows:
        for cycle in row.program.cycles:
            for kind in due_kinds(cycle, row, today):
                if (row.id, cycle.id, kind) in existing:
                    continue
                session.add(ProgramNotice(follow_id=row.id, cycle_id=cycle.id, kind=kind))
                try:
                    session.commit()
                except IntegrityError:  # another process planned it first
                    session.rollback()
                    continue
                existing.add((row.id, cycle.id, kind))
                created += 1
    return created


@dataclass
class NoticeReport:
    planned: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unknown: int = 0


def send_notices(settings: Settings, session: Session, now: datetime | None = None) -> NoticeReport:
    """Plan today's notices, then send every pending one exactly once."""
    now = now or utcnow()
    report = NoticeReport(planned=plan_notices(session, now.date()))
    stale = session.execute(
        update(ProgramNotice)
        .where(ProgramNotice.status == "sending", ProgramNotice.claimed_at < now - STALE_CLAIM)
        .values(status="unknown")
    )
    report.unknown = int(getattr(stale, "rowcount", 0) or 0)
    session.commit()
    pending = list(
        session.scalars(
            select(ProgramNotice.id)
            .where(ProgramNotice.status == "pending")
            .order_by(ProgramNotice.id)
        )
    )
    transport = transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        for notice_id in pending:
            claimed = session.execute(
                update(ProgramNotice)
                .where(ProgramNotice.id == notice_id, ProgramNotice.status == "pending")
                .values(status="sending", claimed_at=now, attempts=ProgramNotice.attempts + 1)
            )
            session.commit()
            if not getattr(claimed, "rowcount", 0):
                continue  # another sender took it
            notice = session.get(ProgramNotice, notice_id)
            assert notice is not None
            if notice.follow.status != "active" or (
                notice.cycle.deadline is not None and notice.cycle.deadline < now.date()
            ):
                notice.status = "skipped"
                session.commit()
                continue
            try:
                transport.send(notice_message(settings, notice))
            except TemporaryFailure as exc:
                notice.status = "pending" if notice.attempts < MAX_ATTEMPTS else "failed"
                notice.last_error = str(exc)[:500]
                report.retry += 1
            except PermanentFailure as exc:
                notice.status, notice.last_error = "failed", str(exc)[:500]
                report.failed += 1
            else:
                notice.status, notice.sent_at = "sent", utcnow()
                report.sent += 1
            session.commit()
    finally:
        transport.close()
    log(logger, logging.INFO, "program_notices", sent=report.sent, planned=report.planned)
    return report


# -- messages --------------------------------------------------------------------------


def _send_one(settings: Settings, message: EmailMessage) -> None:
    transport = transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        transport.send(message)
    except (TemporaryFailure, PermanentFailure) as exc:
        log(logger, logging.WARNING, "follow_confirmation_failed", error=exc)
        raise UserError("could not send the confirmation email; please try again later") from None
    finally:
        transport.close()


def confirmation_message(settings: Settings, row: ProgramFollow) -> EmailMessage:
    program = row.program
    text = (
        f"Someone (hopefully you) asked to be told when {program.name} opens for "
        f"applications.\n\nConfirm here (the link expires in {settings.confirm_max_age_hours} "
        f"hours):\n{link(settings, 'follow', row)}\n\nIf it was not you, ignore this email: "
        "nothing will be sent.\n"
    )
    return build_message(
        settings,
        to=row.email,
        subject=f"Confirm: tell me when {program.name} opens",
        text=text,
        html=None,
        message_id=make_msgid(
            idstring=f"follow.{row.id}.{row.token_version}", domain=domain_of(settings)
        ),
    )


def notice_message(settings: Settings, notice: ProgramNotice) -> EmailMessage:
    program, cycle = notice.follow.program, notice.cycle
    deadline = cycle.deadline.isoformat() if cycle.deadline else "not stated"
    page = f"{settings.base_url.rstrip('/')}/programs/{program.key}"
    if notice.kind == "opened":
        subject = f"{program.name} is open: applications close {deadline}"
        first = f"{program.name} ({program.org_name}) is open for applications ({cycle.label})."
    else:
        days = "7 days" if notice.kind == "reminder_7" else "1 day"
        subject = f"{program.name}: about {days} left to apply (closes {deadline})"
        first = f"Reminder: {program.name} closes on {deadline}, about {days} from now."
    text = (
        f"{first}\n\nDeadline: {deadline}\nApply: {program.url}\nHistory and dates: {page}\n\n"
        f"Stop these emails: {link(settings, 'unfollow', notice.follow)}\n"
    )
    stop = link(settings, "unfollow", notice.follow)
    return build_message(
        settings,
        to=notice.follow.email,
        subject=subject,
        text=text,
        html=None,
        # one id per notice: an outbox or a receiving server sees a resend as the same mail
        message_id=f"<program-notice.{notice.id}@{domain_of(settings)}>",
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
