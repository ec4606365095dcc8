"""USAJOBS Search API (US federal roles, e.g. NIST's Center for AI Standards and Innovation).

Endpoint: ``GET https://data.usajobs.gov/api/search?Organization={organization}&Keyword={keyword}&ResultsPerPage=500&Page=N``
with the headers ``Authorization-Key`` (setting ``usajobs_api_key``, a free key)
and ``User-Agent`` (setting ``usajobs_email``, as USAJOBS asks). Without a key the
platform's sources are skipped by the crawl; run explicitly, the run fails with
that reason. Answer: ``{"SearchResult": {"SearchResultCountAll": N,
"SearchResultItems": [{"MatchedObjectId", "MatchedObjectDescriptor": {…}}],
"UserArea": {"NumberOfPages": "2"}}}``; each descriptor carries ``PositionTitle``,
``PositionURI``, ``ApplyURI``, ``PositionLocation[]``, ``OrganizationName``,
``PositionSchedule[]``, ``PositionRemuneration[]`` (``RateIntervalCode`` ``PA``
per year, ``PH`` per hour…), ``PublicationStartDate``, ``ApplicationCloseDate``
and ``UserArea.Details`` (``JobSummary``, ``MajorDuties``, ``RemoteIndicator``).
A source's ``url`` replaces the endpoint. An empty search is healthy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import as_dict, as_list, opt_text, salary, text, unique

ENDPOINT = "https://data.usajobs.gov/api/search"
PAGE_SIZE = 500
MAX_PAGES = 10
RATE_PERIODS = {"PA": "YEAR", "PH": "HOUR", "PD": "DAY", "PW": "WEEK", "PM": "MONTH"}


class UsajobsOptions(PlatformOptions):
    #: agency (sub-element) code, e.g. ``CM57`` for NIST
    organization: str = ""
    #: keyword filter, e.g. ``artificial intelligence``
    keyword: str = ""


class UsajobsSpider(PlatformSpider):
    name = "usajobs"
    Options = UsajobsOptions
    needs_settings = ("usajobs_api_key", "usajobs_email")
    url_replaces = (
        f"`{ENDPOINT}`; `?Organization=…&Keyword=…&ResultsPerPage=500&Page=N` appended. Serve "
        '`{"SearchResult": {"SearchResultItems": [...], "UserArea": {"NumberOfPages": "1"}}}`.'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        key = text(self.settings_values.get("usajobs_api_key"))
        email = text(self.settings_values.get("usajobs_email"))
        if not (key and email):
            raise ValueError("USAJOBS needs the settings usajobs_api_key and usajobs_email")
        self.headers = {"Authorization-Key": key, "User-Agent": email, "Host": "data.usajobs.gov"}
        if self.url_override:
            del self.headers["Host"]
        yield self.page(1)

    def page(self, number: int) -> scrapy.Request:
        params = {
            k: v
            for k, v in (
                ("Organization", str(self.opts.get("organization") or "")),
                ("Keyword", str(self.opts.get("keyword") or "")),
                ("ResultsPerPage", PAGE_SIZE),
                ("Page", number),
            )
            if v
        }
        return self.request(
            self.endpoint(ENDPOINT, params),
            self.parse_page,
            headers=self.headers,
            cb_kwargs={"number": number},
        )

    def parse_page(self, response: Response, number: int) -> Iterator[Any]:
        data = self.load_json(response, "USAJOBS search")
        result = as_dict(as_dict(data).get("SearchResult"))
        items = result.get("SearchResultItems")
        if data is not None and not isinstance(items, list):
            self.fail(f"USAJOBS answer at {response.url} has no SearchResult.SearchResultItems")
        if not isinstance(items, list):
            return
        yield from self.emit(items, self.parse_item)
        pages = text(as_dict(result.get("UserArea")).get("NumberOfPages"))
        if pages.isdigit() and number < int(pages) and items:
            if number >= MAX_PAGES:
                self.incomplete(f"stopped after {MAX_PAGES} pages of USAJOBS results")
                return
            yield self.page(number + 1)

    def parse_item(self, item: Any) -> RawPosting | None:
        return parse_usajobs_item(item, self.source_key, self.org)


def parse_usajobs_item(item: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(item, dict):
        raise ValueError("item is not an object")
    job = as_dict(item.get("MatchedObjectDescriptor"))
    external_id = text(item.get("MatchedObjectId")) or text(job.get("PositionID"))
    title, url = text(job.get("PositionTitle")), text(job.get("PositionURI"))
    if not (external_id and title and url):
        raise ValueError("item lacks MatchedObjectId, PositionTitle or PositionURI")
    places = [as_dict(p) for p in as_list(job.get("PositionLocation"))]
    pay = as_dict(next(iter(as_list(job.get("PositionRemuneration"))), None))
    details = as_dict(as_dict(job.get("UserArea")).get("Details"))
    duties = [text(d) for d in as_list(details.get("MajorDuties")) if text(d)]
    summary = text(details.get("JobSummary"))
    description = f"<p>{summary}</p>" if summary else ""
    if duties:
        description += "<ul>" + "".join(f"<li>{d}</li>" for d in duties) + "</ul>"
    schedule = [text(as_dict(s).get("Name")) for s in as_list(job.get("PositionSchedule"))]
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(next(iter(as_list(job.get("ApplyURI"))), None)),
        description_html=description,
        locations=unique(text(p.get("LocationName")) for p in places),
        remote_hint="Remote" if details.get("RemoteIndicator") is True else None,
        employment_type=", ".join(unique(schedule)) or None,
        department=opt_text(job.get("OrganizationName")),
        posted_at=opt_text(job.get("PublicationStartDate")),
        deadline=opt_text(job.get("ApplicationCloseDate")),
        salary=salary(
            pay.get("MinimumRange"),
            pay.get("MaximumRange"),
            "USD",
            RATE_PERIODS.get(text(pay.get("RateIntervalCode"))),
        ),
        country_hints=unique(text(p.get("CountryCode")) for p in places),
        extras={"department_name": opt_text(job.get("DepartmentName"))},
        raw=item,
    )
