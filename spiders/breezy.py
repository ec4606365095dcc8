"""Breezy HR public listing: one GET returns every published position.

Endpoint: ``https://{token}.breezy.hr/json`` → a JSON array of ``{"id",
"friendly_id", "name", "url", "published_date", "type": {"name"}, "location":
{"name", "city", "state": {"name"}, "country": {"name", "id"}, "is_remote"},
"department", "salary"}`` without descriptions. A source's ``url`` replaces the
endpoint. An unknown company redirects to breezy.hr (HTML: the run fails as "not
JSON"); ``[]`` is a healthy empty board. **A 403 is Breezy's edge rate limit**:
the run fails and is retried at the next crawl.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.fields import as_dict, opt_text, place, text, unique


class BreezySpider(PlatformSpider):
    name = "breezy"
    requires_token = True
    url_replaces = "`https://{token}.breezy.hr/json`. Serve a JSON array of positions."

    def first_requests(self) -> Iterable[scrapy.Request]:
        yield self.request(self.endpoint(f"https://{self.token}.breezy.hr/json"), self.parse_list)

    def parse_list(self, response: Response) -> Iterator[RawPosting]:
        positions = self.json_list(response, "Breezy positions")
        if positions is not None:
            yield from self.emit(positions, self.parse_position)

    def parse_position(self, position: Any) -> RawPosting | None:
        return parse_breezy_position(position, self.source_key, self.org)


def _name(value: Any) -> str:
    return text(as_dict(value).get("name")) or text(value)


def parse_breezy_position(position: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(position, dict):
        raise ValueError("position is not an object")
    external_id, title = text(position.get("id")), text(position.get("name"))
    url = text(position.get("url"))
    if not (external_id and title and url):
        raise ValueError("position lacks id, name or url")
    loc = as_dict(position.get("location"))
    location = _name(loc) or place(
        loc.get("city"), _name(loc.get("state")), _name(loc.get("country"))
    )
    country = as_dict(loc.get("country"))
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        locations=unique([location]),
        remote_hint="Remote" if loc.get("is_remote") is True else None,
        employment_type=opt_text(_name(position.get("type"))),
        department=opt_text(_name(position.get("department"))),
        posted_at=opt_text(position.get("published_date")),
        salary_text=opt_text(position.get("salary")),
        country_hints=unique([text(country.get("id"))]),
        extras={"friendly_id": opt_text(position.get("friendly_id"))},
        raw=position,
    )
