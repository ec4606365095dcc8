"""The postings filter and its SQL conditions.

Facet semantics everywhere: values within one facet are OR, facets are AND, an empty
facet means any. Role, skill and country facets go through the indexed ``posting_tags``
table; text goes through the full-text index (:mod:`aggregator.search.text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, false, func, intersect, or_, select
from sqlalchemy.orm import Session

from aggregator.db.models import (
    CrawlRun,
    Organization,
    Posting,
    PostingSource,
    PostingTag,
    Source,
    utcnow,
)
from aggregator.db.visibility import (
    STATUSES,
    relevance_values,
    status_clause,
)
from aggregator.errors import UserError
from aggregator.normalize.locations import REMOTE_MODES
from aggregator.search.estimates import cached_count
from aggregator.search.text import query_words, text_clause

SORTS = ("newest", "deadline", "relevance")
MAX_DAYS = 3650
MAX_ID = 2**31 - 1
DENSE = 0.02  # tag facets matching at least this share of postings are checked per row
DRIVE_BELOW = 400  # fewer expected matches than this: fetch them by id
PLAN_MIN_TOTAL = 2000  # smaller databases: always the simple per-row plan


# The date "Newest" sorts by and "posted within" counts from: the date the source gives,
# else the day the crawler first saw it (a first crawl does not make everything new).
POSTED_DATE = func.coalesce(Posting.posted_at, Posting.first_seen_at)


def from_first_crawl() -> Any:
    """SQL: an undated posting first seen by its source's first crawl (its source gave no
    date, and the first crawl of a source finds what was there before, not what is new)."""
    first_run = (
        select(func.min(CrawlRun.finished_at))
        .join(PostingSource, PostingSource.source_id == CrawlRun.source_id)
        .where(PostingSource.posting_id == Posting.id)
        .scalar_subquery()
    )
    return and_(Posting.posted_at.is_(None), Posting.first_seen_at <= first_run)


def posted_date(p: Any) -> Any:
    """:data:`POSTED_DATE` of a loaded posting or row."""
    return p.posted_at or p.first_seen_at


def default_sort(q: str) -> str:
    """Relevance when ``q`` has words to rank by, else newest."""
    return "relevance" if query_words(q)[0] else "newest"


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
    phd_required: list[str] = field(default_factory=list)  # yes | preferred | no | unspecified
    ml_experience_required: list[str] = field(default_factory=list)  # yes | no | unspecified
    source: list[str] = field(default_factory=list)  # source key
    relevance: list[str] = field(default_factory=list)  # empty: DEFAULT_RELEVANCE; or "all"
    q: str = ""
    posted_within: int | None = None  # days
    deadline_within: int | None = None  # days
    has_salary: bool | None = None
    min_salary: float | None = None
    status: str = "open"  # open | closed | expired | all
    sort: str = "newest"  # build_filter's default: relevance with search words, else newest

    def is_empty(self) -> bool:
        return self == PostingFilter(status=self.status, sort=self.sort)

    def default_sort(self) -> str:
        """The order when none is asked for: best match for a search, else newest."""
        return default_sort(self.q)

    def to_params(self) -> list[tuple[str, str]]:
        """Query parameters reproducing this filter (lists repeat), defaults left out."""
        default = PostingFilter(sort=self.default_sort())
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


def _tag_clause(kind: str, values: list[str]) -> Any:
    return exists().where(
        PostingTag.posting_id == Posting.id,
        PostingTag.kind == kind,
        PostingTag.value.in_(values),
    )


def _tag_facets(f: PostingFilter) -> list[tuple[str, list[str]]]:
    facets = (("role", f.role), ("skill", f.skill), ("country", [c.upper() for c in f.country]))
    return [(kind, values) for kind, values in facets if values]


def _count(session: Session, kind: str, values: list[str]) -> int:
    """Number of postings (kind "") or of tags of one kind with these values (estimate)."""
    if not kind:
        return cached_count(session, ("postings",), select(func.count()).select_from(Posting))
    stmt = (
        select(func.count())
        .select_from(PostingTag)
        .where(PostingTag.kind == kind, PostingTag.value.in_(values))
    )
    return cached_count(session, ("tags", kind, *sorted(values)), stmt)


def tag_plan(session: Session, f: PostingFilter) -> Any:
    """A plan for the tag facets: None keeps per-row EXISTS checks (common tags: walking
    postings newest-first finds a page quickly); otherwise an IN over the INTERSECT of the
    tag index. On SQLite a rare combination drives the query by id, a middling one is a
    membership test while walking the (status, first_seen_at) index (``id + 0`` stops
    SQLite from driving by id, which would read every matching row)."""
    facets = _tag_facets(f)
    if not facets:
        return None
    total = _count(session, "", [])
    if total < PLAN_MIN_TOTAL:
        return None
    density = 1.0
    for kind, values in facets:
        density *= _count(session, kind, values) / total
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
    f: PostingFilter,
    now: datetime | None = None,
    *,
    dialect: str,
    tag_ids: Any = None,
    text: bool = True,
    text_match: Any = None,
) -> list[Any]:
    """SQL conditions on ``Posting`` for a filter (without sorting or paging).

    ``dialect`` is the database's (``session.get_bind().dialect.name``): the text
    condition differs. ``tag_ids`` (from :func:`tag_plan`) replaces the per-row tag checks
    and ``text_match`` (from :func:`aggregator.search.text.text_plan`) the text condition;
    ``text=False`` leaves the text condition to the caller (relevance joins the index)."""
    now = now or utcnow()
    clauses: list[Any] = []
    if f.status in (*STATUSES, "all"):
        clauses.append(status_clause(f.status, now))
    else:
        raise InvalidQuery(f"unknown status {f.status!r}: use open, closed, expired or all")
    wanted = relevance_values(f.relevance)
    if wanted is not None:
        clauses.append(Posting.safety_relevance.in_(wanted))
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
    if f.phd_required:
        clauses.append(Posting.phd_required.in_(f.phd_required))
    if f.ml_experience_required:
        clauses.append(Posting.ml_experience_required.in_(f.ml_experience_required))
    if f.source:
        clauses.append(
            exists().where(
                PostingSource.posting_id == Posting.id,
                PostingSource.source_id == Source.id,
                Source.key.in_(f.source),
            )
        )
    if text:
        matched = text_match if text_match is not None else text_clause(f.q, dialect)
        if matched is not None:
            clauses.append(matched)
    if f.posted_within is not None:
        days = max(0, min(f.posted_within, MAX_DAYS))
        clauses.append(now - timedelta(days=days) <= POSTED_DATE)
        # An undated posting found by its source's first crawl was there before: not new.
        clauses.append(~func.coalesce(from_first_crawl(), false()))
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
