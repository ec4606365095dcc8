"""Recruitee Careers Site API: one GET returns every published offer.

Endpoint: ``https://{token}.recruitee.com/api/offers/`` (custom domains serve the
same path) → ``{"offers": [...]}``. A source's ``url`` replaces the endpoint. An
unknown company answers 404, so ``{"offers": []}`` is a healthy empty board.
``published_at`` reads ``"YYYY-MM-DD HH:MM:SS UTC"``; ``salary`` is structured
(``min``, ``max``, ``currency``, ``period``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.fields import as_dict, as_list, opt_text, period_from_text, place, salary, text, unique


class RecruiteeSpider(PlatformSpider):
    name = "recruitee"
    requires_token = True
    url_replaces = '`https://{token}.recruitee.com/api/offers/`. Serve `{"offers": [...]}`.'

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://{self.token}.recruitee.com/api/offers/"
        yield self.request(self.endpoint(default), self.parse_offers)

    def parse_offers(self, response: Response) -> Iterator[RawPosting]:
        offers = self.json_list(response, "Recruitee offers", "offers")
        if offers is not None:
            yield from self.emit(offers, self.parse_offer)

    def parse_offer(self, offer: Any) -> RawPosting | None:
        return parse_recruitee_offer(offer, self.source_key, self.org)


def parse_recruitee_offer(offer: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(offer, dict):
        raise ValueError("offer is not an object")
    external_id, title = text(offer.get("id")), text(offer.get("title"))
    url = text(offer.get("careers_url"))
    if not (external_id and title and url):
        raise ValueError("offer lacks id, title or careers_url")
    locations = [text(offer.get("location"))]
    countries = []
    for loc in as_list(offer.get("locations")):
        loc = as_dict(loc)
        locations.append(
            text(loc.get("name")) or place(loc.get("city"), loc.get("state"), loc.get("country"))
        )
        countries.append(text(loc.get("country_code")))
    remote = "Remote" if offer.get("remote") is True else ""
    if offer.get("hybrid") is True:
        remote = "Hybrid"
    pay = as_dict(offer.get("salary"))
    description = "\n".join(
        p for p in (text(offer.get("description")), text(offer.get("requirements"))) if p
    )
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(offer.get("careers_apply_url")),
        description_html=description,
        locations=unique(locations),
        remote_hint=remote or None,
        employment_type=opt_text(offer.get("employment_type_code")),
        department=opt_text(offer.get("department")),
        posted_at=opt_text(offer.get("published_at")) or opt_text(offer.get("created_at")),
        updated_at=opt_text(offer.get("updated_at")),
        salary=salary(
            pay.get("min"), pay.get("max"), pay.get("currency"), period_from_text(pay.get("period"))
        )
        if pay
        else None,
        country_hints=unique(countries),
        extras={"slug": opt_text(offer.get("slug"))},
        raw=offer,
    )
