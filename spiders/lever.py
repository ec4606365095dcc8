"""Lever Postings API: a bare JSON array, paged with ``skip``/``limit``.

Endpoint: ``https://api.lever.co/v0/postings/{token}`` (EU: option ``host = "eu"``
→ ``api.eu.lever.co``). A source's ``url`` replaces that endpoint; the paging
parameters ``mode=json&skip=N&limit=100`` are appended to it. Paging stops at a
page shorter than ``limit`` or one that repeats already-seen ids (a static mirror
serving the same file for every page). An unknown site answers 404; an empty
``[]`` is a healthy board with no open roles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import HostOptions, PlatformSpider
from spiders.fields import (
    as_dict,
    as_list,
    epoch_to_iso,
    opt_text,
    period_from_text,
    salary,
    text,
    unique,
)

HOSTS = {"us": "api.lever.co", "eu": "api.eu.lever.co"}
PAGE_SIZE = 100
MAX_PAGES = 50


class LeverSpider(PlatformSpider):
    name = "lever"
    requires_token = True
    Options = HostOptions
    url_replaces = (
        "`https://api.lever.co/v0/postings/{token}` (EU: `api.eu.lever.co`). "
        "`?mode=json&skip=N&limit=100` is appended; paging stops at a page shorter than 100 or "
        "one repeating known ids, so one static JSON array works."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        host = HOSTS.get(str(self.opts.get("host", "us")).lower())
        if host is None:
            raise ValueError(f"option host must be 'us' or 'eu', got {self.opts.get('host')!r}")
        self.base_url = self.url_override or f"https://{host}/v0/postings/{self.token}"
        self.seen: set[str] = set()
        yield self.page_request(0)

    def page_request(self, skip: int) -> scrapy.Request:
        url = self.endpoint(self.base_url, {"mode": "json", "skip": skip, "limit": PAGE_SIZE})
        return self.request(url, self.parse_page, cb_kwargs={"skip": skip})

    def parse_page(self, response: Response, skip: int) -> Iterator[Any]:
        data = self.load_json(response, "Lever postings")
        if data is None:
            return
        if not isinstance(data, list):
            self.fail(f"Lever postings at {response.url} are not a JSON array")
            return
        ids = [text(as_dict(p).get("id")) for p in data]
        fresh = [p for p, i in zip(data, ids, strict=True) if not i or i not in self.seen]
        self.seen.update(i for i in ids if i)
        yield from self.emit(fresh, self.parse_posting)
        if len(data) >= PAGE_SIZE and fresh:
            if skip // PAGE_SIZE + 1 >= MAX_PAGES:
                self.incomplete(f"stopped after {MAX_PAGES} pages of Lever postings")
                return
            yield self.page_request(skip + PAGE_SIZE)

    def parse_posting(self, posting: Any) -> RawPosting | None:
        return parse_lever_posting(posting, self.source_key, self.org)


def parse_lever_posting(posting: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(posting, dict):
        raise ValueError("posting is not an object")
    external_id, title = text(posting.get("id")), text(posting.get("text"))
    url = text(posting.get("hostedUrl"))
    if not (external_id and title and url):
        raise ValueError("posting lacks id, text or hostedUrl")
    categories = as_dict(posting.get("categories"))
    locations = [text(categories.get("location"))]
    locations += [text(loc) for loc in as_list(categories.get("allLocations"))]
    parts = [text(posting.get("description"))]
    for section in as_list(posting.get("lists")):
        section = as_dict(section)
        heading, content = text(section.get("text")), text(section.get("content"))
        if heading or content:
            parts.append(
                f"<h3>{heading}</h3><ul>{content}</ul>" if heading else f"<ul>{content}</ul>"
            )
    parts.append(text(posting.get("additional")))
    pay = as_dict(posting.get("salaryRange"))
    structured = (
        salary(
            pay.get("min"),
            pay.get("max"),
            pay.get("currency"),
            period_from_text(text(pay.get("interval")).replace("-salary", "")),
        )
        if pay
        else None
    )
    department = text(categories.get("department"))
    team = text(categories.get("team"))
    country = text(posting.get("country"))
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(posting.get("applyUrl")),
        description_html="\n".join(p for p in parts if p),
        locations=unique(locations),
        remote_hint=opt_text(posting.get("workplaceType")),
        employment_type=opt_text(categories.get("commitment")),
        department=" / ".join(unique([department, team])) or None,
        posted_at=epoch_to_iso(posting.get("createdAt"), millis=True),
        salary=structured,
        salary_text=None if structured else opt_text(posting.get("salaryDescriptionPlain")),
        country_hints=[country] if country else [],
        extras={"team": team or None},
        raw=posting,
    )
