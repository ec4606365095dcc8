""" "Tell me when it opens": following a program, and the emails that follow.

Following takes the same double opt-in as alerts: :func:`follow` records a pending
follow and emails a confirmation link (``/follow/<token>``, expiring like alert
confirmations); following again while active changes and sends nothing (the form
cannot be used to learn who follows or to mail-bomb anyone). A confirmed follower
gets, per cycle, at most one email of each kind (:data:`KINDS`):

* ``opened`` — the cycle opened after they followed, and is still open (once while
  any cycle of the program is open: overlapping cycles are one opening);
* ``reminder_7`` — 7 days or fewer before the deadline (and more than 1);
* ``reminder_1`` — the last day (1 day or fewer before the deadline);

nothing after the deadline. :func:`plan_notices` creates the notice rows (unique per
follow, cycle and kind); :func:`send_notices` sends each exactly once
(:func:`aggregator.programs.delivery.deliver`: claimed, sent, marked; a claim left by
a crash is never resent).
Every email carries a one-click stop link (``/unfollow/<token>``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Program, ProgramCycle, ProgramFollow, ProgramNotice, utcnow
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import build_message, domain_of, valid_address
from aggregator.programs import optin
from aggregator.programs.delivery import NoticeReport, deliver
from aggregator.programs.status import is_open
from aggregator.settings import Settings
from aggregator.tokens import link

logger = logging.getLogger(__name__)
KINDS = ("opened", "reminder_7", "reminder_1")


def find_program(session: Session, key: str) -> Program:
    program = session.scalar(select(Program).where(Program.key == key))
    if program is None:
        raise UserError(f"unknown program {key!r}: run 'aisafety-jobs programs check' first")
    return program


def follow(
    session: Session,
    settings: Settings,
    program: Program,
    email: str,
    *,
    confirmed_at: datetime | None = None,
) -> ProgramFollow:
    """Record a pending follow and email its confirmation link (idempotent when active).

    With ``confirmed_at`` (the demo's sample follower, who confirmed then) the follow is
    active at once and nothing is sent."""
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
    if confirmed_at is not None:
        row.status, row.created_at, row.confirmed_at = "active", confirmed_at, confirmed_at
    session.commit()
    if confirmed_at is None:
        optin.send_confirmation(settings, confirmation_message(settings, row))
    return row


def confirm_follow(session: Session, settings: Settings, token: str) -> ProgramFollow:
    return optin.confirm(session, settings, ProgramFollow, "follow", token)


def stop_follow(session: Session, settings: Settings, token: str) -> ProgramFollow:
    """Stop a follow by its stop link (any version: a page saying "stopped" must be true)."""
    return optin.stop(session, settings, ProgramFollow, "unfollow", token)


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


def _told_open(
    row: ProgramFollow,
    cycle: ProgramCycle,
    cycles: list[ProgramCycle],
    existing: set[tuple[int, int, str]],
) -> bool:
    """Whether the follower was told of another cycle that was still open when this one
    opened: overlapping cycles (a maintained one, and a posting's call with another
    deadline) are one opening to them, one "opened" email, not one each."""
    opened_on = cycle.opens_on or cycle.detected_at.date()
    return any(
        (row.id, other.id, "opened") in existing
        and other.deadline is not None
        and other.deadline >= opened_on
        for other in cycles
        if other.id != cycle.id
    )


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
        cycles = sorted(row.program.cycles, key=lambda c: (c.opens_on or date.min, c.id))
        for cycle in cycles:
            for kind in due_kinds(cycle, row, today):
                if (row.id, cycle.id, kind) in existing:
                    continue
                if kind == "opened" and _told_open(row, cycle, cycles, existing):
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


def send_notices(settings: Settings, session: Session, now: datetime | None = None) -> NoticeReport:
    """Plan today's notices, then send every pending one exactly once."""
    now = now or utcnow()
    report = NoticeReport(planned=plan_notices(session, now.date()))

    def compose(notice: ProgramNotice) -> EmailMessage | None:
        past = notice.cycle.deadline is not None and notice.cycle.deadline < now.date()
        if notice.follow.status != "active" or past:
            return None
        return notice_message(settings, notice)

    deliver(settings, session, ProgramNotice, compose, now, report)
    log(logger, logging.INFO, "program_notices", sent=report.sent, planned=report.planned)
    return report


# -- messages --------------------------------------------------------------------------


def confirmation_message(settings: Settings, row: ProgramFollow) -> EmailMessage:
    name = row.program.name
    return optin.confirmation_message(
        settings, row, "follow", f"be told when {name} opens for applications",
        f"Confirm: tell me when {name} opens",
    )  # fmt: skip


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
