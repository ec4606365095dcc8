"""Rippling ATS public job board: one GET lists the board.

Endpoint: ``https://api.rippling.com/platform/api/ats/v1/board/{token}/jobs`` → a
JSON array of ``{"uuid", "name", "url", "department": {"label"},
"workLocation": {"label"}}`` (newer boards: ``"workLocations": [...]`` and
``"locations": [{"name", "city", "country"}]``; an ``{"items": [...]}`` envelope is
accepted too). A source's ``url`` replaces the endpoint. An unknown board answers
404, so ``[]`` is a healthy empty board. The list has no description.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.fields import as_dict, as_list, opt_text, place, text, unique


class RipplingSpider(PlatformSpider):
    name = "rippling"
    requires_token = True
    url_replaces = (
        "`https://api.rippling.com/platform/api/ats/v1/board/{token}/jobs`. Serve a JSON "
        'array of jobs (or `{"items": [...]}`).'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://api.rippling.com/platform/api/ats/v1/board/{self.token}/jobs"
        yield self.request(self.endpoint(default), self.parse_board)

    def parse_board(self, response: Response) -> Iterator[RawPosting]:
        data = self.load_json(response, "Rippling board")
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            data = data["items"]
        if data is not None and not isinstance(data, list):
            self.fail(f"Rippling board at {response.url} is not a JSON array of jobs")
        elif data is not None:
            yield from self.emit(data, self.parse_job)

    def parse_job(self, job: Any) -> RawPosting | None:
        return parse_rippling_job(job, self.source_key, self.org)


def _label(value: Any) -> str:
    return text(as_dict(value).get("label")) or text(as_dict(value).get("name")) or text(value)


def parse_rippling_job(job: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(job, dict):
        raise ValueError("job is not an object")
    external_id = text(job.get("uuid")) or text(job.get("id"))
    title, url = text(job.get("name")), text(job.get("url"))
    if not (external_id and title and url):
        raise ValueError("job lacks uuid, name or url")
    locations = [_label(job.get("workLocation"))]
    locations += [_label(loc) for loc in as_list(job.get("workLocations"))]
    countries = []
    for loc in as_list(job.get("locations")):
        loc = as_dict(loc)
        locations.append(text(loc.get("name")) or place(loc.get("city"), loc.get("country")))
        countries.append(text(loc.get("countryCode")) or text(loc.get("country")))
    remote = [loc for loc in locations if "remote" in loc.lower()]
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        locations=unique(locations),
        remote_hint=remote[0] if remote else None,
        employment_type=opt_text(_label(job.get("employmentType"))),
        department=opt_text(_label(job.get("department"))),
        posted_at=opt_text(job.get("createdOn")),
        country_hints=unique(countries),
        raw=job,
    )
