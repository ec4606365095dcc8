"""Workable public widget API: one GET returns the whole account.

Endpoint: ``https://apply.workable.com/api/v1/widget/accounts/{token}?details=true``
→ ``{"name", "description", "jobs": [...]}``; ``details=true`` adds each job's
``description``. A source's ``url`` replaces the endpoint (``details=true`` is
appended). An unknown account answers 404, so ``"jobs": []`` is a healthy empty
board. Workable rate-limits more than two concurrent requests per IP: one
request per run. ``published_on`` is a date only; ``workplace_type``
(``on-site|remote|hybrid``) is passed on as the remote hint, ``telecommuting``
only when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.fields import as_dict, as_list, opt_text, place, text, unique


class WorkableSpider(PlatformSpider):
    name = "workable"
    requires_token = True
    url_replaces = (
        "`https://apply.workable.com/api/v1/widget/accounts/{token}`; `?details=true` "
        'appended. Serve `{"name": "…", "jobs": [...]}`.'
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://apply.workable.com/api/v1/widget/accounts/{self.token}"
        yield self.request(self.endpoint(default, {"details": "true"}), self.parse_account)

    def parse_account(self, response: Response) -> Iterator[RawPosting]:
        jobs = self.json_list(response, "Workable account", "jobs")
        if jobs is not None:
            yield from self.emit(jobs, self.parse_job)

    def parse_job(self, job: Any) -> RawPosting | None:
        return parse_workable_job(job, self.source_key, self.org)


def parse_workable_job(job: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(job, dict):
        raise ValueError("job is not an object")
    external_id = text(job.get("shortcode")) or text(job.get("id"))
    title = text(job.get("title")) or text(job.get("full_title"))
    url = text(job.get("url")) or text(job.get("shortlink"))
    if not (external_id and title and url):
        raise ValueError("job lacks shortcode, title or url")
    locations = [place(job.get("city"), job.get("state"), job.get("country"))]
    countries = [text(job.get("country_code"))]
    for loc in as_list(job.get("locations")):
        loc = as_dict(loc)
        locations.append(place(loc.get("city"), loc.get("region"), loc.get("country")))
        countries.append(text(loc.get("countryCode")))
    workplace = text(job.get("workplace_type"))
    remote_hint = workplace or ("Remote" if job.get("telecommuting") is True else "")
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(job.get("application_url")),
        description_html=text(job.get("description")),
        locations=unique(locations),
        remote_hint=remote_hint or None,
        employment_type=opt_text(job.get("employment_type")),
        department=opt_text(job.get("department")),
        posted_at=opt_text(job.get("published_on")) or opt_text(job.get("created_at")),
        country_hints=unique(countries),
        extras={"code": opt_text(job.get("code"))},
        raw=job,
    )
