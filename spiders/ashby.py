"""Ashby public Job Posting API: one GET returns the whole board.

Endpoint: ``https://api.ashbyhq.com/posting-api/job-board/{token}``; a source's
``url`` replaces it and ``includeCompensation=true`` is appended. Ashby answers
``200 {"jobs": []}`` for an unknown board, so an empty board is a FAILED run
("unknown or empty board", nothing closed) unless the source sets option
``allow_empty = true``. Only ``isListed`` jobs are kept; ``workplaceType`` wins
over ``isRemote`` (which is true for hybrid roles too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import AllowEmptyOptions, PlatformSpider
from spiders.fields import (
    as_dict,
    as_list,
    opt_text,
    period_from_text,
    salary,
    text,
    unique,
)


class AshbySpider(PlatformSpider):
    name = "ashby"
    requires_token = True
    Options = AllowEmptyOptions
    url_replaces = (
        "`https://api.ashbyhq.com/posting-api/job-board/{token}`; `?includeCompensation=true` "
        'appended. Serve `{"apiVersion": "1", "jobs": [...]}`. An empty board fails unless '
        "`allow_empty = true` (Ashby answers 200 for unknown boards)."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://api.ashbyhq.com/posting-api/job-board/{self.token}"
        yield self.request(
            self.endpoint(default, {"includeCompensation": "true"}), self.parse_board
        )

    def parse_board(self, response: Response) -> Iterator[RawPosting]:
        data = self.load_json(response, "Ashby job board")
        if data is None:
            return
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            self.fail(f"Ashby job board at {response.url} has no 'jobs' list")
            return
        if not data["jobs"] and not self.opts.get("allow_empty"):
            self.fail(
                f"Ashby answered 200 with no jobs for board {self.token!r}: unknown or empty "
                "board (set allow_empty = true if it is really empty); nothing closed"
            )
            return
        listed = [j for j in data["jobs"] if not isinstance(j, dict) or j.get("isListed", True)]
        yield from self.emit(listed, self.parse_job)

    def parse_job(self, job: Any) -> RawPosting | None:
        return parse_ashby_job(job, self.source_key, self.org)


def _postal(address: Any) -> str:
    postal = as_dict(as_dict(address).get("postalAddress"))
    parts = [text(postal.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(p for p in parts if p)


def _compensation(comp: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    for component in as_list(comp.get("summaryComponents")):
        component = as_dict(component)
        if text(component.get("compensationType")).lower() != "salary":
            continue
        structured = salary(
            component.get("minValue"),
            component.get("maxValue"),
            component.get("currencyCode"),
            period_from_text(component.get("interval")),
        )
        if structured:
            return structured, None
    summary = text(comp.get("scrapeableCompensationSalarySummary")) or text(
        comp.get("compensationTierSummary")
    )
    return None, summary or None


def parse_ashby_job(job: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(job, dict):
        raise ValueError("job is not an object")
    external_id, title, url = text(job.get("id")), text(job.get("title")), text(job.get("jobUrl"))
    if not (external_id and title and url):
        raise ValueError("job lacks id, title or jobUrl")
    locations = [text(job.get("location"))]
    countries = [
        text(as_dict(as_dict(job.get("address")).get("postalAddress")).get("addressCountry"))
    ]
    for secondary in as_list(job.get("secondaryLocations")):
        secondary = as_dict(secondary)
        locations.append(text(secondary.get("location")) or _postal(secondary.get("address")))
        countries.append(
            text(
                as_dict(as_dict(secondary.get("address")).get("postalAddress")).get(
                    "addressCountry"
                )
            )
        )
    workplace = text(job.get("workplaceType"))
    remote = job.get("isRemote")
    remote_hint = workplace or ("Remote" if remote is True else None)
    structured, summary = _compensation(as_dict(job.get("compensation")))
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=url,
        apply_url=opt_text(job.get("applyUrl")),
        description_html=text(job.get("descriptionHtml")),
        locations=unique(locations),
        remote_hint=remote_hint,
        employment_type=opt_text(job.get("employmentType")),
        department=" / ".join(unique([text(job.get("department")), text(job.get("team"))])) or None,
        posted_at=opt_text(job.get("publishedAt")),
        salary=structured,
        salary_text=summary,
        country_hints=unique(countries),
        extras={
            "is_remote": remote if isinstance(remote, bool) else None,
            "workplace_type": workplace or None,
        },
        raw=job,
    )
