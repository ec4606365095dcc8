"""Base class for bespoke HTML spiders of organizations with no ATS.

A subclass names its default page and CSS selectors; the base reads one listing
page (robots.txt obeyed), one item per ``item_css`` node. Selectors ending in
``::text`` or ``::attr(...)`` give strings; ``description_css`` gives the node's
HTML. A page with no matching item FAILS the run ("layout changed?") unless the
source sets option ``allow_empty = true`` — an unnoticed redesign must not close
every posting. A source's ``url`` replaces ``default_url``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from spiders.base import AllowEmptyOptions, PlatformSpider


class HtmlListingSpider(PlatformSpider):
    default_url: ClassVar[str] = ""
    item_css: ClassVar[str] = ""
    title_css: ClassVar[str] = ""
    link_css: ClassVar[str] = ""
    location_css: ClassVar[str] = ""
    deadline_css: ClassVar[str] = ""
    type_css: ClassVar[str] = ""
    description_css: ClassVar[str] = ""
    Options = AllowEmptyOptions
    custom_settings = {"ROBOTSTXT_OBEY": True}

    def first_requests(self) -> Iterable[scrapy.Request]:
        yield self.request(self.url_override or self.default_url, self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[RawPosting]:
        if not isinstance(response, TextResponse):
            self.fail(f"{response.url} is not an HTML page")
            return
        nodes = response.css(self.item_css)
        if not nodes and not self.opts.get("allow_empty"):
            self.fail(
                f"no postings ({self.item_css!r}) found at {response.url}: the page layout may "
                "have changed; nothing closed"
            )
            return
        yield from self.emit(nodes, lambda node: self.parse_node(node, response))

    def _first(self, node: Selector, css: str) -> str:
        if not css:
            return ""
        return " ".join(" ".join(node.css(css).getall()).split())

    def parse_node(self, node: Selector, response: Response) -> RawPosting | None:
        title = self._first(node, self.title_css)
        href = node.css(self.link_css).get(default="").strip() if self.link_css else ""
        if not title or not href:
            raise ValueError("item lacks a title or a link")
        url = response.urljoin(href)
        location = self._first(node, self.location_css)
        description = node.css(self.description_css).get(default="") if self.description_css else ""
        extras: dict[str, Any] = {"page_url": response.url}
        return RawPosting(
            source_key=self.source_key,
            external_id=url,
            org=self.org,
            title=title,
            url=url,
            description_html=description.strip(),
            locations=[location] if location else [],
            employment_type=self._first(node, self.type_css) or None,
            deadline=self._first(node, self.deadline_css) or None,
            extras=extras,
            raw={"html": node.get()[:20000]},
        )
