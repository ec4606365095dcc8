"""Feeds per filter: Atom for new postings, iCalendar for application deadlines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from aggregator.db.models import Posting, utcnow
from aggregator.normalize.text import sanitize_html
from aggregator.presentation.labels import label
from aggregator.presentation.salary import posting_salary
from aggregator.presentation.schema import PostingRecord
from aggregator.search import PostingFilter, related_values, rows_by_id, search_rows
from aggregator.search.counts import count_index
from aggregator.search.related import Related
from aggregator.web import ical
from aggregator.web.api import ERRORS
from aggregator.web.deps import db_session
from aggregator.web.query_params import posting_filter
from aggregator.web.render import filter_url, safe_url
from aggregator.web.strict_params import reject_unknown_params

router = APIRouter(
    prefix="/feeds",
    tags=["feeds"],
    responses=ERRORS,
    dependencies=[Depends(reject_unknown_params)],
)
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text without the characters XML 1.0 forbids."""
    return _XML_BAD.sub("", text or "")


def describe(f: PostingFilter) -> str:
    parts = [label(v, "role") for v in f.role] + [label(v, "skill") for v in f.skill]
    parts += list(f.country) + list(f.org)
    if f.q:
        parts.append(f"“{f.q}”")
    return ", ".join(parts) if parts else "all open postings"


def _iso(when: datetime) -> str:
    # The public record's spelling of a time (RFC 3339, UTC, whole seconds).
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary(r: Any) -> str:
    """One line under an entry: where, pay, deadline (the same words as the web and email),
    of a :class:`PostingRecord` or a row of the list columns."""
    parts = [", ".join(r.locations) if r.locations else label(r.remote, "remote")]
    salary = posting_salary(r)
    if salary:
        parts.append(salary)
    if r.deadline:
        parts.append(f"deadline {r.deadline:%d %b %Y}")
    return " · ".join(parts)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = clean(text)
    return el


# Besides the list columns, what an Atom entry shows.
ATOM_COLUMNS = (Posting.description_html, Posting.source_updated_at)


def atom_feed(
    items: list[Any], rel: dict[int, Related], f: PostingFilter, base: str, now: datetime
) -> bytes:
    """The feed of ``items``: rows of the list columns and :data:`ATOM_COLUMNS` with
    their :class:`Related` values."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    self_url = base + filter_url(f, "/feeds/postings.atom")
    _sub(feed, "id", self_url)
    _sub(feed, "title", f"AI safety jobs: {describe(f)}")
    _sub(feed, "updated", _iso(max((p.first_seen_at for p in items), default=now)))
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=base + filter_url(f), type="text/html")
    author = _sub(feed, "author")
    _sub(author, "name", "aisafety-jobs")
    _sub(feed, "generator", "aisafety-jobs")
    host = urlsplit(base).hostname or "localhost"
    for p in items:
        r = PostingRecord.of(p, base, rel[p.id])
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{host},2026:posting:{r.id}")
        _sub(entry, "title", f"{r.title} — {r.org_name}")
        _sub(entry, "updated", _iso(p.source_updated_at or r.first_seen_at))
        _sub(entry, "published", _iso(r.posted_at or r.first_seen_at))
        _sub(entry, "link", rel="alternate", href=r.web_url, type="text/html")
        if safe_url(r.apply_url or r.url):
            _sub(entry, "link", rel="related", href=safe_url(r.apply_url or r.url))
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", r.org_name or "unknown")
        for kind, names in (("role", r.roles), ("skill", r.skills)):
            for name in names:
                _sub(entry, "category", term=clean(name), label=label(name, kind))
        _sub(entry, "summary", clean(summary(r)))
        _sub(entry, "content", sanitize_html(p.description_html), type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def deadline_calendar(rows: list[Any], f: PostingFilter, base: str, now: datetime) -> bytes:
    """One all-day event per posting with a deadline, on the deadline's day, from rows of
    the list columns (deadlines in UTC): no public record is made of them, since an event
    needs none of its tags or sources (that was 40% of the feed's time)."""
    host = urlsplit(base).hostname or "localhost"
    stamp = ical.utc_time(now)
    events = []
    for r in rows:
        if r.deadline is None:
            continue
        day = r.deadline.astimezone(UTC).date()
        apply = safe_url(r.apply_url or r.url)
        web_url = f"{base}/postings/{r.id}"
        lines = [summary(r), f"Apply: {apply}", f"Details: {web_url}"]
        events.append(
            [
                f"SUMMARY:{ical.escape(clean(f'Deadline: {r.title} — {r.org_name}'))}",
                f"DTSTART;VALUE=DATE:{ical.day(day)}",
                f"DTEND;VALUE=DATE:{ical.day(day + timedelta(days=1))}",
                f"DTSTAMP:{stamp}",
                f"UID:deadline-{r.id}@{host}",
                f"DESCRIPTION:{ical.escape(clean(chr(10).join(lines)))}",
                "TRANSP:TRANSPARENT",
                f"URL:{clean(web_url)}",
            ]
        )
    properties = [
        "VERSION:2.0",
        "PRODID:-//aisafety-jobs//deadlines//EN",
        f"X-WR-CALNAME:{ical.escape(clean(f'AI safety deadlines: {describe(f)}'))}",
    ]
    return ical.calendar(properties, events)


FilterDep = Annotated[PostingFilter, Depends(posting_filter)]
SessionDep = Annotated[Session, Depends(db_session)]


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


def _document(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    # The response class stays plain Response (no media type of its own), so that FastAPI
    # documents the feed's type for 200 and keeps JSON for the error responses.
    return {
        200: {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
    }


@router.get(
    "/postings.atom",
    response_class=Response,
    summary=f"Atom feed of the newest {FEED_SIZE} postings matching the filter",
    responses=_document("application/atom+xml", "An Atom 1.0 feed."),
)
def postings_atom(request: Request, f: FilterDep, session: SessionDep) -> Response:
    now = utcnow()
    newest = replace(f, sort="newest")
    rows = search_rows(session, newest, limit=FEED_SIZE, now=now, extra=ATOM_COLUMNS).items
    body = atom_feed(rows, related_values(session, rows), f, _base(request), now)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get(
    "/deadlines.ics",
    response_class=Response,
    summary="iCalendar of the application deadlines of matching postings (next year)",
    responses=_document("text/calendar", "An iCalendar file, one all-day event per deadline."),
)
def deadlines_ics(request: Request, f: FilterDep, session: SessionDep) -> Response:
    now = utcnow()
    upcoming = replace(f, deadline_within=f.deadline_within or 366)
    rows = rows_by_id(session, count_index(session).soonest_deadlines(session, upcoming, now, 200))
    body = deadline_calendar(rows, f, _base(request), now)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="deadlines.ics"'},
    )
