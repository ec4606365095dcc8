"""RSS/Atom feeds: ATS job feeds (Teamtailor style) and forum tag feeds.

The source's ``url`` (required) is the feed. It is fetched by Scrapy like every
other source (same retries, ``Retry-After``, timeouts, size cap and per-source
deadline), with a conditional GET: the ETag/Last-Modified kept in the source's state
are sent as ``If-None-Match``/``If-Modified-Since``. The body is parsed with
``feedparser.parse(bytes)`` (feedparser never fetches). A 304 is a successful run
that changes and closes nothing.

Options: ``feed_type = "ats"`` (default) lists a whole board, so a successful run
is complete and closes postings it no longer lists; ``feed_type = "forum"``
(ForumMagnum ``/feed.xml?view=...`` on the EA Forum, LessWrong, Alignment Forum)
is a window of recent posts and never closes anything. ``filter = "opportunities"``
keeps posts that announce something to apply to, judged from title AND body
(``aggregator.normalize.announcements``), and drops ordinary posts (it implies
``feed_type = "forum"`` unless set).

Teamtailor items: the posting id is the number in ``/jobs/<id>-slug``;
``remoteStatus`` is passed on as given; ``tt:locations/tt:location`` give the
locations. Other feeds: id = ``guid`` (else ``link``). A forum post's org is the employer
its title names ("Apollo Research is hiring ...", "[Job] X at Y"; see
``spiders.forum_org``), else the forum; ``extras["via"]`` keeps the feed's org.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import feedparser
import scrapy
from lxml import etree
from scrapy.http import Response

from aggregator.items import RawPosting
from aggregator.normalize.announcements import apply_link
from aggregator.normalize.announcements import is_opportunity as announcement
from aggregator.normalize.text import html_to_text
from spiders.base import PlatformOptions, PlatformSpider
from spiders.fields import text, unique
from spiders.forum_org import hiring_org

TT_NS = "https://teamtailor.com/locations"
_TT_ID = re.compile(r"/jobs/(\d+)")
#: stored state key -> (request header sent, response header kept)
VALIDATORS = {
    "etag": ("If-None-Match", "ETag"),
    "last_modified": ("If-Modified-Since", "Last-Modified"),
}


def is_opportunity(title: str, body_html: str = "") -> bool:
    """Whether a forum post announces something to apply to, by its title and body."""
    body = html_to_text(body_html) if body_html else ""
    return announcement(title, body).value


class FeedOptions(PlatformOptions):
    #: ``ats`` lists a whole board (closes postings); ``forum`` is a window of posts
    feed_type: Literal["ats", "forum"] | None = None
    #: keep only hiring/fellowship/grant announcements (implies ``feed_type = "forum"``)
    filter: Literal["opportunities"] | None = None


class FeedSpider(PlatformSpider):
    name = "feed"
    is_board = True
    requires_url = True
    Options = FeedOptions
    url_replaces = (
        "no default: `url` **is** the RSS/Atom feed (conditional GET; Teamtailor `tt:` "
        "locations read)."
    )

    @property
    def feed_type(self) -> str:
        default = "forum" if self.opts.get("filter") else "ats"
        return str(self.opts.get("feed_type") or default)

    def first_requests(self) -> Iterable[scrapy.Request]:
        headers = {
            sent: str(self.state[key])
            for key, (sent, _) in VALIDATORS.items()
            if self.state.get(key)
        }
        yield self.request(
            self.url_override,
            self.parse_feed,
            headers=headers,
            meta={"handle_httpstatus_list": [304]},
        )

    def parse_feed(self, response: Response) -> Iterator[RawPosting]:
        if response.status == 304:
            self.not_modified = True
            self.new_state = dict(self.state)
            return
        kept = {}
        for key, (_, header) in VALIDATORS.items():
            value = response.headers.get(header)
            if value:
                kept[key] = value.decode("latin-1")
        self.new_state = kept
        yield from self.parse_body(response.body)

    # -- parsing ---------------------------------------------------------------------
    def parse_body(self, body: bytes) -> list[RawPosting]:
        parsed = feedparser.parse(body)
        if not parsed.get("version") and not parsed.entries:
            reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
            head = body[:40].decode("utf-8", "replace").strip()
            self.fail(f"{self.url_override} is not an RSS/Atom feed ({reason}; starts {head!r})")
            return []
        problem = parsed.get("bozo_exception")
        if isinstance(problem, xml.sax.SAXException):
            # a feed cut short still parses up to the cut: keep those, close nothing
            self.incomplete(
                f"{self.url_override} is not well-formed XML ({problem}); nothing closed"
            )
        tt_locations = teamtailor_locations(body) if TT_NS.encode() in body else {}
        items = list(self.emit(parsed.entries, lambda e: self.parse_entry(e, tt_locations)))
        return items

    def parse_entry(self, entry: Any, tt_locations: dict[str, list[str]]) -> RawPosting | None:
        title = text(entry.get("title"))
        link = text(entry.get("link"))
        if not title or not link:
            raise ValueError("entry lacks a title or a link")
        summary = entry.get("summary") or ""
        content = entry.get("content")
        if isinstance(content, list) and content and isinstance(content[0], dict):
            summary = content[0].get("value") or summary
        if self.opts.get("filter") == "opportunities" and not is_opportunity(title, summary):
            return None
        match = _TT_ID.search(link)
        external_id = (match.group(1) if match else "") or text(entry.get("id")) or link
        updated = text(dict.get(entry, "updated"))  # plain get: no feedparser fallback
        # A forum post names its employer in the title; the forum stays the source.
        org = (hiring_org(title) if self.feed_type == "forum" else None) or self.org
        # ... and where to apply is the first employer or program link in its body.
        apply = apply_link(summary, link) if self.feed_type == "forum" else None
        return RawPosting(
            source_key=self.source_key,
            external_id=external_id,
            org=org,
            title=title,
            url=link,
            apply_url=apply,
            description_html=text(summary),
            locations=tt_locations.get(link, []),
            remote_hint=text(entry.get("remotestatus")) or None,
            department=text(entry.get("tt_department")) or None,
            posted_at=text(entry.get("published")) or updated or None,
            updated_at=updated or None,
            extras={
                "feed_type": self.feed_type,
                "via": self.org,
                "author": text(entry.get("author")) or None,
                "role": text(entry.get("tt_role")) or None,
            },
            raw={k: v for k, v in entry.items() if isinstance(v, str)},
        )

    def is_complete(self) -> bool:
        return self.feed_type == "ats" and not self.not_modified and super().is_complete()


def teamtailor_locations(body: bytes) -> dict[str, list[str]]:
    """link → location names from ``tt:locations``; empty when the XML is unreadable."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    out: dict[str, list[str]] = {}
    for item in root.iter("item"):
        link = (item.findtext("link") or "").strip()
        names = []
        for loc in item.iter(f"{{{TT_NS}}}location"):
            name = (loc.findtext(f"{{{TT_NS}}}name") or "").strip()
            city = (loc.findtext(f"{{{TT_NS}}}city") or "").strip()
            country = (loc.findtext(f"{{{TT_NS}}}country") or "").strip()
            names.append(name or ", ".join(p for p in (city, country) if p))
        if link:
            out[link] = unique(names)
    return out
