"""Facet counts for the postings list: how many postings each filter value would give.

Counts are "disjunctive": the counts of one facet apply every other active filter but not
that facet's own values, so choosing a second value of a facet shows what it would add.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from aggregator.db.models import Posting, PostingTag, utcnow
from aggregator.search import RELEVANCE, PostingFilter, filter_clauses, relevance_values
from aggregator.search.filters import POSTED_DATE

POSTED_WITHIN = (1, 7, 30, 90)
DEADLINE_WITHIN = (7, 14, 30)
TOP = 40


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Facets:
    role: list[FacetValue]
    skill: list[FacetValue]
    country: list[FacetValue]
    org: list[FacetValue]
    org_type: list[FacetValue]
    remote: list[FacetValue]
    seniority: list[FacetValue]
    relevance: list[FacetValue]
    posted_within: list[FacetValue]
    deadline_within: list[FacetValue]
    has_salary: int


def _where(session: Session, f: PostingFilter, now: datetime) -> list[Any]:
    return filter_clauses(f, now, dialect=session.get_bind().dialect.name)


def _values(rows: Any, selected: list[str]) -> list[FacetValue]:
    out = [FacetValue(str(v), int(n), str(v) in selected) for v, n in rows if v is not None]
    present = {fv.value for fv in out}
    # A selected value with no matches still shows (count 0) so it can be unticked.
    out.extend(FacetValue(v, 0, True) for v in selected if v not in present)
    return out


def _tag_counts(session: Session, f: PostingFilter, kind: str, now: datetime) -> Any:
    empty: dict[str, Any] = {kind: []}
    rest = replace(f, **empty)
    tag = aliased(PostingTag)  # the filter's own EXISTS on posting_tags must not correlate
    stmt = (
        select(tag.value, func.count())
        .join(Posting, Posting.id == tag.posting_id)
        .where(tag.kind == kind, *_where(session, rest, now))
        .group_by(tag.value)
        .order_by(func.count().desc(), tag.value)
        .limit(TOP)
    )
    return session.execute(stmt).all()


def _column_counts(
    session: Session, f: PostingFilter, name: str, column: Any, now: datetime
) -> Any:
    # relevance: unset means the default levels, so counting every level needs "all"
    empty: dict[str, Any] = {name: ["all"] if name == "relevance" else []}
    rest = replace(f, **empty)
    stmt = (
        select(column, func.count())
        .select_from(Posting)
        .where(*_where(session, rest, now))
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(TOP)
    )
    return session.execute(stmt).all()


def _bucket_counts(
    session: Session, f: PostingFilter, name: str, buckets: tuple[int, ...], now: datetime
) -> list[FacetValue]:
    unset: dict[str, Any] = {name: None}
    rest = replace(f, **unset)
    sums = []
    for days in buckets:
        if name == "posted_within":
            cond: Any = now - timedelta(days=days) <= POSTED_DATE
        else:
            cond = (Posting.deadline >= now) & (Posting.deadline <= now + timedelta(days=days))
        sums.append(func.sum(case((cond, 1), else_=0)))
    row = session.execute(
        select(*sums).select_from(Posting).where(*_where(session, rest, now))
    ).one()
    chosen = getattr(f, name)
    return [
        FacetValue(str(days), int(n or 0), chosen == days)
        for days, n in zip(buckets, row, strict=True)
    ]


def facet_counts(session: Session, f: PostingFilter, now: datetime | None = None) -> Facets:
    """Counts of every facet value under the other active filters."""
    now = now or utcnow()
    org_rows = _column_counts(session, f, "org", Posting.org_name, now)
    salary_rest = replace(f, has_salary=None)
    has_salary = session.scalar(
        select(func.count())
        .select_from(Posting)
        .where(
            *_where(session, salary_rest, now),
            (Posting.salary_min.is_not(None)) | (Posting.salary_max.is_not(None)),
        )
    )
    lowered = [o.lower() for o in f.org]
    orgs = [
        FacetValue(str(name), int(n), str(name).lower() in lowered) for name, n in org_rows if name
    ]
    return Facets(
        role=_values(_tag_counts(session, f, "role", now), f.role),
        skill=_values(_tag_counts(session, f, "skill", now), f.skill),
        country=_values(_tag_counts(session, f, "country", now), [c.upper() for c in f.country]),
        org=orgs,
        org_type=_values(_column_counts(session, f, "org_type", Posting.org_type, now), f.org_type),
        remote=_values(_column_counts(session, f, "remote", Posting.remote, now), f.remote),
        seniority=_values(
            _column_counts(session, f, "seniority", Posting.seniority, now), f.seniority
        ),
        relevance=_values(
            _column_counts(session, f, "relevance", Posting.safety_relevance, now),
            list(relevance_values(f.relevance) or RELEVANCE),
        ),
        posted_within=_bucket_counts(session, f, "posted_within", POSTED_WITHIN, now),
        deadline_within=_bucket_counts(session, f, "deadline_within", DEADLINE_WITHIN, now),
        has_salary=int(has_salary or 0),
    )
