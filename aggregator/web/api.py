"""The JSON API: postings with the list's filters, facets, sources, the open dataset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from aggregator.db.models import utcnow
from aggregator.presentation.schema import PostingRecord
from aggregator.search import (
    MAX_ID,
    PostingFilter,
    related_values,
    search_rows,
)
from aggregator.search import get_posting as load_posting
from aggregator.search.counts import count_index, facet_counts
from aggregator.search.fresh import fingerprint
from aggregator.web import dataset
from aggregator.web.deps import db_session
from aggregator.web.health import sources_with_counts
from aggregator.web.query_params import posting_filter


class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid parameter; the message says which."},
    500: {"model": ErrorOut, "description": "Server error."},
}


class SourceListing(BaseModel):
    source: str
    platform: str
    url: str
    first_seen_at: datetime
    removed_at: datetime | None


class ChangeOut(BaseModel):
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: datetime


class PostingDetail(PostingRecord):
    description_html: str
    description_text: str
    classification: dict[str, Any]
    listings: list[SourceListing]
    changes: list[ChangeOut]


class PostingPage(BaseModel):
    items: list[PostingRecord]
    next_cursor: str | None


class FacetValueOut(BaseModel):
    value: str
    count: int
    selected: bool


class FacetsOut(BaseModel):
    total: int
    role: list[FacetValueOut]
    skill: list[FacetValueOut]
    country: list[FacetValueOut]
    org: list[FacetValueOut]
    org_type: list[FacetValueOut]
    remote: list[FacetValueOut]
    seniority: list[FacetValueOut]
    phd_required: list[FacetValueOut]
    ml_experience_required: list[FacetValueOut]
    relevance: list[FacetValueOut]
    posted_within: list[FacetValueOut]
    deadline_within: list[FacetValueOut]
    has_salary: int


class SourceOut(BaseModel):
    key: str
    platform: str
    organization: str | None
    enabled: bool
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_item_count: int | None
    consecutive_failures: int
    last_error: str | None
    postings: int


EXPORT_PAGE = 500
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)
FilterDep = Annotated[PostingFilter, Depends(posting_filter)]
SessionDep = Annotated[Session, Depends(db_session)]


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


@router.get("/postings", response_model=PostingPage, summary="Search postings")
def list_postings(
    request: Request,
    f: FilterDep,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200, description="next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    page = search_rows(session, f, limit=limit, cursor=cursor)
    base = _base(request)
    rel = related_values(session, page.items)
    items = [PostingRecord.of(p, base, rel[p.id]) for p in page.items]
    return {"items": items, "next_cursor": page.next_cursor}


@router.get(
    "/postings/{posting_id}",
    response_model=PostingDetail,
    responses={404: {"model": ErrorOut, "description": "No such posting."}},
    summary="One posting with its sources and change history",
)
def posting_detail(
    request: Request,
    posting_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
) -> dict[str, Any]:
    p = load_posting(session, posting_id)
    if p is None:
        raise HTTPException(404, "no posting with this id")
    out = PostingRecord.of(p, _base(request)).model_dump()
    out.update(
        description_html=p.description_html,
        description_text=p.description_text,
        classification=dict(p.classification or {}),
        listings=[
            {
                "source": ps.source.key,
                "platform": ps.source.platform,
                "url": ps.url,
                "first_seen_at": ps.first_seen_at,
                "removed_at": ps.removed_at,
            }
            for ps in p.sources
        ],
        changes=[
            {
                "field": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "changed_at": c.changed_at,
            }
            for c in p.changes
        ],
    )
    return out


@router.get("/facets", response_model=FacetsOut, summary="Facet counts for a filter")
def get_facets(f: FilterDep, session: SessionDep) -> Any:
    return facet_counts(session, f)


@router.get("/sources", response_model=list[SourceOut], summary="Every source and its health")
def list_sources(session: SessionDep) -> list[dict[str, Any]]:
    sources, counts = sources_with_counts(session)
    return [
        {
            "key": s.key,
            "platform": s.platform,
            "organization": s.organization.name if s.organization else None,
            "enabled": s.enabled,
            "last_run_at": s.last_run_at,
            "last_success_at": s.last_success_at,
            "last_item_count": s.last_item_count,
            "consecutive_failures": s.consecutive_failures,
            "last_error": s.last_error,
            "postings": counts.get(s.id, 0),
        }
        for s in sources
    ]


@router.get(
    "/postings.jsonl",
    summary="The open dataset: every matching posting, one JSON object per line",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "JSON lines"}},
)
def export_postings(request: Request, f: FilterDep) -> StreamingResponse:
    sessions = request.app.state.sessions
    base = _base(request)
    media = "application/x-ndjson"

    def lines(session: Session) -> Iterator[bytes]:
        cursor = None
        while True:
            page = search_rows(session, f, limit=EXPORT_PAGE, cursor=cursor)
            rel = related_values(session, page.items)
            # One chunk per page: each chunk is a hop to a worker thread and back.
            yield b"".join(
                PostingRecord.of(p, base, rel[p.id]).model_dump_json().encode() + b"\n"
                for p in page.items
            )
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

    def streamed() -> Iterator[bytes]:
        with sessions() as session:
            yield from lines(session)

    if f.to_params():
        return StreamingResponse(streamed(), media_type=media)
    # The whole open dataset: kept as a file per data version, shared by the workers.
    folder = request.app.state.settings.data_path / dataset.FOLDER
    database = str(request.app.state.engine.url)
    with sessions() as session:
        version = fingerprint(session)
        kept = dataset.open_kept(folder, database, version, count_index(session), utcnow())
    if kept is not None:
        return StreamingResponse(dataset.send_file(kept), media_type=media)

    def built() -> Iterator[bytes]:
        made = utcnow()  # before the first page: every status is judged at or after it
        with sessions() as session:
            yield from dataset.keep_while_sending(lines(session), folder, database, version, made)

    return StreamingResponse(built(), media_type=media)
