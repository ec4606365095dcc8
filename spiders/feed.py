"""RSS/Atom feeds: ATS job feeds (Teamtailor style) and forum tag feeds.

The source's ``url`` (required) is the feed. It is fetched with httpx (timeouts,
a size cap, one retry on 5xx/429 honouring ``Retry-After``, conditional GET with
the ETag/Last-Modified kept in the source's state) and parsed with
``feedparser.parse(bytes)``. A 304 is a successful run that changes and closes
nothing.

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
import time
from typing import Any, Literal

import feedparser
import httpx
from lxml import etree

from aggregator.items import RawPosting
from aggregator.normalize.announcements import apply_link
from aggregator.normalize.announcements import is_opportunity as announcement
from aggregator.normalize.text import html_to_text
from spiders.base import FetchPlatform, PlatformOptions
from spiders.fields import text, unique
from spiders.forum_org import hiring_org

TT_NS = "https://teamtailor.com/locations"
_TT_ID = re.compile(r"/jobs/(\d+)")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def is_opportunity(title: str, body_html: str = "") -> bool:
    """Whether a forum post announces something to apply to, by its title and body."""
    body = html_to_text(body_html) if body_html else ""
    return announcement(title, body).value


class FeedOptions(PlatformOptions):
    #: ``ats`` lists a whole board (closes postings); ``forum`` is a window of posts
    feed_type: Literal["ats", "forum"] | None = None
    #: keep only hiring/fellowship/grant announcements (implies ``feed_type = "forum"``)
    filter: Literal["opportunities"] | None = None


class FeedPlatform(FetchPlatform):
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

    def run(self) -> list[RawPosting]:
        if self.opts.get("filter") not in (None, "", "opportunities"):
            self.fail(f"option filter must be 'opportunities', got {self.opts.get('filter')!r}")
            return []
        if self.feed_type not in ("ats", "forum"):
            self.fail(f"option feed_type must be 'ats' or 'forum', got {self.feed_type!r}")
            return []
        body = self.fetch(self.url_override)
        if body is None:
            return []
        return self.parse(body)

    # -- fetching --------------------------------------------------------------------
    def fetch(self, url: str) -> bytes | None:
        headers = {"User-Agent": str(self.http.get("user_agent") or "aisafety-jobs")}
        if self.state.get("etag"):
            headers["If-None-Match"] = str(self.state["etag"])
        if self.state.get("last_modified"):
            headers["If-Modified-Since"] = str(self.state["last_modified"])
        timeout = float(self.http.get("timeout") or 30)
        attempts = 1 + int(self.http.get("retries", 1))
        for attempt in range(attempts):
            try:
                status, resp_headers, body = self._get(url, headers, timeout)
            except (httpx.HTTPError, OSError) as exc:
                if attempt + 1 < attempts:
                    time.sleep(min(2.0**attempt, 5.0))
                    continue
                self.fail(f"{type(exc).__name__} fetching {url}: {exc}")
                return None
            if status in (429, 500, 502, 503, 504) and attempt + 1 < attempts:
                time.sleep(self._retry_delay(resp_headers, attempt))
                continue
            break
        if status == 304:
            self.not_modified = True
            self.new_state = dict(self.state)
            return None
        if status != 200 or body is None:
            if body is None and status == 200:
                return None
            self.fail(f"HTTP {status} from {url}")
            return None
        self.new_state = {
            k: v
            for k, v in (
                ("etag", resp_headers.get("etag")),
                ("last_modified", resp_headers.get("last-modified")),
            )
            if v
        }
        return body

    def _retry_delay(self, headers: httpx.Headers, attempt: int) -> float:
        cap = float(self.http.get("retry_after_max", 30))
        value = headers.get("retry-after", "")
        if value.strip().isdigit():
            return min(float(value), cap)
        return min(2.0**attempt, cap)

    def _get(
        self, url: str, headers: dict[str, str], timeout: float
    ) -> tuple[int, httpx.Headers, bytes | None]:
        limit = int(self.http.get("max_bytes") or DEFAULT_MAX_BYTES)
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code != 200:
                return response.status_code, response.headers, b""
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    self.fail(f"feed at {url} is larger than {limit} bytes; not read")
                    return 200, response.headers, None
                chunks.append(chunk)
            return 200, response.headers, b"".join(chunks)

    # -- parsing ---------------------------------------------------------------------
    def parse(self, body: bytes) -> list[RawPosting]:
        parsed = feedparser.parse(body)
        if not parsed.get("version") and not parsed.entries:
            reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
            head = body[:40].decode("utf-8", "replace").strip()
            self.fail(f"{self.url_override} is not an RSS/Atom feed ({reason}; starts {head!r})")
            return []
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
