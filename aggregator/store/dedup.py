"""Finding the stored posting an ingested item belongs to (cross-source dedup).

One query batch per crawl loads every candidate (by canonical posting/apply URL, and by
organization + dedup key); the postings created during the crawl are added as they are
created, so two items of one crawl dedup against each other too.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.batches import IN_LIST, batched
from aggregator.db.loading import posting_load_options
from aggregator.db.models import Posting
from aggregator.normalize.posting import NormalizedPosting
from aggregator.normalize.urls import canonical_url
from aggregator.store.employers import Employer, org_key


class Matchable(Protocol):
    """A stored posting, or one first seen in this crawl and not inserted yet."""

    @property
    def canonical_url(self) -> str: ...
    @property
    def organization_id(self) -> int | None: ...
    @property
    def org_name(self) -> str: ...
    @property
    def dedup_key(self) -> str: ...


class Matcher:
    """Finds the stored posting of an item; knows the postings created in this call."""

    def __init__(
        self, session: Session, items: list[tuple[NormalizedPosting, Employer | None]]
    ) -> None:
        self.by_url: dict[str, list[Matchable]] = {}
        self.by_key: dict[tuple[Any, str], list[Matchable]] = {}
        urls = sorted({u for n, _ in items for u in _urls(n)})
        org_ids = sorted({o.id for _, o in items if o is not None})
        with_org = sorted({n.dedup_key for n, o in items if o is not None})
        without_org = sorted({n.dedup_key for n, o in items if o is None})
        queries: list[Any] = [Posting.canonical_url.in_(b) for b in batched(urls, IN_LIST)]
        if org_ids:
            queries += [
                Posting.organization_id.in_(org_ids) & Posting.dedup_key.in_(batch)
                for batch in batched(with_org, IN_LIST)
            ]
        queries += [
            Posting.organization_id.is_(None) & Posting.dedup_key.in_(batch)
            for batch in batched(without_org, IN_LIST)
        ]
        # Ids first (plain rows): a crawl of new postings finds none and loads no objects.
        ids: set[int] = set()
        for condition in queries:
            ids.update(session.scalars(select(Posting.id).where(condition)))
        found: list[Posting] = []
        for batch in batched(sorted(ids), IN_LIST):
            stmt = select(Posting).where(Posting.id.in_(batch)).options(*posting_load_options())
            found += session.scalars(stmt)
        for posting in sorted(found, key=lambda p: (p.status != "open", -p.id)):
            self.add(posting)

    def snapshot(
        self,
    ) -> tuple[dict[str, list[Matchable]], dict[tuple[Any, str], list[Matchable]]]:
        return (
            {k: list(v) for k, v in self.by_url.items()},
            {k: list(v) for k, v in self.by_key.items()},
        )

    def restore(
        self, saved: tuple[dict[str, list[Matchable]], dict[tuple[Any, str], list[Matchable]]]
    ) -> None:
        self.by_url, self.by_key = saved

    def add(self, posting: Matchable) -> None:
        self.by_url.setdefault(posting.canonical_url, []).append(posting)
        org = posting.organization_id or org_key(posting.org_name)
        self.by_key.setdefault((org, posting.dedup_key), []).append(posting)

    def match(
        self, data: NormalizedPosting, org: Employer | None, claimed: dict[int, str], ext: str
    ) -> Matchable | None:
        for url in _urls(data):
            for posting in self.by_url.get(url, []):
                # A page listing several roles under one URL: not the same posting.
                if claimed.get(id(posting), ext) == ext:
                    return posting
        org_ident = org.id if org is not None else org_key(data.org_name)
        candidates = self.by_key.get((org_ident, data.dedup_key), [])
        return candidates[0] if candidates else None


def _urls(data: NormalizedPosting) -> list[str]:
    urls = [data.canonical_url]
    if data.apply_url:
        urls.append(canonical_url(data.apply_url))
    return [u for u in dict.fromkeys(urls) if u]
