"""Workday candidate-experience (CXS) JSON endpoint: paged POST searches.

Endpoint: ``POST https://{token}.{data_center}.myworkdayjobs.com/wday/cxs/{token}/{site}/jobs``
with ``{"appliedFacets": {}, "limit": 20, "offset": N, "searchText": "<search>"}`` →
``{"total": N, "jobPostings": [{"title", "externalPath", "locationsText",
"postedOn", "bulletFields": [req id, ...]}]}``. ``total`` is only reliable on the
first page; paging stops at it, at a short page or at repeated paths. The human
URL is ``https://{host}/{site}{externalPath}``; ``postedOn`` is relative
("Posted Today", "Posted 3 Days Ago", "Posted 30+ Days Ago") and read against the
crawl date ("30+" gives no date). A source's ``url`` replaces the search endpoint
(posting URLs then start with ``{scheme://host of url}/{site}``). Options:
``data_center`` (``wd1``, ``wd5``…), ``site`` (the career site name, required)
and ``search`` (a keyword filter for large employers such as universities).
An empty search result is healthy (an unknown tenant or site answers 4xx).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

import scrapy
from pydantic import StringConstraints
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import as_dict, as_list, opt_text, text

PAGE_SIZE = 20  # the CXS endpoint refuses larger pages
MAX_PAGES = 50
_AGO = re.compile(r"(\d+)\s+days?\s+ago", re.I)


class WorkdayOptions(PlatformOptions):
    #: the tenant's data centre, the ``wdN`` of ``{tenant}.wdN.myworkdayjobs.com``
    data_center: Annotated[str, StringConstraints(pattern=r"^wd\d{1,3}$")] = "wd1"
    #: the career site name in the board's URL (``External_Career_Site``)
    site: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
    #: keyword search sent with every page (empty: the whole site)
    search: str = ""


def posted_date(value: Any, today: datetime) -> str | None:
    """ISO date from Workday's relative "Posted …" text; None when it says "30+"."""
    words = text(value).lower()
    if not words or "+" in words:
        return None
    if "today" in words:
        return today.date().isoformat()
    if "yesterday" in words:
        return (today - timedelta(days=1)).date().isoformat()
    match = _AGO.search(words)
    return (today - timedelta(days=int(match.group(1)))).date().isoformat() if match else None


class WorkdaySpider(PlatformSpider):
    name = "workday"
    requires_token = True
    Options = WorkdayOptions
    url_replaces = (
        "`https://{token}.{data_center}.myworkdayjobs.com/wday/cxs/{token}/{site}/jobs` "
        '(POSTed, 20 per page). Serve `{"total": N, "jobPostings": [...]}`.'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        site, center = str(self.opts.get("site") or ""), str(self.opts.get("data_center") or "wd1")
        if not site:
            raise ValueError("option site (the Workday career site name) is required")
        host = f"https://{self.token}.{center}.myworkdayjobs.com"
        self.search_url = self.url_override or f"{host}/wday/cxs/{self.token}/{site}/jobs"
        parts = urlsplit(self.search_url)
        self.board = f"{parts.scheme}://{parts.netloc}/{site}"
        self.today = datetime.now(UTC)
        self.seen: set[str] = set()
        self.total: int | None = None
        yield self.page(0)

    def page(self, offset: int) -> scrapy.Request:
        body = {
            "appliedFacets": {},
            "limit": PAGE_SIZE,
            "offset": offset,
            "searchText": str(self.opts.get("search") or ""),
        }
        return self.request(
            self.search_url,
            self.parse_page,
            method="POST",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            cb_kwargs={"offset": offset},
            dont_filter=True,
        )

    def parse_page(self, response: Response, offset: int) -> Iterator[Any]:
        data = self.load_json(response, "Workday search")
        postings = as_dict(data).get("jobPostings")
        if data is not None and not isinstance(postings, list):
            self.fail(f"Workday search at {response.url} has no 'jobPostings' list")
        if not isinstance(postings, list):
            return
        if self.total is None and isinstance(as_dict(data).get("total"), int):
            self.total = as_dict(data)["total"]
        paths = [text(as_dict(p).get("externalPath")) for p in postings]
        fresh = [p for p, path in zip(postings, paths, strict=True) if path not in self.seen]
        self.seen.update(paths)
        yield from self.emit(fresh, self.parse_posting)
        more = len(postings) >= PAGE_SIZE and (
            self.total is None or offset + PAGE_SIZE < self.total
        )
        if more and fresh:
            if offset // PAGE_SIZE + 1 >= MAX_PAGES:
                self.incomplete(f"stopped after {MAX_PAGES} pages of Workday postings")
                return
            yield self.page(offset + PAGE_SIZE)

    def parse_posting(self, posting: Any) -> RawPosting | None:
        return parse_workday_posting(posting, self.source_key, self.org, self.board, self.today)


def parse_workday_posting(
    posting: Any, source_key: str, org: str, board: str, today: datetime
) -> RawPosting:
    if not isinstance(posting, dict):
        raise ValueError("posting is not an object")
    path, title = text(posting.get("externalPath")), text(posting.get("title"))
    if not (path.startswith("/") and title):
        raise ValueError("posting lacks title or externalPath")
    bullets = [text(b) for b in as_list(posting.get("bulletFields")) if text(b)]
    location = text(posting.get("locationsText"))
    return RawPosting(
        source_key=source_key,
        external_id=path,
        org=org,
        title=title,
        url=f"{board}{path}",
        locations=[location] if location else [],
        remote_hint=location if "remote" in location.lower() else None,
        employment_type=opt_text(posting.get("timeType")),
        posted_at=posted_date(posting.get("postedOn"), today),
        extras={"requisition_id": bullets[0] if bullets else None},
        raw=posting,
    )
