"""Subscriber lifecycle: double opt-in sign-up, the confirmation email, profile updates,
unsubscribe.

Profile semantics, everywhere (CLI, web, digests): values within one facet are OR,
facets are AND, an empty facet means any. Every function here commits its own work.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from aggregator.db.models import Posting, Subscriber, SubscriberProfile, utcnow
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail import PermanentFailure, TemporaryFailure, transport_from_url
from aggregator.mail.message import build_message, clean_header, domain_of, valid_address
from aggregator.mail.templates import inlined_template, text_template
from aggregator.matching.index import PostingIndex
from aggregator.normalize.flags import SENIORITY_LEVELS
from aggregator.profiles import (
    FALLBACK_ROLES,
    FREQUENCIES,
    SEMANTICS,
    ProfileInput,
    check_frequency,
    check_timezone,
    describe_profile,
    profile_filter,
    validate_profile,
)
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, decode_token, link

logger = logging.getLogger(__name__)

# Profile definitions live in aggregator.profiles; these names are part of this API too.
__all__ = [
    "FALLBACK_ROLES",
    "FREQUENCIES",
    "SEMANTICS",
    "SENIORITY_LEVELS",
    "ProfileInput",
    "confirm",
    "describe_profile",
    "find_subscriber",
    "preview",
    "profile_filter",
    "purge_expired_pending",
    "send_confirmation",
    "subscribe",
    "subscriber_from_token",
    "unsubscribe",
    "update_subscription",
    "validate_profile",
]


def find_subscriber(session: Session, email: str) -> Subscriber | None:
    return session.scalar(select(Subscriber).where(func.lower(Subscriber.email) == email.lower()))


def _apply_profile(subscriber: Subscriber, profile: ProfileInput) -> None:
    if subscriber.profile is None:
        subscriber.profile = SubscriberProfile()
    for f in fields(ProfileInput):
        setattr(subscriber.profile, f.name, getattr(profile, f.name))


def subscribe(
    session: Session,
    settings: Settings,
    email: str,
    profile: ProfileInput,
    *,
    frequency: str = "weekly",
    timezone: str = "UTC",
    confirmed: bool = False,
) -> Subscriber:
    """Sign up ``email``; without ``confirmed`` a confirmation link is emailed.

    Re-subscribing an active (or paused) address changes nothing and sends nothing, so
    the sign-up form cannot be used to learn who subscribes or to mail-bomb anyone.
    """
    address = valid_address(email)
    if address is None:
        raise UserError(f"invalid email address: {clean_header(email, 80)!r}")
    profile = validate_profile(profile)
    check_timezone(timezone)
    check_frequency(frequency)
    now = utcnow()
    subscriber = find_subscriber(session, address)
    if subscriber is not None and subscriber.status in ("active", "paused"):
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(email=address, created_at=now, token_version=1)
        session.add(subscriber)
    elif subscriber.status in ("unsubscribed", "bounced"):
        subscriber.token_version += 1  # links from the old subscription stop working
        subscriber.created_at, subscriber.unsubscribed_at = now, None
    subscriber.frequency, subscriber.timezone = frequency, timezone
    _apply_profile(subscriber, profile)
    if confirmed:
        subscriber.status, subscriber.confirmed_at = "active", now
    else:
        subscriber.status, subscriber.confirmed_at = "pending", None
    session.commit()
    log(logger, logging.INFO, "subscribe", subscriber=subscriber.id, confirmed=confirmed)
    if not confirmed:
        send_confirmation(settings, subscriber)
    return subscriber


def send_confirmation(settings: Settings, subscriber: Subscriber) -> None:
    transport = transport_from_url(
        settings.resolved_mail_url, timeout=settings.smtp_timeout_seconds
    )
    try:
        transport.send(confirmation_message(settings, subscriber))
    except (TemporaryFailure, PermanentFailure) as exc:
        log(logger, logging.WARNING, "confirmation_failed", subscriber=subscriber.id, error=exc)
        raise UserError("could not send the confirmation email; please try again later") from None
    finally:
        transport.close()


def subscriber_from_token(
    session: Session, settings: Settings, purpose: str, token: str
) -> Subscriber:
    """The subscriber a valid, current token names, else :class:`InvalidToken`."""
    subscriber_id, version = decode_token(settings, purpose, token)
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.token_version != version:
        raise InvalidToken("this link is no longer valid")
    return subscriber


def confirm(session: Session, settings: Settings, token: str) -> Subscriber:
    """Activate the pending subscription a confirmation token names (idempotent)."""
    subscriber = subscriber_from_token(session, settings, "confirm", token)
    if subscriber.status == "pending":
        subscriber.status, subscriber.confirmed_at = "active", utcnow()
        session.commit()
        log(logger, logging.INFO, "confirm", subscriber=subscriber.id)
    elif subscriber.status in ("unsubscribed", "bounced"):
        raise InvalidToken("this link is no longer valid: please subscribe again")
    return subscriber


def unsubscribe(
    session: Session, settings: Settings, *, token: str | None = None, email: str | None = None
) -> None:
    """Unsubscribe by signed token or by address; idempotent and silent on unknown ones."""
    subscriber: Subscriber | None = None
    if token is not None:
        # Any unsubscribe link ever sent unsubscribes the address, whichever subscription
        # (token version) it was sent for: a page saying "unsubscribed" must be true.
        subscriber = session.get(Subscriber, decode_token(settings, "unsubscribe", token)[0])
    elif email is not None:
        subscriber = find_subscriber(session, email.strip())
    if subscriber is None or subscriber.status == "unsubscribed":
        return
    subscriber.status, subscriber.unsubscribed_at = "unsubscribed", utcnow()
    session.commit()
    log(logger, logging.INFO, "unsubscribe", subscriber=subscriber.id)


def update_subscription(
    session: Session,
    subscriber: Subscriber,
    profile: ProfileInput,
    *,
    frequency: str | None = None,
    timezone: str | None = None,
    paused: bool | None = None,
) -> Subscriber:
    """Change what a subscriber receives, how often, in which timezone; pause or resume."""
    profile = validate_profile(profile)
    if frequency is not None:
        subscriber.frequency = check_frequency(frequency)
    if timezone is not None:
        subscriber.timezone = check_timezone(timezone)
    if paused is True and subscriber.status == "active":
        subscriber.status = "paused"
    elif paused is False and subscriber.status == "paused":
        subscriber.status = "active"
    _apply_profile(subscriber, profile)
    session.commit()
    return subscriber


def preview(
    session: Session, profile: ProfileInput, *, weeks: int = 4, sample: int = 5
) -> tuple[int, list[Posting]]:
    """How many open postings of the last ``weeks`` the profile matches, and the best few."""
    profile = validate_profile(profile)
    now = utcnow()
    index = PostingIndex.load(session, since=now - timedelta(weeks=weeks), now=now)
    matches = index.match(profile)
    return len(matches), [index.postings[m.posting_id] for m in matches[:sample]]


def purge_expired_pending(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete sign-ups never confirmed within ``confirm_max_age_hours``."""
    cutoff = (now or utcnow()) - timedelta(hours=settings.confirm_max_age_hours)
    result = session.execute(
        delete(Subscriber).where(
            Subscriber.status == "pending",
            Subscriber.confirmed_at.is_(None),
            Subscriber.created_at < cutoff,
        )
    )
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def confirmation_message(settings: Settings, subscriber: Subscriber) -> EmailMessage:
    values = {
        "email": subscriber.email,
        "frequency": subscriber.frequency,
        "profile": describe_profile(ProfileInput.of(subscriber.profile)),
        "semantics": SEMANTICS,
        "confirm_url": link(settings, "confirm", subscriber),
        "hours": settings.confirm_max_age_hours,
    }
    html = inlined_template("confirm.html.j2").render(**values)
    text = text_template("confirm.txt.j2").render(**values)
    message_id = make_msgid(idstring=f"confirm.{subscriber.id}", domain=domain_of(settings))
    return build_message(
        settings,
        to=subscriber.email,
        subject="Confirm your AI safety jobs digest",
        text=text,
        html=html,
        message_id=message_id,
    )
