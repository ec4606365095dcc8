"""SmartRecruiters Posting API: paged list, one detail request per posting.

List: ``https://api.smartrecruiters.com/v1/companies/{token}/postings`` with
``limit=100&offset=N`` → ``{"offset", "limit", "totalFound", "content": [...]}``;
paging stops at ``totalFound`` or at a page that repeats known ids. Each
posting's description (``jobAd.sections``) and ``postingUrl`` come from the detail
``{list endpoint}/{id}``; a failed detail makes the run partial and the item is
kept from its list record. A source's ``url`` replaces the list endpoint (the
details are then ``{url}/{id}``). **An unknown company answers 200 with
``totalFound: 0``**, so an empty listing fails unless ``allow_empty = true``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import AllowEmptyOptions, PlatformSpider
from spiders.fields import as_dict, opt_text, place, salary, text, unique

PAGE_SIZE = 100
MAX_PAGES = 20
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruitersSpider(PlatformSpider):
    name = "smartrecruiters"
    requires_token = True
    Options = AllowEmptyOptions
    url_replaces = (
        "`https://api.smartrecruiters.com/v1/companies/{token}/postings`; `?limit=100&offset=N` "
        'appended; serve `{"totalFound": N, "content": [...]}` there and each detail at '
        "`{url}/{id}`. An empty listing fails unless `allow_empty = true` (unknown companies "
        "answer 200)."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.base_url = (
            self.url_override
            or f"https://api.smartrecruiters.com/v1/companies/{self.token}/postings"
        )
        self.seen: set[str] = set()
        yield self.page(0)

    def page(self, offset: int) -> scrapy.Request:
        url = self.endpoint(self.base_url, {"limit": PAGE_SIZE, "offset": offset})
        return self.request(url, self.parse_page, cb_kwargs={"offset": offset})

    def parse_page(self, response: Response, offset: int) -> Iterator[Any]:
        data = self.load_json(response, "SmartRecruiters postings")
        records = as_dict(data).get("content")
        if data is not None and not isinstance(records, list):
            self.fail(f"SmartRecruiters postings at {response.url} have no 'content' list")
        if not isinstance(records, list):
            return
        if offset == 0 and self.fail_if_empty(records, "SmartRecruiters"):
            return
        fresh = []
        for record in records:
            ident = text(as_dict(record).get("id"))
            if ident and ident in self.seen:
                continue
            self.seen.add(ident)
            fresh.append(record)
        for record in fresh:
            ident = text(as_dict(record).get("id"))
            if not ident:
                self.record_error("posting without an id skipped")
                continue
            yield scrapy.Request(
                f"{self.base_url.rstrip('/')}/{ident}",
                callback=self.parse_detail,
                errback=lambda failure, record=record: self.detail_failed(failure, record),
                cb_kwargs={"record": record},
            )
        total = as_dict(data).get("totalFound")
        more = isinstance(total, int) and offset + PAGE_SIZE < total
        if more and fresh:
            if offset // PAGE_SIZE + 1 >= MAX_PAGES:
                self.incomplete(f"stopped after {MAX_PAGES} pages of SmartRecruiters postings")
                return
            yield self.page(offset + PAGE_SIZE)

    def parse_detail(self, response: Response, record: Any) -> Iterator[RawPosting]:
        detail = self.load_json(response, "SmartRecruiters posting")
        merged = {**as_dict(record), **as_dict(detail)} if detail is not None else record
        yield from self.emit([merged], self.parse_posting)

    def detail_failed(self, failure: Any, record: Any) -> Iterator[RawPosting]:
        self.on_secondary_error(failure)
        yield from self.emit([record], self.parse_posting)

    def parse_posting(self, posting: Any) -> RawPosting | None:
        return parse_smartrecruiters_posting(posting, self.source_key, self.org, self.token)


def parse_smartrecruiters_posting(
    posting: Any, source_key: str, org: str, company: str = ""
) -> RawPosting:
    if not isinstance(posting, dict):
        raise ValueError("posting is not an object")
    external_id, title = text(posting.get("id")), text(posting.get("name"))
    company = text(as_dict(posting.get("company")).get("identifier")) or company
    url = text(posting.get("postingUrl")) or (
        f"https://jobs.smartrecruiters.com/{company}/{external_id}" if company else ""
    )
    if not (external_id and title and url):
        raise ValueError("posting lacks id, name or postingUrl")
    location = as_dict(posting.get("location"))
    remote = "Remote" if location.get("remote") is True else ""
    if location.get("hybrid") is True:
        remote = "Hybrid"
    sections = as_dict(as_dict(posting.get("jobAd")).get("sections"))
    parts = []
    for name in SECTIONS:
        section = as_dict(sections.get(name))
        heading, body = text(section.get("title")), text(section.get("text"))
        if body:
            parts.append(f"<h3>{heading}</h3>{body}" if heading else body)
    pay = as_dict(posting.get("compensation"))
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(posting.get("applyUrl")),
        description_html="\n".join(parts),
        locations=unique(
            [
                text(location.get("fullLocation"))
                or place(location.get("city"), location.get("region"), location.get("country"))
            ]
        ),
        remote_hint=remote or None,
        employment_type=opt_text(as_dict(posting.get("typeOfEmployment")).get("label")),
        department=opt_text(as_dict(posting.get("department")).get("label"))
        or opt_text(as_dict(posting.get("function")).get("label")),
        posted_at=opt_text(posting.get("releasedDate")),
        salary=salary(pay.get("min"), pay.get("max"), pay.get("currency"), None) if pay else None,
        country_hints=[text(location.get("country"))] if text(location.get("country")) else [],
        extras={"ref_number": opt_text(posting.get("refNumber"))},
        raw=posting,
    )
