"""Google Careers results pages (Google DeepMind's roles), robots.txt obeyed.

Page: ``https://www.google.com/about/careers/applications/jobs/results?company={company}&page=N``
(option ``company``, default ``DeepMind``; 20 roles a page). Google publishes no
job API: each page embeds its results in a script call
``AF_initDataCallback({key: 'ds:1', hash: '…', data:[[JOB, …], …], sideChannel: {}});``
where each JOB is a positional array::

    [ "1234567890",                      # 0 id
      "Research Scientist, Alignment",   # 1 title
      "https://…/apply?jobId=…",         # 2 apply URL
      [null, "<ul>…responsibilities…</ul>"],   # 3
      [null, "<ul>…qualifications…</ul>"],     # 4
      …, "Google DeepMind",              # 7 company
      …, [["London, UK", [address lines], "London", null, null, "GB"]],  # 9 locations
      [null, "<p>About the job…</p>"],   # 10 description
      …, [1764547200, 0] ]               # 12 published (epoch s, ns)

Paging stops at a page with no new ids (or ``max_pages``). The human URL is
``https://www.google.com/about/careers/applications/jobs/results/{id}``. A
source's ``url`` replaces the results page (``company`` and ``page`` are
appended). A page without the ``ds:1`` block fails the run (layout changed?).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from pydantic import PositiveInt
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import epoch_to_iso, opt_text, text, unique

RESULTS = "https://www.google.com/about/careers/applications/jobs/results"
_BLOCK = re.compile(
    r"AF_initDataCallback\(\{key:\s*'ds:1'.*?data:(?P<data>.*?),\s*sideChannel:", re.S
)


class GoogleCareersOptions(PlatformOptions):
    #: the ``company`` filter of the results page
    company: str = "DeepMind"
    max_pages: PositiveInt = 10


def results_data(page: str) -> list[Any] | None:
    """The job arrays of a results page's ``ds:1`` block, or None without one."""
    match = _BLOCK.search(page)
    if match is None:
        return None
    try:
        data = json.loads(match.group("data"))
    except ValueError:
        return None
    if not isinstance(data, list) or not data:
        return None
    jobs = data[0]
    return jobs if isinstance(jobs, list) else [] if jobs is None else None


def _at(value: Any, *path: int) -> Any:
    for index in path:
        if not isinstance(value, list) or len(value) <= index:
            return None
        value = value[index]
    return value


class GoogleCareersSpider(PlatformSpider):
    name = "google_careers"
    Options = GoogleCareersOptions
    custom_settings = {"ROBOTSTXT_OBEY": True}
    url_replaces = (
        f"`{RESULTS}`; `?company=DeepMind&page=N` appended. Serve HTML with the "
        "`AF_initDataCallback({key: 'ds:1', … data:[[…jobs…]], sideChannel: {}})` block "
        "(positions in `spiders/google_careers.py`). robots.txt is obeyed."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.seen: set[str] = set()
        yield self.page(1)

    def page(self, number: int) -> scrapy.Request:
        params = {"company": str(self.opts.get("company") or "DeepMind"), "page": number}
        url = self.endpoint(RESULTS, params)
        return self.request(url, self.parse_results, cb_kwargs={"number": number})

    def parse_results(self, response: Response, number: int) -> Iterator[Any]:
        page = response.text if isinstance(response, TextResponse) else ""
        jobs = results_data(page)
        if jobs is None:
            self.fail(
                f"no 'ds:1' results block at {response.url}: the page layout may have changed"
            )
            return
        fresh = [j for j in jobs if text(_at(j, 0)) and text(_at(j, 0)) not in self.seen]
        self.seen.update(text(_at(j, 0)) for j in fresh)
        yield from self.emit(jobs if number == 1 else fresh, self.parse_job)
        if fresh and jobs:
            if number >= int(self.opts.get("max_pages") or 10):
                self.incomplete(f"stopped after {number} pages of Google Careers results")
                return
            yield self.page(number + 1)

    def parse_job(self, job: Any) -> RawPosting | None:
        return parse_google_job(job, self.source_key, self.org)


def parse_google_job(job: Any, source_key: str, org: str) -> RawPosting:
    if not isinstance(job, list):
        raise ValueError("job is not an array")
    external_id, title = text(_at(job, 0)), text(_at(job, 1))
    if not (external_id and title):
        raise ValueError("job lacks an id or a title")
    places = _at(job, 9)
    locations = [text(_at(p, 0)) for p in places] if isinstance(places, list) else []
    countries = [text(_at(p, 5)) for p in places] if isinstance(places, list) else []
    sections = [text(_at(job, 10, 1)), text(_at(job, 3, 1)), text(_at(job, 4, 1))]
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=f"{RESULTS}/{external_id}",
        apply_url=opt_text(_at(job, 2)),
        description_html="\n".join(s for s in sections if s),
        locations=unique(locations),
        remote_hint=next((loc for loc in locations if "remote" in loc.lower()), None),
        posted_at=epoch_to_iso(_at(job, 12, 0)),
        country_hints=unique(countries),
        extras={"company": opt_text(_at(job, 7))},
        raw={"job": job},
    )
