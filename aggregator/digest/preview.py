"""The digest a subscriber would get now, rendered without recording anything."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from sqlalchemy.orm import Session

from aggregator.digest.build import (
    digest_message,
    load_changes,
    load_history,
    make_view,
    plan,
    window_start,
)
from aggregator.digest.periods import period_for
from aggregator.digest.render import Renderer
from aggregator.errors import UserError
from aggregator.matching.index import PostingIndex
from aggregator.settings import Settings
from aggregator.subscriptions import ProfileInput, find_subscriber


def preview_digest(
    session: Session, settings: Settings, email: str, now: datetime
) -> EmailMessage | None:
    subscriber = find_subscriber(session, email.strip())
    if subscriber is None:
        raise UserError(f"no subscriber {email!r}")
    history = load_history(session, [subscriber.id])[subscriber.id]
    since = window_start(history, now)
    changes = load_changes(session, since)
    index = PostingIndex.load(session, since=since, now=now)
    profile = ProfileInput.of(subscriber.profile)
    result = plan(index, profile, since, history, changes, settings.digest_max_items)
    if result.empty:
        return None
    extra = {pid for pid, _ in result.changes} - index.postings.keys()
    postings = dict(index.postings)
    if extra:
        postings.update(PostingIndex.load(session, ids=extra, now=now).postings)
    period = period_for(subscriber.frequency, subscriber.timezone, now)
    view = make_view(settings, subscriber, period, result, postings)
    return digest_message(settings, subscriber, period, view, Renderer(settings), postings)
