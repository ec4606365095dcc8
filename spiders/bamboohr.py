"""BambooHR careers list: JSON list of openings, one detail per opening.

List: ``https://{token}.bamboohr.com/careers/list`` →
``{"meta": {"totalCount": N}, "result": [{"id", "jobOpeningName",
"departmentLabel", "employmentStatusLabel", "location": {"city", "state"},
"atsLocation": {"city", "state", "country"}, "isRemote", "locationType"}]}``
(``locationType`` "0" on-site, "1" remote, "2" hybrid). Detail:
``{host}/careers/{id}/detail`` → ``{"result": {"jobOpening": {"description",
"datePosted", "jobOpeningShareUrl", ...}}}``; a failed detail makes the run
partial and keeps the item. A source's ``url`` replaces the list endpoint (details
are then ``{url without /list}/{id}/detail``). An unknown company answers 404, so
an empty ``result`` is a healthy empty board. Some tenants answer 404 on
``/careers/list`` (reported since 2024): such a source fails clearly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.fields import as_dict, opt_text, place, text, unique

LOCATION_TYPES = {"0": "On-site", "1": "Remote", "2": "Hybrid"}


class BambooHrSpider(PlatformSpider):
    name = "bamboohr"
    requires_token = True
    url_replaces = (
        '`https://{token}.bamboohr.com/careers/list`. Serve `{"result": [...]}` there and '
        '`{"result": {"jobOpening": {...}}}` at `{url without /list}/{id}/detail`.'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.list_url = self.url_override or f"https://{self.token}.bamboohr.com/careers/list"
        yield self.request(self.list_url, self.parse_list)

    def parse_list(self, response: Response) -> Iterator[Any]:
        openings = self.json_list(response, "BambooHR careers list", "result")
        if openings is None:
            return
        base = self.list_url.rstrip("/").removesuffix("/list")
        for opening in openings:
            ident = text(as_dict(opening).get("id"))
            if not ident:
                self.record_error("opening without an id skipped")
                continue
            yield scrapy.Request(
                f"{base}/{ident}/detail",
                callback=self.parse_detail,
                errback=lambda failure, o=opening: self.detail_failed(failure, o),
                cb_kwargs={"opening": opening, "base": base},
            )

    def parse_detail(self, response: Response, opening: Any, base: str) -> Iterator[RawPosting]:
        detail = as_dict(as_dict(self.load_json(response, "BambooHR opening")).get("result"))
        merged = {**as_dict(opening), "detail": as_dict(detail.get("jobOpening"))}
        yield from self.emit([merged], lambda o: self.parse_opening(o, base))

    def detail_failed(self, failure: Any, opening: Any) -> Iterator[RawPosting]:
        self.on_secondary_error(failure)
        base = self.list_url.rstrip("/").removesuffix("/list")
        yield from self.emit([opening], lambda o: self.parse_opening(o, base))

    def parse_opening(self, opening: Any, base: str) -> RawPosting | None:
        return parse_bamboohr_opening(opening, self.source_key, self.org, base)


def parse_bamboohr_opening(opening: Any, source_key: str, org: str, base: str) -> RawPosting:
    if not isinstance(opening, dict):
        raise ValueError("opening is not an object")
    external_id, title = text(opening.get("id")), text(opening.get("jobOpeningName"))
    if not (external_id and title):
        raise ValueError("opening lacks id or jobOpeningName")
    detail = as_dict(opening.get("detail"))
    ats = as_dict(opening.get("atsLocation"))
    loc = as_dict(opening.get("location"))
    location = place(ats.get("city"), ats.get("state"), ats.get("country")) or place(
        loc.get("city"), loc.get("state")
    )
    remote = LOCATION_TYPES.get(text(opening.get("locationType")), "")
    if opening.get("isRemote") is True:
        remote = "Remote"
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=text(detail.get("jobOpeningShareUrl")) or f"{base}/{external_id}",
        description_html=text(detail.get("description")),
        locations=unique([location]),
        remote_hint=remote or None,
        employment_type=opt_text(opening.get("employmentStatusLabel"))
        or opt_text(detail.get("employmentStatusLabel")),
        department=opt_text(opening.get("departmentLabel")),
        posted_at=opt_text(detail.get("datePosted")),
        salary_text=opt_text(detail.get("compensation")),
        country_hints=unique([text(ats.get("country"))]),
        raw=opening,
    )
