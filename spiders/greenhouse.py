"""Greenhouse Job Board API: one GET returns the whole board.

Endpoint: ``https://boards-api.greenhouse.io/v1/boards/{token}/jobs`` (EU tenants:
option ``host = "eu"`` → ``boards-api.eu.greenhouse.io``). A source's ``url``
replaces that endpoint; ``content=true&pay_transparency=true`` is appended to it.
An unknown token answers 404, so an empty ``{"jobs": []}`` is a valid empty board.
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
    opt_text,
    period_from_text,
    salary,
    text,
    unescape_html,
    unique,
)

HOSTS = {"us": "boards-api.greenhouse.io", "eu": "boards-api.eu.greenhouse.io"}


class GreenhouseSpider(PlatformSpider):
    name = "greenhouse"
    requires_token = True
    Options = HostOptions
    url_replaces = (
        "`https://boards-api.greenhouse.io/v1/boards/{token}/jobs` (EU: "
        "`boards-api.eu.greenhouse.io`). `?content=true&pay_transparency=true` is appended. "
        'Serve `{"jobs": [...], "meta": {...}}`.'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        host = HOSTS.get(str(self.opts.get("host", "us")).lower())
        if host is None:
            raise ValueError(f"option host must be 'us' or 'eu', got {self.opts.get('host')!r}")
        default = f"https://{host}/v1/boards/{self.token}/jobs"
        params = {"content": "true", "pay_transparency": "true"}
        yield self.request(self.endpoint(default, params), self.parse_board)

    def parse_board(self, response: Response) -> Iterator[RawPosting]:
        data = self.load_json(response, "Greenhouse board")
        if data is None:
            return
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            self.fail(f"Greenhouse board at {response.url} has no 'jobs' list")
            return
        yield from self.emit(data["jobs"], self.parse_job)

    def parse_job(self, job: Any) -> RawPosting | None:
        return parse_greenhouse_job(job, self.source_key, self.org)


def parse_greenhouse_job(job: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(job, dict):
        raise ValueError("job is not an object")
    external_id, title, url = (
        text(job.get("id")),
        text(job.get("title")),
        text(job.get("absolute_url")),
    )
    if not (external_id and title and url):
        raise ValueError("job lacks id, title or absolute_url")
    locations = [text(as_dict(job.get("location")).get("name"))]
    locations += [text(as_dict(office).get("name")) for office in as_list(job.get("offices"))]
    departments = [text(as_dict(d).get("name")) for d in as_list(job.get("departments"))]
    metadata = {
        text(as_dict(m).get("name")): as_dict(m).get("value") for m in as_list(job.get("metadata"))
    }
    pay = [as_dict(p) for p in as_list(job.get("pay_input_ranges"))]
    structured = None
    if pay:
        first = pay[0]
        cents = [first.get("min_cents"), first.get("max_cents")]
        values = [
            c / 100 if isinstance(c, int | float) and not isinstance(c, bool) else None
            for c in cents
        ]
        structured = salary(
            values[0], values[1], first.get("currency_type"), period_from_text(first.get("title"))
        )
    remote_hint = next(
        (text(v) for k, v in metadata.items() if "workplace" in k.lower() or "remote" in k.lower()),
        "",
    )
    employment = next((text(v) for k, v in metadata.items() if "employment" in k.lower()), "")
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org or text(job.get("company_name")),
        title=title,
        url=url,
        description_html=unescape_html(job.get("content")),
        locations=unique(locations),
        remote_hint=remote_hint or None,
        employment_type=employment or None,
        department=", ".join(unique(departments)) or None,
        posted_at=opt_text(job.get("first_published")),
        updated_at=opt_text(job.get("updated_at")),
        deadline=opt_text(job.get("application_deadline")),
        salary=structured,
        salary_text=None if structured or not pay else text(pay[0].get("blurb")) or None,
        extras={
            "internal_job_id": opt_text(job.get("internal_job_id")),
            "requisition_id": opt_text(job.get("requisition_id")),
        },
        raw=job,
    )
