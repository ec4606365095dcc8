"""The 80,000 Hours job board, read through its public Algolia search index.

1. GET the board page (default ``https://jobs.80000hours.org/``) and read the
   search-only Algolia credentials from ``window.__NUXT__.config.public``, e.g.::

       <script>window.__NUXT__={config:{public:{algoliaAppId:"W6KM1UDIB3",
       algoliaSearchKey:"0123abcd",algoliaIndex:"jobs_prod"}}}</script>

   Any key whose name contains "algolia" and "app" gives the app id; one whose name
   contains "algolia" and "key" gives the key. Options ``app_id``/``api_key``
   override them (then the page is not fetched).
2. POST ``https://{APP}-dsn.algolia.net/1/indexes/{index}/query`` with
   ``{"query": "", "hitsPerPage": 1000, "page": N, "facetFilters": [["tags_area:<area>"]]}``
   and the ``X-Algolia-Application-Id``/``X-Algolia-API-Key`` headers, paging on
   ``nbPages``.

A source's ``url`` replaces both: the board page is GET ``{url}`` and the query
is POSTed to ``{url without trailing /}/1/indexes/{index}/query``. The posting URL
is the employer's ``url_external``; the board permalink
``https://jobs.80000hours.org/?jobPk=<post_pk>`` is kept in ``extras["board_url"]``.
RawPosting.org is the employer (``company_name``). Polled at most daily.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import (
    as_list,
    epoch_to_iso,
    opt_text,
    text,
    unique,
)

BOARD = "https://jobs.80000hours.org/"
DEFAULT_AREA = "AI safety & policy"
DEFAULT_INDEX = "jobs_prod"
HITS_PER_PAGE = 1000
MAX_PAGES = 20
_PAIR = re.compile(r"""["']?([A-Za-z_][\w-]*)["']?\s*:\s*["']([^"'\\]{4,200})["']""")


def nuxt_credentials(page: str) -> tuple[str | None, str | None]:
    """(app id, search key) from the board page's ``window.__NUXT__`` config."""
    start = page.find("__NUXT__")
    if start < 0:
        return None, None
    segment = page[start:]
    public = segment.find("public")
    segment = segment[public:] if public >= 0 else segment
    app_id = key = None
    for name, value in _PAIR.findall(segment[:200_000]):
        lowered = name.lower().replace("_", "").replace("-", "")
        if "algolia" not in lowered and lowered not in {
            "appid",
            "applicationid",
            "searchkey",
            "apikey",
            "searchapikey",
        }:
            continue
        if app_id is None and ("appid" in lowered or "applicationid" in lowered):
            app_id = value
        elif key is None and "key" in lowered:
            key = value
    return app_id, key


class EightyKOptions(PlatformOptions):
    #: Algolia credentials; with both, the board page is not fetched
    app_id: str | None = None
    api_key: str | None = None
    index: str = DEFAULT_INDEX
    #: the ``tags_area`` facet listed
    area: str = DEFAULT_AREA


class EightyKSpider(PlatformSpider):
    name = "eighty_k"
    is_board = True
    Options = EightyKOptions
    min_interval_hours = 24.0
    custom_settings = {"ROBOTSTXT_OBEY": True}
    url_replaces = (
        "board page `https://jobs.80000hours.org/` **and** the Algolia query endpoint. With "
        "`url`: GET `{url}` is the board page (must contain `window.__NUXT__={config:{public:"
        '{algoliaAppId:"…",algoliaSearchKey:"…"}}}`), and the query is **POSTed** to '
        '`{url without trailing /}/1/indexes/{index}/query`, answered with `{"hits": [...], '
        '"nbPages": 1}`. With options `app_id` and `api_key` the board page is not fetched. '
        "Polled at most every 24 h."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.index = str(self.opts.get("index") or DEFAULT_INDEX)
        self.area = str(self.opts.get("area") or DEFAULT_AREA)
        app_id, key = self.opts.get("app_id"), self.opts.get("api_key")
        if app_id and key:
            yield self.query(str(app_id), str(key), 0)
        else:
            yield self.request(self.url_override or BOARD, self.parse_board_page)

    def query_url(self, app_id: str) -> str:
        if self.url_override:
            return f"{self.url_override.rstrip('/')}/1/indexes/{self.index}/query"
        return f"https://{app_id}-dsn.algolia.net/1/indexes/{self.index}/query"

    def query(self, app_id: str, key: str, page: int) -> scrapy.Request:
        body = {
            "query": "",
            "hitsPerPage": HITS_PER_PAGE,
            "page": page,
            "facetFilters": [[f"tags_area:{self.area}"]],
        }
        return self.request(
            self.query_url(app_id),
            self.parse_hits,
            method="POST",
            body=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "X-Algolia-Application-Id": app_id,
                "X-Algolia-API-Key": key,
            },
            cb_kwargs={"app_id": app_id, "key": key, "page": page},
            dont_filter=True,
            meta={"dont_obey_robotstxt": True},  # an API POST; the HTML board page obeys
        )

    def parse_board_page(self, response: Response) -> Iterator[scrapy.Request]:
        page = response.text if isinstance(response, TextResponse) else ""
        app_id, key = nuxt_credentials(page)
        app_id = str(self.opts.get("app_id") or app_id or "")
        key = str(self.opts.get("api_key") or key or "")
        if not (app_id and key):
            self.fail(
                f"no Algolia app id/search key in window.__NUXT__.config.public at {response.url}"
                " (set options app_id and api_key)"
            )
            return
        yield self.query(app_id, key, 0)

    def parse_hits(self, response: Response, app_id: str, key: str, page: int) -> Iterator[Any]:
        data = self.load_json(response, "Algolia answer")
        if data is None:
            return
        if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
            self.fail(f"Algolia answer at {response.url} has no 'hits' list")
            return
        if page == 0 and not data["hits"]:
            self.fail(f"80,000 Hours board answered no jobs for area {self.area!r}; nothing closed")
            return
        yield from self.emit(data["hits"], self.parse_hit)
        pages = data.get("nbPages")
        if isinstance(pages, int) and page + 1 < pages:
            if page + 1 >= MAX_PAGES:
                self.incomplete(f"stopped after {MAX_PAGES} pages of hits")
                return
            yield self.query(app_id, key, page + 1)

    def parse_hit(self, hit: Any) -> RawPosting | None:
        return parse_hit(hit, self.source_key)


def parse_hit(hit: Any, source_key: str) -> RawPosting:
    if not isinstance(hit, dict):
        raise ValueError("hit is not an object")
    post_pk = text(hit.get("post_pk")) or text(hit.get("objectID"))
    title, company = text(hit.get("title")), text(hit.get("company_name"))
    board_url = f"https://jobs.80000hours.org/?jobPk={post_pk}"
    if not (post_pk and title and company):
        raise ValueError("hit lacks post_pk, title or company_name")
    description = text(hit.get("description")) or text(hit.get("description_short"))
    locations = as_list(hit.get("card_locations")) or as_list(hit.get("tags_location_80k"))
    remote = [text(v) for v in as_list(hit.get("tags_location_80k")) if "remote" in text(v).lower()]
    role_types = [text(v) for v in as_list(hit.get("tags_role_type")) if text(v)]
    return RawPosting(
        source_key=source_key,
        external_id=post_pk,
        org=company,
        title=title,
        url=text(hit.get("url_external")) or board_url,
        description_html=description,
        locations=unique(text(v) for v in locations),
        remote_hint=", ".join(remote) or None,
        employment_type=", ".join(role_types) or None,
        posted_at=epoch_to_iso(hit.get("posted_at")) or opt_text(hit.get("posted_at")),
        updated_at=epoch_to_iso(hit.get("updated_at")) or opt_text(hit.get("updated_at")),
        deadline=epoch_to_iso(hit.get("closes_at")) or opt_text(hit.get("closes_at")),
        salary_text=opt_text(hit.get("salary")),
        country_hints=unique(text(v) for v in as_list(hit.get("tags_country"))),
        extras={
            "board_url": board_url,
            "company_url": opt_text(hit.get("company_url")),
            "tags_area": [text(v) for v in as_list(hit.get("tags_area")) if text(v)],
            "tags_skill": [text(v) for v in as_list(hit.get("tags_skill")) if text(v)],
            "tags_role_type": role_types,
        },
        raw=hit,
    )
