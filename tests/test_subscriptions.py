from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Subscriber, utcnow
from aggregator.errors import UserError
from aggregator.settings import Settings
from aggregator.subscriptions import (
    ProfileInput,
    confirm,
    preview,
    profile_filter,
    purge_expired_pending,
    subscribe,
    unsubscribe,
    update_subscription,
    validate_profile,
)
from aggregator.tokens import InvalidToken, make_token
from tests.factories import make_posting


def outbox(settings: Settings) -> list[Path]:
    folder = settings.data_path / "outbox"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def confirm_token(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=default)
    body = msg.get_body(("plain",))
    assert body is not None
    line = next(x for x in body.get_content().splitlines() if x.startswith("Confirm: "))
    return line.rsplit("/", 1)[1]


def test_double_opt_in(session: Session, settings: Settings) -> None:
    sub = subscribe(session, settings, "Ann@Example.ORG", ProfileInput(roles=["research_engineer"]))
    assert sub.status == "pending" and sub.email == "Ann@example.org"
    files = outbox(settings)
    assert len(files) == 1
    raw = files[0].read_text()
    assert "Ann@example.org" in raw and "Research engineer" in raw
    token = confirm_token(files[0])
    assert confirm(session, settings, token).status == "active"
    assert confirm(session, settings, token).status == "active"  # idempotent


def test_resubscribe_active_changes_nothing(session: Session, settings: Settings) -> None:
    sub = subscribe(session, settings, "a@example.org", ProfileInput(), confirmed=True)
    assert sub.status == "active" and outbox(settings) == []
    again = subscribe(session, settings, "A@example.org", ProfileInput(roles=["policy"]))
    assert again.id == sub.id and again.profile.roles == [] and outbox(settings) == []


def test_invalid_inputs(session: Session, settings: Settings) -> None:
    for bad in ("nope", "a@b", "a@@b.org", "a\r\nBcc: x@y.org", "", "a b@c.org"):
        with pytest.raises(UserError, match="invalid email"):
            subscribe(session, settings, bad, ProfileInput())
    with pytest.raises(UserError, match="timezone"):
        subscribe(session, settings, "t@example.org", ProfileInput(), timezone="Mars/Base")
    with pytest.raises(UserError, match="frequency"):
        subscribe(session, settings, "t@example.org", ProfileInput(), frequency="hourly")
    assert session.scalar(select(Subscriber)) is None


def test_unknown_role_suggests(session: Session) -> None:
    with pytest.raises(UserError, match="research_engineer"):
        validate_profile(ProfileInput(roles=["research_enginer"]))
    with pytest.raises(UserError, match="seniority"):
        validate_profile(ProfileInput(seniority=["godlike"]))
    with pytest.raises(UserError, match="unknown country 'Atlantis'"):
        validate_profile(ProfileInput(locations=["Atlantis"]))
    with pytest.raises(UserError, match="salary"):
        validate_profile(ProfileInput(min_salary=-5))


def test_unknown_skill_suggests() -> None:
    with pytest.raises(UserError, match="did you mean"):
        validate_profile(ProfileInput(skills=["interpretabilty"]))


def test_canonicalizes() -> None:
    p = validate_profile(
        ProfileInput(roles=["Research Engineer", "research_engineer"], locations=["gb", "France"])
    )
    assert p.roles == ["research_engineer"] and p.locations == ["GB", "FR"]


def test_unsubscribe_by_token_and_email(session: Session, settings: Settings) -> None:
    sub = subscribe(session, settings, "u@example.org", ProfileInput(), confirmed=True)
    token = make_token(settings, "unsubscribe", sub)
    unsubscribe(session, settings, token=token)
    assert sub.status == "unsubscribed"
    unsubscribe(session, settings, token=token)  # idempotent
    unsubscribe(session, settings, email="nobody@example.org")  # silent
    with pytest.raises(InvalidToken):
        unsubscribe(session, settings, token="forged")
    # re-signup bumps the token version: an old confirm link no longer acts on the new
    # subscription, but an old unsubscribe link still unsubscribes the address
    again = subscribe(session, settings, "u@example.org", ProfileInput(), confirmed=True)
    unsubscribe(session, settings, token=token)
    assert again.status == "unsubscribed"
    again = subscribe(session, settings, "u@example.org", ProfileInput(), confirmed=True)
    with pytest.raises(InvalidToken):
        confirm(
            session,
            settings,
            make_token(settings, "confirm", Subscriber(id=sub.id, token_version=1)),
        )
    unsubscribe(session, settings, email="U@example.org")
    assert again.status == "unsubscribed"


def test_update_and_pause(session: Session, settings: Settings) -> None:
    sub = subscribe(session, settings, "p@example.org", ProfileInput(), confirmed=True)
    update_subscription(
        session, sub, ProfileInput(roles=["policy"]), frequency="daily", paused=True
    )
    assert (sub.status, sub.frequency, sub.profile.roles) == ("paused", "daily", ["policy"])
    update_subscription(session, sub, ProfileInput(), paused=False, timezone="Europe/London")
    assert (sub.status, sub.timezone) == ("active", "Europe/London")


def test_preview_and_filter(session: Session) -> None:
    make_posting(session, title="RE interp", skills=["interpretability"])
    make_posting(session, title="Policy", role="policy")
    make_posting(session, title="Old", first_seen_at=utcnow() - timedelta(weeks=10))
    count, sample = preview(session, ProfileInput(roles=["research_engineer"]))
    assert count == 1 and sample[0].title == "RE interp"
    f = profile_filter(ProfileInput(roles=["policy"], remote_only=True, keywords=["evals"]))
    assert ("role", "policy") in f.to_params() and ("remote", "remote") in f.to_params()
    assert f.q == "evals"


def test_purge_expired_pending(session: Session, settings: Settings) -> None:
    sub = subscribe(session, settings, "old@example.org", ProfileInput())
    assert purge_expired_pending(session, settings) == 0
    later = utcnow() + timedelta(hours=settings.confirm_max_age_hours + 1)
    assert purge_expired_pending(session, settings, later) == 1
    session.expunge_all()
    assert session.get(Subscriber, sub.id) is None


def test_seniority_is_what_the_classifier_emits() -> None:
    from aggregator.normalize.flags import SENIORITY_LEVELS

    for level in SENIORITY_LEVELS:
        assert validate_profile(ProfileInput(seniority=[level])).seniority == [level]
    old = validate_profile(ProfileInput(seniority=["Junior", "executive", "entry"]))
    assert old.seniority == ["entry", "lead"]  # legacy names map to the classifier's
    with pytest.raises(UserError, match="entry, mid, senior, lead"):
        validate_profile(ProfileInput(seniority=["principal"]))
