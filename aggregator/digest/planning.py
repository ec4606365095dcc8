"""Planning: one ``digests`` row per due (subscriber, period), pending or skipped, and
the jobs of claimed rows (see aggregator.digest.send)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, String, Table, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from aggregator.batches import batched
from aggregator.db.models import Digest, Subscriber, SubscriberProfile, utcnow
from aggregator.digest.build import (
    History,
    load_changes,
    load_history,
    update_notes,
    window_start,
)
from aggregator.digest.compose import Composer, Job
from aggregator.digest.periods import frequency_of, is_due
from aggregator.logs import log
from aggregator.matching.index import PostingIndex
from aggregator.profiles import ProfileInput
from aggregator.settings import Settings
from aggregator.store import expiry

logger = logging.getLogger(__name__)


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
# The JSON list columns are read as their text (SQLite; PostgreSQL's driver hands over
# lists): a run meets the same few texts ("[]", '["evals"]') thousands of times.
_PROFILE = [
    type_coerce(column, String) if isinstance(column.type, JSON) else column
    for column in (getattr(SubscriberProfile, name) for name in _PROFILE_FIELDS)
]


@lru_cache(maxsize=4096)
def _json_list(text: str) -> tuple[Any, ...]:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else ()


def _profile(values: Iterable[Any]) -> ProfileInput:
    given: dict[str, Any] = {}
    for name, value in zip(_PROFILE_FIELDS, values, strict=True):
        if value is not None:
            given[name] = list(_json_list(value)) if isinstance(value, str) else value
    return ProfileInput(**given)


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
    if record:
        expiry.sweep(session, now, settings.stale_after_days)
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
        for batch in batched(rows, 5000):  # one compiled statement, executemany
            session.connection().execute(stmt, batch)
        session.commit()
    log(logger, logging.INFO, "digests_planned", pending=summary.planned, skipped=summary.skipped)
    return summary


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
