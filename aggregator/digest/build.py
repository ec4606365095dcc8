"""What goes into one subscriber's digest: matched new postings in sections, and updates.

Sections: new roles grouped by role, programs (fellowship, residency, course, grant),
closing soon (deadline within 14 days; a posting shown there is not repeated in the
others), and changes to postings already sent to the subscriber.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, Posting, PostingChange, Subscriber
from aggregator.digest.periods import first_window
from aggregator.digest.render import DigestView, Item, Renderer, Section, unsubscribe_headers
from aggregator.mail.message import build_message, domain_of, list_id
from aggregator.matching import PROGRAM_ROLES, Match, PostingIndex, label
from aggregator.settings import Settings
from aggregator.subscriptions import FALLBACK_ROLES, ProfileInput, describe_profile, profile_filter
from aggregator.tokens import link

MAX_WINDOW = timedelta(days=28)
DELIVERED = ("pending", "sending", "sent", "unknown")  # rows whose postings count as sent


@dataclass
class History:
    """A subscriber's earlier digests: when the last one was planned, what was sent."""

    last_created: datetime | None = None
    sent_ids: set[int] = field(default_factory=set)


def load_history(
    session: Session, subscriber_ids: Iterable[int], *, before: datetime | None = None
) -> dict[int, History]:
    ids = list(subscriber_ids)
    out: dict[int, History] = defaultdict(History)
    for start in range(0, len(ids), 5000):
        stmt = select(Digest.subscriber_id, Digest.created_at, Digest.status, Digest.posting_ids)
        stmt = stmt.where(Digest.subscriber_id.in_(ids[start : start + 5000]))
        if before is not None:
            stmt = stmt.where(Digest.created_at < before)
        for sid, created, status, posting_ids in session.execute(stmt):
            history = out[sid]
            if history.last_created is None or created > history.last_created:
                history.last_created = created
            if status in DELIVERED:
                history.sent_ids.update(int(i) for i in posting_ids or [])
    return out


def window_start(history: History, now: datetime) -> datetime:
    start = history.last_created or now - first_window("weekly")
    return max(start, now - MAX_WINDOW)


def load_changes(
    session: Session, since: datetime, until: datetime | None = None
) -> dict[int, list[PostingChange]]:
    stmt = select(PostingChange).where(
        PostingChange.changed_at >= since, PostingChange.field.in_(("status", "deadline"))
    )
    if until is not None:
        stmt = stmt.where(PostingChange.changed_at < until)
    out: dict[int, list[PostingChange]] = defaultdict(list)
    for change in session.scalars(stmt.order_by(PostingChange.id)):
        out[change.posting_id].append(change)
    return out


def change_text(change: PostingChange) -> str | None:
    old, new = change.old_value or "", change.new_value or ""
    if change.field == "status":
        if old == "open" and new == "closed":
            return "closed early"
        if old == "closed" and new == "open":
            return "reopened"
        return None
    if change.field == "deadline":
        if not new:
            return "deadline removed"
        day = new[:10]
        return f"deadline extended to {day}" if old and new > old else f"deadline now {day}"
    return None


@dataclass
class Plan:
    """The matched postings (best first, capped) and updates for one digest."""

    matches: list[Match]
    total: int
    changes: list[tuple[int, str]]  # (posting id, text)

    @property
    def empty(self) -> bool:
        return not self.matches and not self.changes

    @property
    def posting_ids(self) -> list[int]:
        return [m.posting_id for m in self.matches]


def plan(
    index: PostingIndex,
    profile: ProfileInput,
    since: datetime,
    history: History,
    changes: dict[int, list[PostingChange]],
    max_items: int,
) -> Plan:
    matches = index.match(profile, since=since, exclude_ids=history.sent_ids)
    notes: list[tuple[int, str]] = []
    for pid in sorted(history.sent_ids & changes.keys()):
        for change in changes[pid]:
            if change.changed_at >= since and (text := change_text(change)):
                notes.append((pid, text))
    return Plan(matches[:max_items], len(matches), notes)


def _role_order(role: str) -> int:
    return FALLBACK_ROLES.index(role) if role in FALLBACK_ROLES else len(FALLBACK_ROLES)


def sections(p: Plan, postings: dict[int, Posting]) -> list[Section]:
    by_role: dict[str, list[Item]] = defaultdict(list)
    programs: list[Item] = []
    closing: list[Item] = []
    for m in p.matches:
        item = Item(m.posting_id, m.why)
        role = postings[m.posting_id].role
        if m.closing_soon:
            closing.append(item)
        elif role in PROGRAM_ROLES:
            programs.append(item)
        else:
            by_role[role].append(item)
    out = [
        Section(f"New roles: {label(role).capitalize()}", items)
        for role, items in sorted(by_role.items(), key=lambda kv: (_role_order(kv[0]), kv[0]))
    ]
    if programs:
        out.append(Section("Programs: fellowships, residencies, courses and grants", programs))
    if closing:
        out.append(Section("Closing soon", closing))
    return out


def make_view(
    settings: Settings,
    subscriber: Subscriber,
    period: str,
    p: Plan,
    postings: dict[int, Posting],
) -> DigestView:
    profile = ProfileInput.of(subscriber.profile)
    base = settings.base_url.rstrip("/")
    n = len(p.matches)
    noun = "opportunity" if p.total == 1 else "opportunities"
    if p.matches:
        top = postings[p.matches[0].posting_id]
        subject = f"{p.total} new AI safety {noun}: {top.title} at {top.org_name}"
        preheader = f"Top match: {top.title} at {top.org_name}"
    else:
        subject = "Updates to AI safety postings we sent you"
        preheader = f"{len(p.changes)} update(s) to postings you were sent"
    changes = [
        {
            "title": postings[pid].title,
            "org": postings[pid].org_name,
            "url": f"{base}/postings/{pid}",
            "text": text,
        }
        for pid, text in p.changes
        if pid in postings
    ]
    return DigestView(
        subject=subject,
        preheader=preheader,
        heading=f"Your AI safety jobs digest ({period})",
        intro=f"{p.total} new matching {noun}" + (f", the best {n} below." if p.total > n else "."),
        email=subscriber.email,
        frequency=subscriber.frequency,
        sections=sections(p, postings),
        changes=changes,
        total=p.total,
        more=p.total > n,
        list_url=f"{base}/?" + urlencode(profile_filter(profile).to_params()),
        manage_url=link(settings, "manage", subscriber),
        unsubscribe_url=link(settings, "unsubscribe", subscriber),
        profile=describe_profile(profile),
        posting_ids=p.posting_ids,
    )


def message_id(settings: Settings, subscriber_id: int, period: str) -> str:
    return f"<digest.{subscriber_id}.{period}@{domain_of(settings)}>"


def digest_message(
    settings: Settings,
    subscriber: Subscriber,
    period: str,
    view: DigestView,
    renderer: Renderer,
    postings: dict[int, Posting],
) -> EmailMessage:
    html, text = renderer.render(view, postings)
    headers = {"List-Id": list_id(settings), **unsubscribe_headers(settings, subscriber)}
    return build_message(
        settings,
        to=subscriber.email,
        subject=view.subject,
        text=text,
        html=html,
        message_id=message_id(settings, subscriber.id, period),
        headers=headers,
    )


def compose_recorded(
    session: Session, settings: Settings, digest: Digest, renderer: Renderer, now: datetime
) -> EmailMessage:
    """Rebuild the message of a planned digest row from its recorded posting ids."""
    subscriber = digest.subscriber
    history = load_history(session, [subscriber.id], before=digest.created_at)[subscriber.id]
    since = window_start(history, digest.created_at)
    changes = load_changes(session, since, digest.created_at)
    ids = [int(i) for i in digest.posting_ids or []]
    index = PostingIndex.load(session, ids=set(ids) | (history.sent_ids & changes.keys()), now=now)
    profile = ProfileInput.of(subscriber.profile)
    found = {m.posting_id: m for m in index.match(profile)}
    soon = now + timedelta(days=14)
    matches = []
    for pid in ids:
        if pid not in index.postings:
            continue
        deadline = index.postings[pid].deadline
        closing = deadline is not None and now <= deadline <= soon
        why = "matched when this digest was planned"
        matches.append(found.get(pid) or Match(pid, 0.0, why, closing))
    total = len(matches)
    if total >= settings.digest_max_items:  # capped: count every match for "see all N"
        window = PostingIndex.load(session, since=since, now=now)
        total = max(total, len(window.match(profile, since=since, exclude_ids=history.sent_ids)))
    p = Plan(matches, total, plan(index, profile, since, history, changes, 0).changes)
    view = make_view(settings, subscriber, digest.period, p, index.postings)
    return digest_message(settings, subscriber, digest.period, view, renderer, index.postings)
