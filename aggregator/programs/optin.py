"""The double opt-in of follows (programs, organizations, mentors, teams), as of alerts.

A follow row starts ``pending``; its confirmation link (a timed token of the row's id
and ``token_version``; following again bumps the version, so older links stop working)
makes it ``active``; its stop link (never expires, any version: a page saying
"stopped" must be true) makes it ``stopped``. A stopped follow is confirmed again only
through a fresh link.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from aggregator.db.models import utcnow
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import build_message, domain_of
from aggregator.mail.transports import PermanentFailure, TemporaryFailure
from aggregator.programs.delivery import send_one
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, decode_token, link

logger = logging.getLogger(__name__)
Row = TypeVar("Row")


def _row(session: Session, settings: Settings, model: type[Row], purpose: str, token: str,
         *, versioned: bool) -> Row:  # fmt: skip
    row_id, version = decode_token(settings, purpose, token)
    row: Any = session.get(model, row_id)
    if row is None or (versioned and row.token_version != version):
        raise InvalidToken("this link is no longer valid")
    return row


def confirm(session: Session, settings: Settings, model: type[Row], purpose: str,
            token: str) -> Row:  # fmt: skip
    """The row of a confirmation link, made active (once; again: unchanged)."""
    row: Any = _row(session, settings, model, purpose, token, versioned=True)
    if row.status == "stopped":
        raise InvalidToken("this link is no longer valid: please follow again")
    if row.status == "pending":
        row.status, row.confirmed_at = "active", utcnow()
        session.commit()
    return row


def stop(session: Session, settings: Settings, model: type[Row], purpose: str,
         token: str) -> Row:  # fmt: skip
    """The row of a stop link, stopped."""
    row: Any = _row(session, settings, model, purpose, token, versioned=False)
    if row.status != "stopped":
        row.status = "stopped"
        session.commit()
    return row


def confirmation_message(settings: Settings, row: Any, purpose: str, asked: str,
                         subject: str) -> EmailMessage:  # fmt: skip
    """The email with a follow's confirmation link: someone "asked to ``asked``"."""
    text = (
        f"Someone (hopefully you) asked to {asked}.\n\n"
        f"Confirm here (the link expires in {settings.confirm_max_age_hours} hours):\n"
        f"{link(settings, purpose, row)}\n\n"
        "If it was not you, ignore this email: nothing will be sent.\n"
    )
    idstring = f"{purpose}.{row.id}.{row.token_version}"
    msgid = make_msgid(idstring=idstring, domain=domain_of(settings))
    return build_message(
        settings, to=row.email, subject=subject, text=text, html=None, message_id=msgid
    )


def send_confirmation(settings: Settings, message: EmailMessage) -> None:
    """Send a confirmation link now; a failure is a one-line error for the visitor."""
    try:
        send_one(settings, message)
    except (TemporaryFailure, PermanentFailure) as exc:
        log(logger, logging.WARNING, "follow_confirmation_failed", error=exc)
        raise UserError("could not send the confirmation email; please try again later") from None
