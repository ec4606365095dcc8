"""Applying normalized data to stored postings: source merging, changes and tags.

Used by :mod:`aggregator.ingest`. When several sources list one posting, the employer's
ATS wins over a board (``eighty_k``, ``feed``) for display fields, and fields missing
from the preferred source are filled from the others (e.g. the board's deadline).
Every change a digest can mention (title, deadline, salary, locations, status) is kept
as a :class:`PostingChange` row.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from aggregator import clock
from aggregator.db.models import (
    Organization,
    Posting,
    PostingChange,
    PostingSource,
    PostingTag,
    Source,
)
from aggregator.items import RawPosting
from aggregator.logs import log
from aggregator.normalize.posting import NormalizedPosting, content_hash, normalize

logger = logging.getLogger(__name__)
BOARD_PLATFORMS = frozenset({"eighty_k", "feed", "rss"})
# Fields copied onto Posting (roles and skills live in posting_tags).
POSTING_FIELDS = tuple(
    name for name in NormalizedPosting.__dataclass_fields__ if name not in ("roles", "skills")
)
# Groups filled together from a secondary source when the preferred one lacks them.
FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("apply_url",),
    ("description_html", "description_text"),
    ("locations", "cities", "countries"),
    ("employment_type",),
    ("department",),
    ("posted_at",),
    ("deadline", "deadline_rolling"),
    ("salary_min", "salary_max", "salary_currency", "salary_period", "salary_text"),
)
TAG_VALUE_MAX = 80


def is_board(source: Source) -> bool:
    """A second-hand source (job board or feed) rather than the employer's own ATS."""
    org = source.organization
    return source.platform in BOARD_PLATFORMS or (org is not None and org.org_type == "board")


def org_key(name: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    while words and words[-1] in {"inc", "llc", "ltd", "pbc", "limited", "gmbh", "corp", "co"}:
        words.pop()
    return " ".join(words)


def employer(source: Source, raw: RawPosting, orgs: dict[str, Organization]) -> Organization | None:
    """The posting's organization: the source's own, or for a board the named employer."""
    if source.organization is not None and not is_board(source):
        return source.organization
    return orgs.get(org_key(raw.org)) if isinstance(raw.org, str) else None


def normalize_for(
    source: Source,
    raw: RawPosting,
    orgs: dict[str, Organization],
    *,
    now: datetime,
    taxonomy: Any = None,
) -> tuple[NormalizedPosting, Organization | None]:
    """Normalize a record of ``source`` with the registry's org name and type."""
    org = employer(source, raw, orgs)
    if org is not None:
        raw = replace(raw, org=org.name)
    org_type = org.org_type if org is not None else None
    return normalize(raw, org_type=org_type, now=now, taxonomy=taxonomy), org


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(candidates: list[NormalizedPosting]) -> NormalizedPosting:
    """The first candidate, with each empty field group filled from the next ones."""
    merged = replace(candidates[0])
    for other in candidates[1:]:
        for group in FILL_GROUPS:
            if all(_empty(getattr(merged, f)) for f in group) and not all(
                _empty(getattr(other, f)) for f in group
            ):
                for name in group:
                    setattr(merged, name, getattr(other, name))
        if merged.remote == "unspecified" and other.remote != "unspecified":
            merged.remote = other.remote
    if len(candidates) > 1:
        merged.content_hash = content_hash(merged)
    return merged


def _salary(p: Posting | NormalizedPosting) -> str | None:
    if p.salary_min is None and p.salary_max is None:
        return None
    low = "" if p.salary_min is None else f"{p.salary_min:g}"
    high = "" if p.salary_max is None else f"{p.salary_max:g}"
    return f"{low}-{high} {p.salary_currency or ''}/{p.salary_period or ''}".strip()


def _deadline(p: Posting | NormalizedPosting) -> str | None:
    if p.deadline is not None:
        return p.deadline.isoformat()
    return "rolling" if p.deadline_rolling else None


TRACKED = {
    "title": lambda p: p.title,
    "deadline": _deadline,
    "salary": _salary,
    "locations": lambda p: "; ".join(p.locations or []) or None,
}


def record_change(
    posting: Posting, field: str, old: str | None, new: str | None, now: datetime
) -> None:
    # Through the backref: an unloaded ``posting.changes`` is not loaded for this.
    change = PostingChange(
        posting=posting, field=field, old_value=old, new_value=new, changed_at=now
    )
    session = object_session(posting)
    if session is not None:
        session.add(change)


def apply(
    posting: Posting, data: NormalizedPosting, *, now: datetime, record_changes: bool
) -> bool:
    """Copy ``data`` onto ``posting``; True when anything a user sees changed."""
    before = {name: get(posting) for name, get in TRACKED.items()} if record_changes else {}
    changed = posting.content_hash != data.content_hash
    for name in POSTING_FIELDS:
        value = getattr(data, name)
        if getattr(posting, name) != value:
            setattr(posting, name, value)
    for name, get in TRACKED.items():
        if record_changes and before[name] != get(data):
            record_change(posting, name, before[name], get(data), now)
    sync_tags(posting, data)
    return changed


def desired_tags(data: NormalizedPosting) -> dict[tuple[str, str], float]:
    tags: dict[tuple[str, str], float] = {}
    for entry in data.roles:
        key = ("role", str(entry["role"])[:TAG_VALUE_MAX])
        tags[key] = max(float(entry.get("confidence", 1.0)), tags.get(key, 0.0))
    tags.setdefault(("role", data.role[:TAG_VALUE_MAX]), 1.0)
    for skill in data.skills:
        tags[("skill", skill[:TAG_VALUE_MAX])] = 1.0
    for country in data.countries:
        tags[("country", country[:TAG_VALUE_MAX])] = 1.0
    return tags


def sync_tags(posting: Posting, data: NormalizedPosting) -> None:
    """Make ``posting.tags`` exactly the roles, skills and countries of ``data``."""
    wanted = desired_tags(data)
    for tag in list(posting.tags):
        key = (tag.kind, tag.value)
        if key not in wanted:
            posting.tags.remove(tag)
        elif tag.confidence != wanted[key]:
            tag.confidence = wanted[key]
    have = {(t.kind, t.value) for t in posting.tags}
    for (kind, value), confidence in wanted.items():
        if (kind, value) not in have:
            posting.tags.append(PostingTag(kind=kind, value=value, confidence=confidence))


def set_status(posting: Posting, status: str, now: datetime) -> None:
    """Open or close ``posting``, logging the change."""
    if posting.status == status:
        return
    record_change(posting, "status", posting.status, status, now)
    posting.status = status
    posting.closed_at = now if status == "closed" else None


def posting_load_options() -> Any:
    return (
        selectinload(Posting.tags),
        selectinload(Posting.sources).selectinload(PostingSource.source),
    )


def load_orgs(session: Session) -> dict[str, Organization]:
    """Organizations by normalized name and slug, for employers named by boards."""
    orgs: dict[str, Organization] = {}
    for org in session.scalars(select(Organization)):
        orgs.setdefault(org_key(org.slug), org)
        orgs[org_key(org.name)] = org
    return orgs


def reclassify(session: Session, *, taxonomy: Any = None, now: datetime | None = None) -> int:
    """Re-normalize every posting from its stored raw records; how many changed.

    Applies a changed taxonomy (or improved parsers) everywhere. No change rows are
    written (nothing happened at the source). The caller commits.
    """
    now = now or clock.now()
    changed = 0
    last_id = 0
    orgs = load_orgs(session)
    while True:
        batch = list(
            session.scalars(
                select(Posting)
                .where(Posting.id > last_id)
                .order_by(Posting.id)
                .limit(200)
                .options(*posting_load_options())
            )
        )
        if not batch:
            return changed
        for posting in batch:
            last_id = posting.id
            if _reclassify_one(session, posting, orgs, taxonomy, now):
                changed += 1
        session.flush()


def _reclassify_one(
    session: Session, posting: Posting, orgs: dict[str, Organization], taxonomy: Any, now: datetime
) -> bool:
    active = [ps for ps in posting.sources if ps.removed_at is None] or list(posting.sources)
    ranked = []
    for ps in active:
        try:
            raw = RawPosting.from_dict(ps.raw)
            data, _ = normalize_for(ps.source, raw, orgs, now=now, taxonomy=taxonomy)
        except Exception as exc:
            log(logger, logging.WARNING, "reclassify_skipped", posting=posting.id, error=exc)
            continue
        ranked.append(((is_board(ps.source), ps.id), data))
    if not ranked:
        return False
    ranked.sort(key=lambda pair: pair[0])
    merged = merge([data for _, data in ranked])
    before = (posting.content_hash, posting.classification, posting.taxonomy_version)
    with session.no_autoflush:
        apply(posting, merged, now=now, record_changes=False)
    return before != (posting.content_hash, posting.classification, posting.taxonomy_version)


def seen_again(ps: PostingSource, now: datetime) -> str:
    """An unchanged listing: refresh the seen times, reopen a closed posting."""
    ps.last_seen_at = now
    ps.removed_at = None
    posting = ps.posting
    posting.last_seen_at = now
    if posting.status == "closed":
        set_status(posting, "open", now)
        return "reopened"
    return "unchanged"


def close_missing(existing: dict[str, PostingSource], seen: set[str], now: datetime) -> int:
    closed = 0
    for ext, ps in existing.items():
        if ext in seen or ps.removed_at is not None:
            continue
        ps.removed_at = now
        posting = ps.posting
        if posting.status == "open" and all(s.removed_at is not None for s in posting.sources):
            set_status(posting, "closed", now)
            closed += 1
    return closed
