"""Teamtailor job feed: RSS 2.0 with ``tt:`` location elements, one GET per board.

Endpoint: ``https://{token}.teamtailor.com/jobs.rss`` (custom domains and regional
hosts such as ``{token}.na.teamtailor.com`` serve the same path: give them as
``url``). Items: ``title``, ``link`` (``/jobs/{numeric id}-{slug}``: the id),
``description`` (entity-escaped HTML), ``pubDate``, ``remoteStatus``
(``none|hybrid|onsite|fully|temporary``; ``none`` means "not stated" and is
dropped), ``tt:department``, ``tt:role`` and
``tt:locations/tt:location/{tt:name,tt:city,tt:country}``
(``xmlns:tt="https://teamtailor.com/locations"``). A feed with no item is a
healthy empty board; a body that is not RSS fails the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response

from aggregator.items import RawPosting
from spiders.base import PlatformSpider
from spiders.feed import TT_NS, teamtailor_locations
from spiders.fields import opt_text, text, unescape_html

_ID = re.compile(r"/jobs/(\d+)")


class TeamtailorSpider(PlatformSpider):
    name = "teamtailor"
    requires_token = True
    url_replaces = (
        "`https://{token}.teamtailor.com/jobs.rss`. Serve RSS 2.0 items with `tt:` locations."
    )

    def first_requests(self) -> Iterable[scrapy.Request]:
        default = f"https://{self.token}.teamtailor.com/jobs.rss"
        yield self.request(self.endpoint(default), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[RawPosting]:
        parsed = feedparser.parse(response.body)
        if not parsed.get("version", "").startswith("rss"):
            head = response.body[:40].decode("utf-8", "replace").strip()
            self.fail(f"{response.url} is not a Teamtailor RSS feed (starts {head!r})")
            return
        places = teamtailor_locations(response.body) if TT_NS.encode() in response.body else {}
        yield from self.emit(parsed.entries, lambda e: self.parse_item(e, places))

    def parse_item(self, entry: Any, places: dict[str, list[str]]) -> RawPosting | None:
        return parse_teamtailor_item(entry, self.source_key, self.org, places)


def parse_teamtailor_item(
    entry: Any, source_key: str, org: str, places: dict[str, list[str]]
) -> RawPosting:
    if not isinstance(entry, dict):
        raise ValueError("item is not a mapping")
    title, link = text(entry.get("title")), text(entry.get("link"))
    match = _ID.search(link)
    if not (title and link and match):
        raise ValueError("item lacks a title or a /jobs/<id> link")
    remote = text(entry.get("remotestatus"))
    return RawPosting(
        source_key=source_key,
        external_id=match.group(1),
        org=org,
        title=title,
        url=link,
        description_html=unescape_html(entry.get("summary")),
        locations=places.get(link, []),
        remote_hint=remote if remote and remote.lower() != "none" else None,
        department=opt_text(entry.get("tt_department")),
        posted_at=opt_text(entry.get("published")),
        extras={"role": opt_text(entry.get("tt_role")), "guid": opt_text(entry.get("id"))},
        raw={k: v for k, v in entry.items() if isinstance(v, str)},
    )
