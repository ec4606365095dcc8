"""Server-rendered pages: the postings list, a posting, an organization, sources, stats."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import CrawlRun, Organization, Posting, Source, utcnow
from aggregator.db.visibility import current_status
from aggregator.search import MAX_ID, PostingFilter, get_posting, search_postings
from aggregator.search.counts import facet_counts
from aggregator.store.employers import source_name
from aggregator.web import charts, render
from aggregator.web.deps import db_session
from aggregator.web.filter_groups import KINDS, grouped
from aggregator.web.health import sources_with_counts
from aggregator.web.query_params import posting_filter

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
SlugParam = Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


def _source_names(session: Session, keys: list[str]) -> dict[str, str]:
    """Visitor names of the sources a filter names (chips show names, not keys)."""
    if not keys:
        return {}
    stmt = select(Source).where(Source.key.in_(keys)).options(selectinload(Source.organization))
    return {s.key: source_name(s) for s in session.scalars(stmt)}


@router.get("/", response_class=HTMLResponse)
def postings_list(
    request: Request,
    f: Annotated[PostingFilter, Depends(posting_filter)],
    session: Annotated[Session, Depends(db_session)],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    page = search_postings(session, f, limit=PAGE_SIZE, cursor=cursor, details=False)
    facets = facet_counts(session, f)
    context: dict[str, Any] = {
        "f": f,
        "page": page,
        "cursor": cursor,
        "total": facets.total,
        "facets": facets,
        "groups": {kind: grouped(kind, getattr(facets, kind)) for kind in KINDS},
        "active": f.to_params(),
        "source_names": _source_names(session, f.source),
    }
    response = render.page(request, "list.html", context)
    if request.headers.get("HX-Request"):
        # htmx pushes the canonical, shareable URL rather than every empty form field.
        response.headers["HX-Push-Url"] = render.filter_url(f) + (
            f"{'&' if f.to_params() else '?'}cursor={quote(cursor)}" if cursor else ""
        )
    return response


# Where the classifier found a phrase, in a visitor's words.
EVIDENCE_PLACES = {
    "title": "the title",
    "body": "the description",
    "department": "the team name",
    "org": "the organization's name",
    "org_type": "the kind of organization",
    "employment_type": "the employment type",
}


def _classified(posting: Posting, kind: str) -> list[dict[str, Any]]:
    """Tags of ``kind`` (role or skill) with confidence and the classifier's evidence:
    which phrase, in which part of the posting, made the label."""
    classification = posting.classification or {}
    confidence: dict[str, float] = {}
    for item in classification.get("roles") or []:
        if isinstance(item, dict) and isinstance(item.get("confidence"), int | float):
            confidence[str(item.get("role"))] = float(item["confidence"])
    evidence: dict[str, list[tuple[str, str]]] = {}
    for item in classification.get("evidence") or []:
        if isinstance(item, dict) and item.get("label") == kind and item.get("phrase"):
            where = EVIDENCE_PLACES.get(str(item.get("field")), "the posting")
            evidence.setdefault(str(item.get("value")), []).append((str(item["phrase"]), where))
    primary = classification.get("role") if kind == "role" else None
    tags = [t for t in posting.tags if t.kind == kind]
    tags.sort(key=lambda t: (t.value != primary, -confidence.get(t.value, t.confidence), t.value))
    return [
        {
            "value": tag.value,
            "confidence": confidence.get(tag.value, tag.confidence),
            "evidence": evidence.get(tag.value, [])[:5],
        }
        for tag in tags
    ]


def announced_on(posting: Posting) -> list[tuple[str, str]]:
    """(forum name, post URL) of each forum post announcing ``posting``."""
    out = []
    for ps in posting.sources:
        extras = (ps.raw or {}).get("extras") or {}
        if (
            isinstance(extras, dict)
            and extras.get("feed_type") == "forum"
            and ps.removed_at is None
        ):
            out.append((str(extras.get("via") or source_name(ps.source)), ps.url))
    return out


@router.get("/postings/{posting_id}", response_class=HTMLResponse)
def posting_page(
    request: Request,
    posting_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: Annotated[Session, Depends(db_session)],
) -> HTMLResponse:
    posting = get_posting(session, posting_id)
    if posting is None:
        raise HTTPException(404, "This posting does not exist (it may have been merged).")
    context = {
        "p": posting,
        "status": current_status(posting, utcnow()),
        "announced": announced_on(posting),
        "roles": _classified(posting, "role"),
        "skills": _classified(posting, "skill"),
        "f": PostingFilter(),
    }
    return render.page(request, "posting.html", context)


@router.get("/orgs/{slug}", response_class=HTMLResponse)
def org_page(
    request: Request, slug: SlugParam, session: Annotated[Session, Depends(db_session)]
) -> HTMLResponse:
    org = session.scalar(select(Organization).where(Organization.slug == slug.lower()))
    if org is None:
        raise HTTPException(404, "No organization with this name.")
    f = PostingFilter(org=[org.slug], status="all")
    page = search_postings(session, f, limit=100)
    sources = list(session.scalars(select(Source).where(Source.organization_id == org.id)))
    context = {"org": org, "page": page, "sources": sources, "f": PostingFilter(org=[org.slug])}
    return render.page(request, "org.html", context)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, session: Annotated[Session, Depends(db_session)]
) -> HTMLResponse:
    sources, counts = sources_with_counts(session)
    last_runs = {
        run.source_id: run
        for run in session.scalars(
            select(CrawlRun).where(
                CrawlRun.id.in_(select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id))
            )
        )
    }
    failing = sum(1 for s in sources if s.consecutive_failures)
    context = {
        "sources": sources,
        "counts": counts,
        "last_runs": last_runs,
        "failing": failing,
        "f": PostingFilter(),
    }
    return render.page(request, "sources.html", context)


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, session: Annotated[Session, Depends(db_session)]) -> HTMLResponse:
    context = {"stats": charts.build_stats(session), "f": PostingFilter()}
    return render.page(request, "stats.html", context)
