"""Career pages that publish schema.org ``JobPosting`` JSON-LD on detail pages.

The source's ``url`` (required) is the listing page. Links on it whose absolute
URL matches the option ``link_pattern`` (a regular expression; default: any link
containing ``/job``) lead to detail pages, whose ``<script type="application/ld+json">``
blocks are read. With option ``sitemap = true`` the ``url`` is a sitemap XML and
its ``<loc>`` entries (filtered by ``link_pattern``) are the detail pages.
JobPostings embedded in the listing page itself are read too. robots.txt is obeyed.
A detail page that fails makes the run partial (items kept, nothing closed).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from parsel import Selector
from pydantic import PositiveInt, field_validator
from scrapy.http import Response, TextResponse

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
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

DEFAULT_LINK_PATTERN = r"/jobs?/"
DEFAULT_MAX_PAGES = 300


class JsonLdOptions(PlatformOptions):
    #: regular expression the detail-page links match
    link_pattern: str = DEFAULT_LINK_PATTERN
    #: ``url`` is a sitemap XML whose ``<loc>`` entries are the detail pages
    sitemap: bool = False
    #: at most this many detail pages per run
    max_pages: PositiveInt = DEFAULT_MAX_PAGES

    @field_validator("link_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class JsonLdSpider(PlatformSpider):
    name = "jsonld"
    requires_url = True
    Options = JsonLdOptions
    url_replaces = (
        "no default: `url` **is** the listing page (or sitemap XML). Links matching "
        '`link_pattern` are fetched as detail pages; their `<script type="application/ld+json">` '
        "`JobPosting`s are read. Serve `/robots.txt` or a 404 for it."
    )
    custom_settings = {"ROBOTSTXT_OBEY": True}

    def first_requests(self) -> Iterable[scrapy.Request]:
        self.pattern = re.compile(str(self.opts.get("link_pattern") or DEFAULT_LINK_PATTERN))
        self.max_pages = int(self.opts.get("max_pages") or DEFAULT_MAX_PAGES)
        self.found = 0
        yield self.request(self.url_override, self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.fail(f"listing at {response.url} is not a text page")
            return
        if self.opts.get("sitemap"):
            links = (
                Selector(text=response.text, type="xml")
                .xpath("//*[local-name()='loc']/text()")
                .getall()
            )
        else:
            yield from self.emit(
                job_postings(response.text), lambda d: self.to_item(d, response.url)
            )
            links = response.css("a::attr(href)").getall()
        urls = unique(response.urljoin(link.strip()) for link in links if link.strip())
        details = [u for u in urls if self.pattern.search(u) and u != response.url]
        if len(details) > self.max_pages:
            self.incomplete(f"{len(details)} detail links; only the first {self.max_pages} read")
            details = details[: self.max_pages]
        for url in details:
            yield scrapy.Request(url, callback=self.parse_detail, errback=self.on_secondary_error)

    def parse_detail(self, response: Response) -> Iterator[RawPosting]:
        if not isinstance(response, TextResponse):
            return
        yield from self.emit(job_postings(response.text), lambda d: self.to_item(d, response.url))

    def to_item(self, data: dict[str, Any], page_url: str) -> RawPosting | None:
        return parse_job_posting(
            data,
            self.source_key,
            self.org,
            page_url,
            use_hiring_org=self.source.get("org_type") == "board",
        )


# -- JSON-LD extraction (parsel + json; tolerant of sloppy JSON) ------------------------

_COMMENTS = re.compile(r"/\*.*?\*/|^\s*//[^\n]*$", re.S | re.M)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def loads_sloppy(raw: str) -> Any:
    """``json.loads`` that forgives CDATA/HTML-comment wrappers, comments,
    control characters inside strings and trailing commas. Raises ValueError."""
    cleaned = raw.strip()
    for junk in ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"):
        cleaned = cleaned.replace(junk, "")
    cleaned = cleaned.strip().rstrip(";")
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        pass
    cleaned = _TRAILING_COMMA.sub(r"\1", _COMMENTS.sub("", cleaned))
    return json.loads(cleaned, strict=False)


def _is_job_posting(node: dict[str, Any]) -> bool:
    types = as_list(node.get("@type"))
    return any(
        isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting"
        for t in types
    )


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, depth + 1)
    elif isinstance(node, dict):
        if _is_job_posting(node):
            yield node
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def job_postings(html_text: str) -> list[dict[str, Any]]:
    """Every JobPosting object in the page's JSON-LD blocks (unparseable blocks skipped)."""
    found: list[dict[str, Any]] = []
    selector = Selector(text=html_text or "<html></html>")
    for block in selector.xpath(
        "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]/text()"
    ).getall():
        try:
            data = loads_sloppy(block)
        except ValueError:
            continue
        found.extend(_walk(data))
    return found


def _place(place: Any) -> tuple[str, str]:
    address = as_dict(as_dict(place).get("address"))
    if not address and isinstance(as_dict(place).get("address"), str):
        return text(as_dict(place)["address"]), ""
    country = address.get("addressCountry")
    country_text = (
        text(as_dict(country).get("name")) if isinstance(country, dict) else text(country)
    )
    parts = [text(address.get(k)) for k in ("addressLocality", "addressRegion")] + [country_text]
    return ", ".join(unique(p for p in parts if p)), country_text


def _base_salary(value: Any) -> dict[str, Any] | None:
    money = as_dict(value)
    quantity = money.get("value")
    if isinstance(quantity, dict):
        lo = quantity.get("minValue", quantity.get("value"))
        hi = quantity.get("maxValue", quantity.get("value"))
        period = period_from_text(quantity.get("unitText"))
    else:
        lo = hi = quantity
        period = period_from_text(money.get("unitText"))
    return salary(lo, hi, money.get("currency"), period)


def parse_job_posting(
    data: Any, source_key: str, org: str, page_url: str, *, use_hiring_org: bool = False
) -> RawPosting:
    if not isinstance(data, dict):
        raise ValueError("JobPosting is not an object")
    title = unescape_html(data.get("title") or data.get("name"))
    title = html.unescape(title).strip()
    if not title:
        raise ValueError("JobPosting has no title")
    url = text(data.get("url")) or page_url
    identifier = data.get("identifier")
    external_id = (
        text(as_dict(identifier).get("value")) if isinstance(identifier, dict) else text(identifier)
    ) or url
    places = [_place(p) for p in as_list(data.get("jobLocation"))]
    requirements = [
        text(as_dict(r).get("name")) or text(r)
        for r in as_list(data.get("applicantLocationRequirements"))
    ]
    location_type = " ".join(text(t) for t in as_list(data.get("jobLocationType")))
    hiring = as_dict(data.get("hiringOrganization"))
    pay = _base_salary(data.get("baseSalary"))
    employment = ", ".join(text(t) for t in as_list(data.get("employmentType")) if text(t))
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=(text(hiring.get("name")) if use_hiring_org else "") or org or text(hiring.get("name")),
        title=title,
        url=url,
        apply_url=url if data.get("directApply") is True else None,
        description_html=unescape_html(data.get("description")),
        locations=unique([p[0] for p in places] + requirements),
        remote_hint=location_type or None,
        employment_type=employment or None,
        department=opt_text(data.get("occupationalCategory"))
        if isinstance(data.get("occupationalCategory"), str)
        else None,
        posted_at=opt_text(data.get("datePosted")),
        deadline=opt_text(data.get("validThrough")),
        salary=pay,
        salary_text=None if pay else opt_text(data.get("baseSalary")),
        country_hints=unique([p[1] for p in places] + requirements),
        extras={"page_url": page_url, "hiring_organization": text(hiring.get("name")) or None},
        raw=data,
    )
