"""What goes into one subscriber's digest: matched new postings in sections, and updates.

Sections: new roles grouped by role, programs (fellowship, residency, course, grant),
closing soon (deadline within 14 days; a posting shown there is not repeated in the
others), and changes to postings already sent to the subscriber.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.batches import batched
from aggregator.db.models import Digest, Posting, PostingChange, Subscriber
from aggregator.digest.periods import first_window
from aggregator.digest.render import DigestView, Item, Renderer, Section, unsubscribe_headers
from aggregator.mail.message import build_message, clean_header, domain_of, list_id
from aggregator.matching.candidates import PROGRAM_ROLES, Match
from aggregator.matching.index import PostingIndex
from aggregator.presentation.labels import label
from aggregator.profiles import FALLBACK_ROLES, ProfileInput, describe_profile, profile_filter
from aggregator.settings import Settings
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
    for batch in batched(ids, 5000):
        stmt = select(Digest.subscriber_id, Digest.created_at, Digest.status, Digest.posting_ids)
        stmt = stmt.where(Digest.subscriber_id.in_(batch))
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
        if old in ("closed", "expired") and new == "open":
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


def update_notes(
    history: History,
    changes: dict[int, list[PostingChange]],
    since: datetime,
    until: datetime | None = None,
) -> list[tuple[int, str]]:
    """Changes (closed early, deadline moved) to postings already sent to the subscriber."""
    notes: list[tuple[int, str]] = []
    for pid in sorted(history.sent_ids & changes.keys()):
        for change in changes[pid]:
            if change.changed_at < since or (until is not None and change.changed_at >= until):
                continue
            if text := change_text(change):
                notes.append((pid, text))
    return notes


def plan(
    index: PostingIndex,
    profile: ProfileInput,
    since: datetime,
    history: History,
    changes: dict[int, list[PostingChange]],
    max_items: int,
) -> Plan:
    matches, total = index.top(profile, max_items, since=since, exclude_ids=history.sent_ids)
    return Plan(matches, total, update_notes(history, changes, since))


def _role_order(role: str) -> int:
    return FALLBACK_ROLES.index(role) if role in FALLBACK_ROLES else len(FALLBACK_ROLES)


def distinct_reasons(whys: list[str]) -> list[str]:
    """Each item's "Why: ..." line naming only what it met that not every other item
    did ("skills: evals", "location: GB"); "" when it met just what all of them met."""
    parts = [[r for r in why.split("; ") if r] for why in whys]
    common = set.intersection(*(set(p) for p in parts)) if len(parts) > 1 else set()
    out = []
    for reasons in parts:
        own = [r for r in reasons if r not in common]
        out.append("  Why: " + "; ".join(own) if own else "")
    return out


def sections(p: Plan, postings: Mapping[int, Posting]) -> list[Section]:
    by_role: dict[str, list[Item]] = defaultdict(list)
    programs: list[Item] = []
    closing: list[Item] = []
    whys = distinct_reasons([m.why for m in p.matches])
    for m, why in zip(p.matches, whys, strict=True):
        item = Item(m.posting_id, why)
        role = postings[m.posting_id].role
        if m.closing_soon:
            closing.append(item)
        elif role in PROGRAM_ROLES:
            programs.append(item)
        else:
            by_role[role].append(item)
    out = [Section("Closing soon", closing)] if closing else []
    out += [
        Section(f"New roles: {label(role, 'role')}", items)
        for role, items in sorted(by_role.items(), key=lambda kv: (_role_order(kv[0]), kv[0]))
    ]
    if programs:
        out.append(Section("Programs: fellowships, residencies, courses and grants", programs))
    return out


SUBJECT_LIMIT = 110


def _is_board(p: Posting) -> bool:
    """Forum posts and job boards name the board, not the employer, as organization."""
    return p.organization is not None and p.organization.org_type == "board"


def _subject_name(p: Posting) -> str:
    """ "Research Engineer at Anthropic"; "MATS Winter 2027" when the title names the
    organization already (or the organization is only a board)."""
    title = clean_header(p.title, 200)
    org = clean_header(p.org_name or "", 100)
    if not org or _is_board(p) or org.casefold() in title.casefold():
        return title
    return f"{title} at {org}"


def subject_line(total: int, shown: list[Posting]) -> str:
    """ "7 new matches: Research Engineer at Anthropic, MATS Winter 2027 and 5 more": the
    best matches from real employers first, as many whole names as fit, so the count
    always shows and no name is cut in the middle unless one alone is too long."""
    prefix = f"{total} new match{'' if total == 1 else 'es'}: "
    ranked = [p for p in shown if not _is_board(p)] + [p for p in shown if _is_board(p)]
    names = list(dict.fromkeys(_subject_name(p) for p in ranked))[:2]

    def line(named: list[str]) -> str:
        more = total - len(named)
        tail = f" and {more} more" if more > 0 else ""
        body = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        if more > 0 and len(named) > 1:
            body = ", ".join(named)
        return prefix + body + tail

    for count in range(len(names), 0, -1):
        if len(line(names[:count])) <= SUBJECT_LIMIT:
            return line(names[:count])
    more = total - 1
    tail = f" and {more} more" if more > 0 else ""
    room = max(SUBJECT_LIMIT - len(prefix) - len(tail), 20)
    return prefix + clean_header(names[0], room) + tail


def make_view(
    settings: Settings,
    subscriber: Subscriber,
    period: str,
    p: Plan,
    postings: Mapping[int, Posting],
    profile: ProfileInput | None = None,
    urls: tuple[str, str] | None = None,
    programs: list[dict[str, str]] | None = None,
) -> DigestView:
    """The digest's content; ``urls`` are the (manage, unsubscribe) links when the
    caller made them already."""
    profile = profile or ProfileInput.of(subscriber.profile)
    if urls is None:
        urls = (link(settings, "manage", subscriber), link(settings, "unsubscribe", subscriber))
    base = settings.base_url.rstrip("/")
    n = len(p.matches)
    noun = "opportunity" if p.total == 1 else "opportunities"
    if p.matches:
        shown = [postings[m.posting_id] for m in p.matches]
        subject = subject_line(p.total, shown)
        top = shown[0]
        preheader = clean_header(f"Top match: {top.title} at {top.org_name}")
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
        manage_url=urls[0],
        unsubscribe_url=urls[1],
        profile=describe_profile(profile),
        posting_ids=p.posting_ids,
        programs=list(programs or []),
    )


def message_id(settings: Settings, subscriber_id: int, period: str) -> str:
    return f"<digest.{subscriber_id}.{period}@{domain_of(settings)}>"


def digest_message(
    settings: Settings,
    subscriber: Subscriber,
    period: str,
    view: DigestView,
    renderer: Renderer,
    postings: Mapping[int, Posting] | None = None,
) -> EmailMessage:
    html, text = renderer.render(view, postings)
    headers = {"List-Id": list_id(settings), **unsubscribe_headers(settings, view.unsubscribe_url)}
    return build_message(
        settings,
        to=subscriber.email,
        subject=view.subject,
        text=text,
        html=html,
        message_id=message_id(settings, subscriber.id, period),
        headers=headers,
    )
