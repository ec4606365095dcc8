"""Pages of postings for a filter, one posting, counts, and plain related values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, func, select, text, true
from sqlalchemy.orm import Session, aliased, defer, selectinload

from aggregator.db.models import Organization, Posting, PostingSource, Source
from aggregator.search.filters import POSTED_DATE, PostingFilter, filter_clauses, tag_plan
from aggregator.search.keyset import by_relevance, next_cursor, order_and_keyset
from aggregator.search.text import ranking_floor, text_completions, text_plan

T = TypeVar("T")
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")  # this transaction

_org = aliased(Organization)
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
    Posting.cities,
    Posting.countries,
    Posting.remote,
    Posting.employment_type,
    Posting.department,
    Posting.role,
    Posting.seniority,
    Posting.phd_required,
    Posting.ml_experience_required,
    Posting.safety_relevance,
    Posting.salary_min,
    Posting.salary_max,
    Posting.salary_currency,
    Posting.salary_period,
    Posting.salary_text,
    Posting.deadline,
    Posting.deadline_rolling,
    Posting.posted_at,
    Posting.first_seen_at,
    Posting.last_seen_at,
    Posting.closed_at,
    Posting.status,
    _org.slug.label("org_slug"),
)
# Built once (statements are immutable); an alias so that the org filter's EXISTS over
# organizations does not correlate with this join.
_LIST_SELECT: Select[Any] = select(*LIST_COLUMNS).outerjoin(
    _org, _org.id == Posting.organization_id
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
    if dialect == "postgresql":
        # psycopg prepares a statement run five times; its generic plan knows neither the
        # tag values nor the LIMIT and reads every match (80 ms instead of 15 ms).
        session.execute(_CUSTOM_PLANS)
    relevance = by_relevance(f)
    clauses = filter_clauses(
        f,
        now,
        dialect=dialect,
        tag_ids=tag_plan(session, f),
        text=not relevance,
        text_match=None if relevance else text_plan(session, f.q),
    )
    stmt = stmt.where(*clauses)
    floor = ranking_floor(session, f.q) if relevance else None
    completed = text_completions(session, f.q) if relevance else None
    ranked, offset = order_and_keyset(stmt, f, cursor, dialect, floor, completed)

    def fetch(query: Select[Any]) -> list[Any]:
        result = session.execute(query)
        return list(result.scalars() if scalars else result)

    rows = fetch(ranked.limit(limit + 1))
    if floor is not None and len(rows) <= limit:
        # Past the ranked window: the older matches follow, newest first.
        if rows:
            skip = 0
        else:
            in_window = order_and_keyset(stmt, f, None, dialect, floor, completed)[0]
            in_window = in_window.order_by(None)
            ranked_count = session.scalar(select(func.count()).select_from(in_window.subquery()))
            skip = max(0, offset - int(ranked_count or 0))
        matching = text_plan(session, f.q)
        older = stmt.where(Posting.id < floor, matching if matching is not None else true())
        older = older.order_by(POSTED_DATE.desc(), Posting.id.desc())
        rows += fetch(older.offset(skip).limit(limit + 1 - len(rows)))
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
    extra: tuple[Any, ...] = (),
) -> Page[Row[Any]]:
    """Like :func:`search_postings` but plain rows of :data:`LIST_COLUMNS` and the
    ``extra`` columns (attribute access by column name, plus ``org_slug``), without ORM
    objects: the cheap path for lists."""
    stmt = _LIST_SELECT.add_columns(*extra) if extra else _LIST_SELECT
    rows, cursor_after = _page(session, stmt, f, limit, cursor, now)
    return Page(items=rows, next_cursor=cursor_after)


def rows_by_id(session: Session, ids: Sequence[int]) -> list[Row[Any]]:
    """Rows of :data:`LIST_COLUMNS` (as :func:`search_rows` gives) of the postings ``ids``,
    in that order (an id no longer stored is left out)."""
    if not ids:
        return []
    found = {row.id: row for row in session.execute(_LIST_SELECT.where(Posting.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def get_posting(session: Session, posting_id: int) -> Posting | None:
    """One posting with its tags, organization, sources and change history loaded."""
    return session.scalar(
        select(Posting)
        .where(Posting.id == posting_id)
        .options(
            selectinload(Posting.tags),
            selectinload(Posting.changes),
            selectinload(Posting.organization),
            selectinload(Posting.sources)
            .selectinload(PostingSource.source)
            .selectinload(Source.organization),
        )
    )


def count_postings(session: Session, f: PostingFilter, now: datetime | None = None) -> int:
    dialect = session.get_bind().dialect.name
    stmt = select(func.count()).select_from(Posting)
    stmt = stmt.where(*filter_clauses(replace(f, sort="newest"), now, dialect=dialect))
    return int(session.scalar(stmt) or 0)
