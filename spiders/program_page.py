"""A program's own page, read for its key-dates section (``aisafety-jobs programs check``).

Not a job source: it yields one item whose ``description_html`` is the section the
option ``selector`` (CSS) names, else every paragraph, list item or table row of the
page that mentions a deadline, applications or dates. :mod:`aggregator.programs.detect`
fingerprints that text and records changes. robots.txt is obeyed. Expected HTML, e.g.::

    <section id="key-dates"><h2>Key dates</h2>
      <p>Applications open 12 May 2026 and close 7 June 2026.</p>
      <p>The program runs 28 September to 4 December 2026.</p></section>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import scrapy
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider

DATE_WORDS = re.compile(
    r"deadline|apply|applications?|due|opens?|closes?|cohort|key dates|timeline|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.I,
)


class ProgramPageOptions(PlatformOptions):
    #: CSS selector of the key-dates section
    selector: str | None = None


class ProgramPageSpider(PlatformSpider):
    name = "program_page"
    requires_url = True
    registry_source = False
    Options = ProgramPageOptions
    custom_settings = {"ROBOTSTXT_OBEY": True}
    url_replaces = (
        "no default: `url` is the program page (used by `programs check`, not in the "
        "sources registry). robots.txt is obeyed."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        yield self.request(self.url_override, self.parse_page)

    def parse_page(self, response: Response) -> Iterator[RawPosting]:
        if not isinstance(response, TextResponse):
            self.fail(f"{response.url} is not an HTML page")
            return
        selector = self.opts.get("selector")
        if selector:
            nodes = response.css(str(selector))
            if not nodes:
                self.fail(f"no {selector!r} on {response.url}: the page layout may have changed")
                return
            section = "\n".join(nodes.getall())
        else:
            blocks = response.css("p, li, tr, h2, h3, time")
            section = "\n".join(
                b.get() for b in blocks if DATE_WORDS.search(b.xpath("string()").get(""))
            )
        yield RawPosting(
            source_key=self.source_key,
            external_id=response.url,
            org=self.org,
            title="key dates",
            url=response.url,
            description_html=section,
        )
