"""The JSON API: postings with the list's filters, facets, sources, the open dataset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
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
from aggregator.search.counts import count_index, count_matching, facet_counts
from aggregator.search.fresh import fingerprint
from aggregator.store.employers import source_name
from aggregator.web import dataset
from aggregator.web.deps import db_session
from aggregator.web.health import sources_with_counts
from aggregator.web.query_params import posting_filter
from aggregator.web.strict_params import reject_unknown_params


class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong, in one line.")


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid parameter; the message says which."},
    500: {"model": ErrorOut, "description": "Server error."},
}


class SourceListing(BaseModel):
    source: str = Field(description="Key of the source that lists the posting.")
    name: str = Field(
        description='How readers know the source ("Anthropic careers", "shared by the community").'
    )
    platform: str = Field(description="How the source is read (ATS, feed, forum, page).")
    url: str = Field(description="The posting at this source.")
    first_seen_at: datetime = Field(description="When this source first listed it (UTC).")
    removed_at: datetime | None = Field(
        description="When this source stopped listing it (UTC); null while it still does."
    )


class ChangeOut(BaseModel):
    field: str = Field(description="The posting field that changed.")
    old_value: str | None = Field(description="The value before the change.")
    new_value: str | None = Field(description="The value after the change.")
    changed_at: datetime = Field(description="When the change was seen (UTC).")


class PostingDetail(PostingRecord):
    description_html: str = Field(description="The description as sanitized HTML.")
    description_text: str = Field(description="The description as plain text.")
    classification: dict[str, Any] = Field(
        description="The classifier's output: labels, confidences and the phrases behind them."
    )
    listings: list[SourceListing] = Field(description="Every source that lists the posting.")
    changes: list[ChangeOut] = Field(description="Changes seen since it was first listed.")


class PostingPage(BaseModel):
    items: list[PostingRecord] = Field(description="This page of matching postings.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    total: int = Field(description="How many postings match the filter in all pages.")


class FacetValueOut(BaseModel):
    value: str = Field(description="The filter value (pass it as the parameter's value).")
    count: int = Field(description="Postings with this value under every other active filter.")
    selected: bool = Field(description="Whether the request filters by this value.")


FACET_NOTE = "counted under every other active filter."


class FacetsOut(BaseModel):
    total: int = Field(description="How many postings match the whole filter.")
    role: list[FacetValueOut] = Field(description=f"Roles, {FACET_NOTE}")
    skill: list[FacetValueOut] = Field(description=f"Skills, {FACET_NOTE}")
    country: list[FacetValueOut] = Field(description=f"Country codes, {FACET_NOTE}")
    org: list[FacetValueOut] = Field(description=f"Organization names, {FACET_NOTE}")
    org_type: list[FacetValueOut] = Field(description=f"Organization types, {FACET_NOTE}")
    remote: list[FacetValueOut] = Field(description=f"Work modes, {FACET_NOTE}")
    seniority: list[FacetValueOut] = Field(description=f"Seniority levels, {FACET_NOTE}")
    phd_required: list[FacetValueOut] = Field(description=f"PhD asked for, {FACET_NOTE}")
    ml_experience_required: list[FacetValueOut] = Field(
        description=f"ML experience asked for, {FACET_NOTE}"
    )
    relevance: list[FacetValueOut] = Field(description=f"AI-safety relevance, {FACET_NOTE}")
    posted_within: list[FacetValueOut] = Field(
        description=f"Posted within so many days, {FACET_NOTE}"
    )
    deadline_within: list[FacetValueOut] = Field(
        description=f"Deadline within so many days, {FACET_NOTE}"
    )
    has_salary: int = Field(description=f"Postings that state a salary, {FACET_NOTE}")


class SourceOut(BaseModel):
    key: str = Field(description="The source's key (the `source` filter's value).")
    name: str = Field(
        description='How readers know the source ("Anthropic careers", "shared by the community").'
    )
    platform: str = Field(description="How the source is read (ATS, feed, forum, page).")
    organization: str | None = Field(description="The organization the source belongs to.")
    enabled: bool = Field(description="Whether the source is crawled.")
    last_run_at: datetime | None = Field(description="When it was last crawled (UTC).")
    last_success_at: datetime | None = Field(description="When a crawl last succeeded (UTC).")
    last_item_count: int | None = Field(description="Postings found by the last crawl.")
    consecutive_failures: int = Field(description="Failed crawls since the last success.")
    last_error: str | None = Field(description="The last crawl's error, if it failed.")
    postings: int = Field(description="Postings the source lists now.")


EXPORT_PAGE = 500
router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses=ERRORS,
    dependencies=[Depends(reject_unknown_params)],
)
FilterDep = Annotated[PostingFilter, Depends(posting_filter)]
SessionDep = Annotated[Session, Depends(db_session)]


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


@router.get("/postings", response_model=PostingPage, summary="Search postings")
def list_postings(
    request: Request,
    f: FilterDep,
    session: SessionDep,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="The previous page's `next_cursor`; none: page 1."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Postings per page.")] = 20,
) -> dict[str, Any]:
    page = search_rows(session, f, limit=limit, cursor=cursor)
    base = _base(request)
    rel = related_values(session, page.items)
    items = [PostingRecord.of(p, base, rel[p.id]) for p in page.items]
    return {"items": items, "next_cursor": page.next_cursor, "total": count_matching(session, f)}


@router.get(
    "/postings/{posting_id}",
    response_model=PostingDetail,
    responses={404: {"model": ErrorOut, "description": "No such posting."}},
    summary="One posting with its sources and change history",
)
def posting_detail(
    request: Request,
    posting_id: Annotated[int, Path(ge=1, le=MAX_ID, description="The posting's id.")],
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
                "name": source_name(ps.source),
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
            "name": source_name(s),
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
    responses={
        200: {
            "content": {"application/x-ndjson": {}},
            "description": "JSON lines: one PostingRecord per line, in the `sort` order.",
        }
    },
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
        # Its length up front: clients see progress, and the body goes unchunked.
        length = {"Content-Length": str(dataset.size(kept))}
        return StreamingResponse(dataset.send_file(kept), media_type=media, headers=length)

    def built() -> Iterator[bytes]:
        made = utcnow()  # before the first page: every status is judged at or after it
        with sessions() as session:
            yield from dataset.keep_while_sending(lines(session), folder, database, version, made)

    return StreamingResponse(built(), media_type=media)
