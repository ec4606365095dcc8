"""Sharing a link: screen it, fetch it through the crawl runner, queue it for moderation.

Used by ``aisafety-jobs submit URL`` and the web form alike. The link is screened before
anything is fetched (a rejected link is refused, one already waiting or already a
posting is pointed at), then fetched in a crawl subprocess with the ``community``
platform (robots.txt, timeouts and size limit like every source; see
:mod:`spiders.community`) and queued by :mod:`aggregator.store.submissions`. Every
failure is one line (:class:`SubmissionRefused`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.crawl.registry import SourceConfig
from aggregator.crawl.runner import fetch_sources
from aggregator.db.models import Posting, Submission
from aggregator.items import RawPosting
from aggregator.normalize.fields import http_url
from aggregator.normalize.posting import InvalidItem
from aggregator.settings import Settings
from aggregator.store.submissions import (
    COMMUNITY_SOURCE,
    SubmissionRefused,
    enqueue,
    link_key,
    screen,
)
from spiders.platforms import discover_platforms


@dataclass(frozen=True)
class Shared:
    """The outcome of sharing a link: ``queued`` (a new submission), ``waiting`` (the
    same link already waits for review) or ``listed`` (it is already a posting)."""

    outcome: str
    submission: Submission | None = None
    posting: Posting | None = None


def page_source(url: str, key: str = COMMUNITY_SOURCE) -> SourceConfig:
    """A one-page source reading ``url`` with the ``community`` platform."""
    return SourceConfig(key=key, org="", org_type="board", platform=COMMUNITY_SOURCE, url=url)


def fetch_page(settings: Settings, url: str) -> RawPosting:
    """The shared page as a record; :class:`SubmissionRefused` with the fetch's one line."""
    results = fetch_sources(settings, [page_source(url)], platforms=discover_platforms())
    result = results.get(COMMUNITY_SOURCE, {})
    items = result.get("items") or []
    if result.get("status") not in ("success", "partial") or not items:
        reason = str(result.get("message") or "nothing could be read from it")
        raise SubmissionRefused(f"could not read {url[:200]}: {reason}")
    return RawPosting.from_dict(items[0])


def share_link(
    settings: Settings,
    session: Session,
    url: str,
    notes: str = "",
    *,
    submitter: str,
    now: datetime | None = None,
) -> Shared:
    """Screen, fetch and queue ``url``; commits when something was queued."""
    url = url.strip()
    canonical = link_key(url)
    known = screen(session, canonical)
    if known is None:
        raw = fetch_page(settings, url)
        # The page may name its own address (JSON-LD): that one is screened too.
        page = http_url(raw.url)
        if page is not None and link_key(page) != canonical:
            known = screen(session, link_key(page))
        if known is None:
            try:
                submission = enqueue(session, url, notes, raw, submitter, now or clock.now())
            except InvalidItem as exc:
                session.rollback()
                raise SubmissionRefused(f"could not use {url[:200]}: {exc}") from None
            session.commit()
            return Shared("queued", submission=submission)
    if known.submission is not None:
        return Shared("waiting", submission=known.submission)
    return Shared("listed", posting=known.posting)
