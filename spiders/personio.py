"""Personio XML feed: every published position in one document.

Endpoint: ``https://{token}.jobs.personio.de/xml?language=en`` (option
``language``; the feed's default is German) → ``<workzag-jobs><position>…``. A
source's ``url`` replaces the endpoint (``language`` is appended). Positions
have no URL: it is built as ``https://{token}.jobs.personio.de/job/{id}`` (with
``url``: ``{scheme://host of url}/job/{id}``). An empty ``<workzag-jobs/>`` is a
healthy empty board; an unknown company redirects to personio.de (HTML), which
fails the run as "not a Personio feed". The XML is read without entities or
network access.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import opt_text, text, unique


class PersonioOptions(PlatformOptions):
    #: language of the feed's texts
    language: Literal["en", "de", "fr", "es", "nl", "it", "pt"] = "en"


class PersonioSpider(PlatformSpider):
    name = "personio"
    requires_token = True
    Options = PersonioOptions
    url_replaces = (
        "`https://{token}.jobs.personio.de/xml`; `?language=en` appended. Serve "
        "`<workzag-jobs><position>…</position></workzag-jobs>`; posting URLs are "
        "`{host of url}/job/{id}`."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://{self.token}.jobs.personio.de/xml"
        language = str(self.opts.get("language") or "en")
        yield self.request(self.endpoint(default, {"language": language}), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[RawPosting]:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(response.body, parser)
        except (etree.XMLSyntaxError, ValueError) as exc:
            self.fail(f"{response.url} is not a Personio XML feed ({exc})")
            return
        if root is None or root.tag != "workzag-jobs":
            self.fail(
                f"{response.url} is not a Personio feed (root {getattr(root, 'tag', None)!r})"
            )
            return
        parts = urlsplit(response.url)
        base = f"{parts.scheme}://{parts.netloc}"
        yield from self.emit(root.findall("position"), lambda p: self.parse_position(p, base))

    def parse_position(self, position: Any, base: str) -> RawPosting | None:
        return parse_personio_position(position, self.source_key, self.org, base)


def _child(node: Any, tag: str) -> str:
    return text(node.findtext(tag))


def parse_personio_position(position: Any, source_key: str, org: str, base: str) -> RawPosting:
    if not isinstance(position, etree._Element):
        raise ValueError("position is not an XML element")
    external_id, title = _child(position, "id"), _child(position, "name")
    if not (external_id and title):
        raise ValueError("position lacks id or name")
    offices = [_child(position, "office")]
    offices += [text(o.text) for o in position.findall("additionalOffices/office")]
    sections = []
    for section in position.findall("jobDescriptions/jobDescription"):
        heading, body = _child(section, "name"), _child(section, "value")
        if body:
            sections.append(f"<h3>{heading}</h3>{body}" if heading else body)
    employment = " ".join(
        unique([_child(position, "employmentType"), _child(position, "schedule")])
    )
    return RawPosting(
        source_key=source_key,
        external_id=external_id,
        org=org,
        title=title,
        url=f"{base}/job/{external_id}",
        description_html="\n".join(sections),
        locations=unique(offices),
        employment_type=employment or None,
        department=opt_text(position.findtext("department")),
        posted_at=opt_text(position.findtext("createdAt")),
        extras={
            "seniority": opt_text(position.findtext("seniority")),
            "subcompany": opt_text(position.findtext("subcompany")),
        },
        raw={c.tag: (c.text or "")[:2000] for c in position if isinstance(c.tag, str) and c.text},
    )
