"""One page someone shared ("submit an opportunity"), read for the moderation queue.

Not in the sources registry: ``aisafety-jobs submit`` and the web form fetch the
submitted ``url`` through the crawl runner with this platform (the same subprocesses,
timeouts and robots.txt as every HTML source). The page's schema.org ``JobPosting``
JSON-LD is used when it has one (the one whose ``url`` is the page, else the first);
otherwise its title (``og:title``, ``<title>`` or the first ``<h1>``), its site name as
the organization, and its main text as the description. Anything but an HTML page
fails the run with one line. The store sanitizes every field (nh3) like any source's.

It is also the platform of the store's ``community`` source, whose postings are the
approved submissions: a second-hand listing (``is_board``), so the employer's own
listing wins when a crawl finds the same posting.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from aggregator.normalize.urls import canonical_url
from spiders.base import PlatformSpider
from spiders.jsonld import job_postings, parse_job_posting

# A job page is never this large; a bigger answer is refused rather than read.
MAX_PAGE_BYTES = 2 * 1024 * 1024


class CommunitySpider(PlatformSpider):
    name = "community"
    is_board = True
    requires_url = True
    registry_source = False
    custom_settings = {"ROBOTSTXT_OBEY": True, "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES}
    url_replaces = (
        "no default: `url` is the page someone submitted (used by `submit` and the "
        "submission form, not in the sources registry). JSON-LD `JobPosting` when present, "
        "else the page text. robots.txt is obeyed."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        yield self.request(self.url_override, self.parse_page)

    def parse_page(self, response: Response) -> Iterator[RawPosting]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse) or "html" not in content_type.lower():
            self.fail(
                f"{response.url} is not an HTML page (Content-Type {content_type or 'missing'})"
            )
            return
        host = (urlsplit(response.url).hostname or "").removeprefix("www.")
        site = _first_text(response, "meta[property='og:site_name']::attr(content)") or host
        item = self.from_json_ld(response, site) or self.from_text(response, site)
        if item is None:
            self.fail(f"{response.url} has no title: is it a job or opportunity page?")
            return
        # The shared link is where people apply, unless the page names its own.
        yield replace(item, apply_url=item.apply_url or response.url)

    def from_json_ld(self, response: TextResponse, site: str) -> RawPosting | None:
        """The page's JobPosting; its hiring organization, else the site, is the org."""
        found = job_postings(response.text)
        here = canonical_url(response.url)
        found.sort(key=lambda d: canonical_url(str(d.get("url") or response.url)) != here)
        for data in found:
            try:
                return parse_job_posting(
                    data, self.source_key, site, response.url, use_hiring_org=True
                )
            except ValueError as exc:
                self.record_error(f"unreadable JobPosting skipped: {exc}")
        return None

    def from_text(self, response: TextResponse, site: str) -> RawPosting | None:
        # The page's own heading first: <title> and og:title often add the site's name.
        heading = " ".join(response.xpath("string((//h1)[1])").get("").split())[:500]
        title = heading or _first_text(
            response, "meta[property='og:title']::attr(content)", "title::text"
        )
        if not title:
            return None
        body = response.css("main, article, [role=main]") or response.css("body")
        return RawPosting(
            source_key=self.source_key,
            external_id=response.url,
            org=site,
            title=title,
            url=response.url,
            description_html="\n".join(body.getall()[:1]),
            extras={"page_url": response.url},
        )


def _first_text(response: TextResponse, *queries: str) -> str:
    for query in queries:
        value: Any = " ".join(t.strip() for t in response.css(query).getall()[:20] if t.strip())
        if value:
            return str(value)[:500]
    return ""
