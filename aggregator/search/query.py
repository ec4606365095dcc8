"""Pages of postings for a filter, one posting, counts, and plain related values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session, defer, selectinload

from aggregator.db.models import Organization, Posting, PostingSource, PostingTag, Source
from aggregator.search.filters import PostingFilter, filter_clauses, tag_plan
from aggregator.search.keyset import by_relevance, next_cursor, order_and_keyset
from aggregator.search.text import text_plan

T = TypeVar("T")

# The columns of a posting in lists (API, export): no description or classification.
LIST_COLUMNS = (
    Posting.id,
    Posting.organization_id,
    Posting.title,
    Posting.org_name,
    Posting.org_type,
    Posting.url,
    Posting.apply_url,
    Posting.locations,
    Posting.countries,
    Posting.remote,
    Posting.role,
    Posting.seniority,
    Posting.salary_min,
    Posting.salary_max,
    Posting.salary_currency,
    Posting.salary_period,
    Posting.salary_text,
    Posting.deadline,
    Posting.deadline_rolling,
    Posting.posted_at,
    Posting.first_seen_at,
    Posting.status,
)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int | None = None


def _page(
    session: Session,
    stmt: Select[Any],
    f: PostingFilter,
    limit: int,
    cursor: str | None,
    now: datetime | None,
    *,
    scalars: bool = False,
) -> tuple[list[Any], str | None]:
    limit = max(1, min(limit, 500))
    dialect = session.get_bind().dialect.name
    relevance = by_relevance(f)
    clauses = filter_clauses(
        f,
        now,
        dialect=dialect,
        tag_ids=tag_plan(session, f),
        text=not relevance,
        text_match=None if relevance else text_plan(session, f.q),
    )
    stmt, offset = order_and_keyset(stmt.where(*clauses), f, cursor, dialect)
    result = session.execute(stmt.limit(limit + 1))
    rows = list(result.scalars() if scalars else result)
    return rows[:limit], next_cursor(f, rows, limit, offset)


def search_postings(
    session: Session,
    f: PostingFilter,
    *,
    limit: int = 20,
    cursor: str | None = None,
    now: datetime | None = None,
    details: bool = True,
    related: bool = True,
) -> Page[Posting]:
    """One page of postings matching ``f``, with the cursor of the next page.

    ``details=False`` leaves out the description and classification (loaded on access);
    ``related=False`` does not load tags, organization and sources (use
    :func:`related_values` for a cheap summary of them)."""
    stmt: Select[Any] = select(Posting)
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
    rows, cursor_after = _page(session, stmt, f, limit, cursor, now, scalars=True)
    return Page(items=rows, next_cursor=cursor_after)


def search_rows(
    session: Session,
    f: PostingFilter,
    *,
    limit: int = 20,
    cursor: str | None = None,
    now: datetime | None = None,
) -> Page[Row[Any]]:
    """Like :func:`search_postings` but plain rows of :data:`LIST_COLUMNS` (attribute
    access by column name), without ORM objects: the cheap path for lists."""
    rows, cursor_after = _page(session, select(*LIST_COLUMNS), f, limit, cursor, now)
    return Page(items=rows, next_cursor=cursor_after)


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
    dialect = session.get_bind().dialect.name
    stmt = select(func.count()).select_from(Posting)
    stmt = stmt.where(*filter_clauses(replace(f, sort="newest"), now, dialect=dialect))
    return int(session.scalar(stmt) or 0)


@dataclass
class Related:
    """Tag values, source keys and organization slug of one posting (plain values)."""

    roles: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    org_slug: str | None = None


def related_values(session: Session, postings: Sequence[Any]) -> dict[int, Related]:
    """:class:`Related` of each posting (ORM object or row with ``id`` and
    ``organization_id``) in three small queries, without ORM objects."""
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
