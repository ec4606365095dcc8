"""Filtering stored postings: the one query layer behind the CLI, the web UI, the API and feeds.

Facet semantics everywhere: values within one facet are OR, facets are AND, an empty
facet means any. Role, skill and country facets go through the indexed ``posting_tags``
table. Pagination is keyset-based on (sort key, id) with an opaque cursor.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, intersect, literal, or_, select
from sqlalchemy.orm import Session, defer, selectinload

from aggregator.db.models import Organization, Posting, PostingSource, PostingTag, Source, utcnow
from aggregator.errors import UserError

SORTS = ("newest", "deadline", "relevance")
REMOTE_MODES = ("remote", "hybrid", "onsite", "unspecified")
MAX_DAYS = 3650
MAX_ID = 2**31 - 1
_NO_DEADLINE = datetime(9999, 1, 1)
DENSE = 0.2  # tag facets matching at least this share of postings are checked per row
DRIVE_BELOW = 400  # fewer expected matches than this: fetch them by id
PLAN_MIN_TOTAL = 2000  # smaller databases: always the simple per-row plan


class InvalidQuery(UserError):
    """A filter value or cursor that cannot be used."""


@dataclass
class PostingFilter:
    """Every filter of the postings list. Field names are the URL query parameter names."""

    role: list[str] = field(default_factory=list)
    skill: list[str] = field(default_factory=list)
    org: list[str] = field(default_factory=list)  # organization slug or name
    org_type: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)  # ISO 3166 alpha-2
    remote: list[str] = field(default_factory=list)  # remote | hybrid | onsite | unspecified
    seniority: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)  # source key
    q: str = ""
    posted_within: int | None = None  # days
    deadline_within: int | None = None  # days
    has_salary: bool | None = None
    min_salary: float | None = None
    status: str = "open"  # open | closed | all
    sort: str = "newest"

    def is_empty(self) -> bool:
        return self == PostingFilter(status=self.status, sort=self.sort)

    def to_params(self) -> list[tuple[str, str]]:
        """Query parameters reproducing this filter (lists repeat), defaults left out."""
        default = PostingFilter()
        params: list[tuple[str, str]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name) or value is None or value == "":
                continue
            if isinstance(value, list):
                params.extend((f.name, str(v)) for v in value)
            elif isinstance(value, bool):
                params.append((f.name, "true" if value else "false"))
            else:
                params.append((f.name, str(value)))
        return params


@dataclass
class Page:
    items: list[Posting]
    next_cursor: str | None
    total: int | None = None


def _tag_clause(kind: str, values: list[str]) -> Any:
    return exists().where(
        PostingTag.posting_id == Posting.id,
        PostingTag.kind == kind,
        PostingTag.value.in_(values),
    )


def _words(text: str) -> list[str]:
    return [w for w in text.lower().split() if w][:10]


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _text_clause(text: str) -> Any:
    """Every word must appear in the title, org or description (case-insensitive)."""
    clauses = []
    for word in _words(text):
        pattern = _like_pattern(word)
        clauses.append(
            or_(
                Posting.title.ilike(pattern, escape="\\"),
                Posting.org_name.ilike(pattern, escape="\\"),
                Posting.description_text.ilike(pattern, escape="\\"),
            )
        )
    return and_(*clauses)


def _tag_facets(f: PostingFilter) -> list[tuple[str, list[str]]]:
    facets = (("role", f.role), ("skill", f.skill), ("country", [c.upper() for c in f.country]))
    return [(kind, values) for kind, values in facets if values]


_totals: dict[str, tuple[float, int]] = {}


def _total_postings(session: Session) -> int:
    """Number of postings, cached for a minute per database (only a planning estimate)."""
    key = str(session.get_bind().engine.url)
    cached = _totals.get(key)
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    total = int(session.scalar(select(func.count()).select_from(Posting)) or 0)
    _totals[key] = (time.monotonic(), total)
    return total


def _tag_ids(session: Session, f: PostingFilter) -> Any:
    """A plan for the tag facets: None keeps per-row EXISTS checks (common tags: walking
    postings newest-first finds a page quickly); otherwise an IN over the INTERSECT of the
    tag index. On SQLite a rare combination drives the query by id, a middling one is a
    membership test while walking the (status, first_seen_at) index (``id + 0`` stops
    SQLite from driving by id, which would read every matching row)."""
    facets = _tag_facets(f)
    if not facets:
        return None
    total = _total_postings(session)
    if total < PLAN_MIN_TOTAL:
        return None
    density = 1.0
    for kind, values in facets:
        n = session.scalar(
            select(func.count())
            .select_from(PostingTag)
            .where(PostingTag.kind == kind, PostingTag.value.in_(values))
        )
        density *= (n or 0) / total
    if density >= DENSE:
        return None
    parts = [
        select(PostingTag.posting_id).where(PostingTag.kind == kind, PostingTag.value.in_(values))
        for kind, values in facets
    ]
    ids = intersect(*parts) if len(parts) > 1 else parts[0]
    if session.get_bind().dialect.name == "sqlite" and density * total > DRIVE_BELOW:
        return (Posting.id + 0).in_(ids)
    return Posting.id.in_(ids)


def filter_clauses(
    f: PostingFilter, now: datetime | None = None, *, tag_ids: Any = None
) -> list[Any]:
    """SQL conditions on ``Posting`` for a filter (without sorting or paging).

    ``tag_ids`` (a condition from :func:`_tag_ids`) replaces the per-row tag checks."""
    now = now or utcnow()
    clauses: list[Any] = []
    if f.status in ("open", "closed"):
        clauses.append(Posting.status == f.status)
    elif f.status != "all":
        raise InvalidQuery(f"unknown status {f.status!r}: use open, closed or all")
    if tag_ids is not None:
        clauses.append(tag_ids)
    else:
        clauses.extend(_tag_clause(kind, values) for kind, values in _tag_facets(f))
    if f.org:
        lowered = [o.lower() for o in f.org]
        clauses.append(
            or_(
                Posting.organization.has(Organization.slug.in_(lowered)),
                func.lower(Posting.org_name).in_(lowered),
            )
        )
    if f.org_type:
        clauses.append(Posting.org_type.in_(f.org_type))
    if f.remote:
        bad = set(f.remote) - set(REMOTE_MODES)
        if bad:
            modes = ", ".join(REMOTE_MODES)
            raise InvalidQuery(f"unknown remote mode {sorted(bad)[0]!r}: use {modes}")
        clauses.append(Posting.remote.in_(f.remote))
    if f.seniority:
        clauses.append(Posting.seniority.in_(f.seniority))
    if f.source:
        clauses.append(
            exists().where(
                PostingSource.posting_id == Posting.id,
                PostingSource.source_id == Source.id,
                Source.key.in_(f.source),
            )
        )
    if f.q.strip():
        clauses.append(_text_clause(f.q))
    if f.posted_within is not None:
        days = max(0, min(f.posted_within, MAX_DAYS))
        clauses.append(Posting.first_seen_at >= now - timedelta(days=days))
    if f.deadline_within is not None:
        days = max(0, min(f.deadline_within, MAX_DAYS))
        clauses.append(Posting.deadline.is_not(None))
        clauses.append(Posting.deadline >= now)
        clauses.append(Posting.deadline <= now + timedelta(days=days))
    if f.has_salary is True:
        clauses.append(or_(Posting.salary_min.is_not(None), Posting.salary_max.is_not(None)))
    elif f.has_salary is False:
        clauses.append(and_(Posting.salary_min.is_(None), Posting.salary_max.is_(None)))
    if f.min_salary is not None:
        clauses.append(func.coalesce(Posting.salary_max, Posting.salary_min) >= f.min_salary)
    return clauses


def _encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        last_id = values[1]
        if isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 <= last_id <= MAX_ID:
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidQuery("malformed cursor") from None


def _cursor_time(value: Any) -> datetime:
    when = datetime.fromisoformat(str(value))
    return (
        when.replace(tzinfo=None)
        if when.tzinfo is None
        else when.astimezone(UTC).replace(tzinfo=None)
    )


def _relevance(text: str) -> Any:
    """A simple score: each query word in the title counts 3, in the org 2, elsewhere 1."""
    score: Any = literal(0)
    for word in _words(text):
        pattern = _like_pattern(word)
        score = score + case((Posting.title.ilike(pattern, escape="\\"), 3), else_=0)
        score = score + case((Posting.org_name.ilike(pattern, escape="\\"), 2), else_=0)
    return score


def _order_and_keyset(
    stmt: Select[Any], f: PostingFilter, cursor: str | None
) -> tuple[Select[Any], int]:
    """Apply the sort order and, for a cursor, the keyset condition (or offset for relevance)."""
    sort = f.sort
    if sort not in SORTS:
        raise InvalidQuery(f"unknown sort {sort!r}: use {', '.join(SORTS)}")
    key: Any
    if sort == "relevance" and f.q.strip():
        offset = 0
        if cursor:
            tag, offset = _decode_cursor(cursor)
            if tag != "offset" or offset > 100_000:
                raise InvalidQuery("malformed cursor")
        order: tuple[Any, ...] = (
            _relevance(f.q).desc(),
            Posting.first_seen_at.desc(),
            Posting.id.desc(),
        )
        return stmt.order_by(*order).offset(offset), offset
    if sort == "deadline":
        # Postings without a deadline sort last: far-future sentinel keeps keysets simple.
        key = func.coalesce(Posting.deadline, _NO_DEADLINE)
        order = (key.asc(), Posting.id.asc())
        if cursor:
            value, last_id = _decode_cursor(cursor)
            when = _cursor_time(value)
            stmt = stmt.where(or_(key > when, and_(key == when, Posting.id > last_id)))
    else:
        key = Posting.first_seen_at
        order = (key.desc(), Posting.id.desc())
        if cursor:
            value, last_id = _decode_cursor(cursor)
            when = _cursor_time(value)
            stmt = stmt.where(or_(key < when, and_(key == when, Posting.id < last_id)))
    return stmt.order_by(*order), -1


def search_postings(
    session: Session,
    f: PostingFilter,
    *,
    limit: int = 20,
    cursor: str | None = None,
    now: datetime | None = None,
    details: bool = True,
    related: bool = True,
) -> Page:
    """One page of postings matching ``f``, with the cursor of the next page.

    ``details=False`` leaves out the description and classification (loaded on access);
    ``related=False`` does not load tags, organization and sources (use
    :func:`related_values` for a cheap summary of them)."""
    limit = max(1, min(limit, 500))
    tag_ids = _tag_ids(session, f)
    stmt: Select[Any] = select(Posting).where(*filter_clauses(f, now, tag_ids=tag_ids))
    if related:
        stmt = stmt.options(
            selectinload(Posting.tags),
            selectinload(Posting.organization),
            selectinload(Posting.sources).selectinload(PostingSource.source),
        )
    if not details:
        stmt = stmt.options(
            defer(Posting.description_html),
            defer(Posting.description_text),
            defer(Posting.classification),
        )
    try:
        stmt, offset = _order_and_keyset(stmt, f, cursor)
    except (ValueError, TypeError, OverflowError):
        raise InvalidQuery("malformed cursor") from None
    rows = list(session.scalars(stmt.limit(limit + 1)))
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        if offset >= 0:
            next_cursor = _encode_cursor(["offset", offset + limit])
        elif f.sort == "deadline":
            value = (last.deadline or _NO_DEADLINE).replace(tzinfo=None).isoformat()
            next_cursor = _encode_cursor([value, last.id])
        else:
            value = last.first_seen_at.replace(tzinfo=None).isoformat()
            next_cursor = _encode_cursor([value, last.id])
    return Page(items=items, next_cursor=next_cursor)


def get_posting(session: Session, posting_id: int) -> Posting | None:
    """One posting with its tags, organization, sources and change history loaded."""
    return session.scalar(
        select(Posting)
        .where(Posting.id == posting_id)
        .options(
            selectinload(Posting.tags),
            selectinload(Posting.changes),
            selectinload(Posting.organization),
            selectinload(Posting.sources).selectinload(PostingSource.source),
        )
    )


def count_postings(session: Session, f: PostingFilter, now: datetime | None = None) -> int:
    stmt = select(func.count()).select_from(Posting).where(*filter_clauses(f, now))
    return int(session.scalar(stmt) or 0)


@dataclass
class Related:
    """Tag values, source keys and organization slug of one posting (plain values)."""

    roles: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    org_slug: str | None = None


def related_values(session: Session, postings: list[Posting]) -> dict[int, Related]:
    """:class:`Related` of each posting in three small queries, without ORM objects."""
    ids = [p.id for p in postings]
    out = {i: Related() for i in ids}
    if not ids:
        return out
    tags = select(PostingTag.posting_id, PostingTag.kind, PostingTag.value).where(
        PostingTag.posting_id.in_(ids), PostingTag.kind.in_(("role", "skill"))
    )
    for pid, kind, value in session.execute(tags.order_by(PostingTag.value)):
        (out[pid].roles if kind == "role" else out[pid].skills).append(value)
    keys = (
        select(PostingSource.posting_id, Source.key)
        .join(Source, Source.id == PostingSource.source_id)
        .where(PostingSource.posting_id.in_(ids))
        .order_by(Source.key)
    )
    for pid, key in session.execute(keys):
        if key not in out[pid].sources:
            out[pid].sources.append(key)
    org_ids = {p.organization_id for p in postings if p.organization_id}
    if org_ids:
        slugs = dict(
            session.execute(
                select(Organization.id, Organization.slug).where(Organization.id.in_(org_ids))
            ).all()
        )
        for p in postings:
            out[p.id].org_slug = slugs.get(p.organization_id) if p.organization_id else None
    return out


def tag_values(posting: Posting, kind: str) -> list[str]:
    return sorted(t.value for t in posting.tags if t.kind == kind)


def source_keys(posting: Posting) -> list[str]:
    return sorted({ps.source.key for ps in posting.sources if ps.source is not None})
