"""Storing a source's items: dedup across sources, lifecycle and change tracking.

``ingest_items`` is called once per crawl of a source. Each item is normalized once (or
taken as the crawl subprocess normalized it) and then matched to a stored posting: by
(source, external id), else by canonical posting/apply URL, else by organization + dedup
key (normalized title and location). Each listing keeps its normalized record and
taxonomy version, and a posting is merged from its listings' stored records
(:mod:`.merge`), so the other listings of a posting are never normalized again while the
taxonomy holds. Postings first seen in a crawl are inserted in bulk (Core ``executemany``)
at the end of their batch; stored postings are updated through the ORM. One bad item is
an error with a clear message and never touches stored data (a SAVEPOINT per batch, redone
per item when one fails). The caller commits (one transaction per crawl of a source).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload, undefer

from aggregator import clock
from aggregator.batches import IN_LIST, batched
from aggregator.db import bulk
from aggregator.db.loading import posting_load_options
from aggregator.db.models import Base, Posting, PostingSource, PostingTag, Source
from aggregator.db.visibility import deadline_passed
from aggregator.items import RawPosting
from aggregator.logs import log
from aggregator.normalize import posting as normalize_posting
from aggregator.normalize.posting import NormalizedPosting
from aggregator.store import changes, employers, expiry, lifecycle, merge
from aggregator.store.dedup import Matchable, Matcher
from aggregator.store.employers import Employer
from aggregator.store.reclassify import reclassify
from aggregator.store.tags import desired_tags

__all__ = ["IngestResult", "ingest_items", "reclassify"]
logger = logging.getLogger(__name__)
BATCH = 100
MAX_ERROR_MESSAGES = 50
RAW_FIELDS = tuple(f.name for f in fields(RawPosting))
NORMALIZED_FIELDS = frozenset(f.name for f in fields(NormalizedPosting))
POSTINGS, LISTINGS, TAGS = (
    Base.metadata.tables[model.__tablename__] for model in (Posting, PostingSource, PostingTag)
)


@dataclass
class IngestResult:
    items: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    reopened: int = 0
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        """An item dropped: counted, and its reason logged (the first few per run)."""
        self.errors += 1
        if len(self.error_messages) < MAX_ERROR_MESSAGES:
            self.error_messages.append(message)
            log(logger, logging.WARNING, "item_dropped", reason=message)


@dataclass
class _Item:
    """One crawled item, normalized, with its employer resolved (once)."""

    ext: str
    raw: dict[str, Any]
    data: NormalizedPosting
    record: dict[str, Any]  # ``data`` as stored with the listing (``to_dict``)
    org: Employer | None


@dataclass(eq=False)
class _NewPosting:
    """A posting first seen in this crawl: merged from its listings (items of this crawl,
    in crawl order), inserted with them and its tags at the end of its batch."""

    organization_id: int | None
    listings: list[_Item]
    data: NormalizedPosting
    id: int | None = None

    # What dedup.Matcher reads of a posting.
    @property
    def canonical_url(self) -> str:
        return self.data.canonical_url

    @property
    def org_name(self) -> str:
        return self.data.org_name

    @property
    def dedup_key(self) -> str:
        return self.data.dedup_key

    def relist(self, item: _Item) -> bool:
        """Add ``item`` as a listing (or replace the listing of its id); True when what a
        user sees changed."""
        before = self.data.content_hash
        kept = [listing for listing in self.listings if listing.ext != item.ext]
        position = next((i for i, x in enumerate(self.listings) if x.ext == item.ext), None)
        kept.insert(len(kept) if position is None else position, item)
        self.listings = kept
        self.data = merge.merge([listing.data for listing in kept])
        if self.organization_id is None and item.org is not None:
            self.organization_id = item.org.id
        return self.data.content_hash != before


class _Ingest:
    """The state of one ``ingest_items`` call."""

    def __init__(self, session: Session, source: Source, now: datetime) -> None:
        self.session = session
        self.source = source
        self.now = now
        self.version = _taxonomy_version()
        self.orgs = employers.load_orgs(session)
        self.cache: dict[int, NormalizedPosting | None] = {}
        self.existing: dict[str, PostingSource] = {}
        self.claimed: dict[int, str] = {}
        self.matcher: Matcher
        # Postings first seen in this call, by the external ids of their listings.
        self.new_listings: dict[str, _NewPosting] = {}
        self.to_insert: list[_NewPosting] = []

    def candidates(
        self, posting: Posting, current: PostingSource, data: NormalizedPosting
    ) -> list[NormalizedPosting]:
        """Stored records of every active listing of ``posting``, preferred first."""
        active = [ps for ps in posting.sources if ps.removed_at is None or ps is current]
        ranked = merge.rank_listings(active)
        items = (data if ps is current else self.stored(ps) for ps in ranked)
        return [item for item in items if item is not None] or [data]

    def stored(self, ps: PostingSource) -> NormalizedPosting | None:
        """The listing's stored record; normalized again from its raw record (and stored)
        only when it has none for the current taxonomy version."""
        if ps.id in self.cache:
            return self.cache[ps.id]
        item: NormalizedPosting | None = None
        if ps.normalized and ps.taxonomy_version == self.version:
            try:
                item = NormalizedPosting.from_dict(ps.normalized)
            except (TypeError, ValueError):
                item = None  # malformed: normalize it again below
        if item is None:
            try:
                raw = RawPosting.from_dict(ps.raw)
                item, _ = employers.normalize_for(ps.source, raw, self.orgs, now=self.now)
                ps.normalized, ps.taxonomy_version = item.to_dict(), item.taxonomy_version
            except Exception as exc:  # a stored record that no longer normalizes
                log(logger, logging.WARNING, "renormalize_failed", posting_source=ps.id, error=exc)
        self.cache[ps.id] = item
        return item

    def stored_posting(self, new: _NewPosting) -> Posting:
        """The ORM posting of one inserted by an earlier batch of this call."""
        found = self.session.get(Posting, new.id, options=posting_load_options())
        assert found is not None, f"posting {new.id} inserted by this crawl is gone"
        return found

    def stored_listing(self, ext: str) -> PostingSource:
        """The ORM listing ``ext`` of this source, inserted by an earlier batch."""
        ps = self.session.scalars(
            select(PostingSource)
            .where(PostingSource.source_id == self.source.id, PostingSource.external_id == ext)
            .options(selectinload(PostingSource.posting).options(*posting_load_options()))
        ).one()
        self.existing[ext] = ps
        return ps


def ingest_items(
    session: Session,
    source: Source,
    items: Iterable[RawPosting],
    *,
    complete: bool,
    now: datetime | None = None,
    normalized: Sequence[Any] | None = None,
) -> IngestResult:
    """Store one crawl's items of ``source``; the caller commits.

    ``complete=True`` only after a complete, successful crawl: this source's listings
    not seen in it are marked removed, and postings left without a listing are closed.
    ``normalized[i]`` may hold item i already normalized by the crawl subprocess (see
    ``aggregator.crawl.worker.prenormalize``); it is used only when it was made for the
    org name, org type and taxonomy version this process would use.
    """
    now = now or clock.now()
    result = IngestResult()
    run = _Ingest(session, source, now)
    run.existing = existing = {
        ps.external_id: ps
        for ps in session.scalars(
            select(PostingSource)
            .where(PostingSource.source_id == source.id)
            .options(*_listing_load_options())
        )
    }
    seen: set[str] = set()
    seen_again = lifecycle.SeenAgain(now)
    prepared: list[_Item] = []
    for index, raw in enumerate(items):
        result.items += 1
        ext = str(getattr(raw, "external_id", "") or "")[:300]
        seen.add(ext)
        try:
            if not ext:
                raise ValueError("no external id")
            record = _raw_record(raw)
            known = existing.get(ext)
            if (
                known is not None
                and known.taxonomy_version == run.version
                and known.raw == record
                # A version is stored with a record (read only when there is no version).
                and (known.taxonomy_version is not None or known.normalized is not None)
            ):  # fast path: nothing changed at the source (nor the taxonomy)
                outcome = seen_again.add(known)
                expiry.settle(known.posting, now)
                setattr(result, outcome, getattr(result, outcome) + 1)
                continue
            pre = normalized[index] if normalized and index < len(normalized) else None
            data, stored, org = _normalize(run, raw, pre)
        except Exception as exc:
            result.error(f"{source.key} item {ext[:80]!r}: {exc}")
            continue
        prepared.append(_Item(ext, record, data, stored, org))
    seen_again.store(session)
    _load_for_update(session, [existing[i.ext].posting_id for i in prepared if i.ext in existing])
    run.matcher = Matcher(session, [(i.data, i.org) for i in prepared if i.ext not in existing])
    run.claimed = {id(ps.posting): ext for ext, ps in existing.items() if ext in seen}
    _store_all(run, prepared, result)
    if complete:
        result.closed = lifecycle.close_missing(existing, seen, now)
    session.flush()
    log(logger, logging.INFO, "ingested", source=source.key, **{
        k: v for k, v in vars(result).items() if k != "error_messages"
    })  # fmt: skip
    return result


def _load_for_update(session: Session, posting_ids: list[int]) -> None:
    """The normalized records of the listings of postings whose item changed, in one query
    per batch (``_listing_load_options`` defers them: one query per listing otherwise)."""
    for chunk in batched(posting_ids, IN_LIST):
        session.scalars(
            select(PostingSource)
            .where(PostingSource.posting_id.in_(chunk))
            .options(undefer(PostingSource.normalized))
        ).all()


def _listing_load_options() -> Any:
    """What is loaded with a source's stored listings: what an unchanged item reads (its
    raw record, its posting's status, deadline and listings). The rest is loaded when an
    item changed: the listings' normalized records, the posting's tags and classification."""
    return (
        defer(PostingSource.normalized),
        selectinload(PostingSource.posting).options(
            defer(Posting.classification),
            selectinload(Posting.sources).options(
                defer(PostingSource.normalized), selectinload(PostingSource.source)
            ),
        ),
    )


def _store_all(run: _Ingest, prepared: list[_Item], result: IngestResult) -> None:
    """Store items in batches, each in a SAVEPOINT; a failed batch is redone item by item.

    One flush and one bulk insert per batch instead of per item keeps ingest fast; the
    retry gives every item its own SAVEPOINT, so a bad item is an error and never affects
    the others.
    """

    def attempt(chunk: list[_Item]) -> list[str]:
        saved = (
            dict(run.existing),
            run.matcher.snapshot(),
            dict(run.claimed),
            dict(run.cache),
            dict(run.new_listings),
        )  # postings of earlier batches are inserted: only this batch's new ones change
        try:
            with run.session.begin_nested():
                outcomes = [_store(run, item) for item in chunk]
                _insert_new(run)
                return outcomes
        except Exception:
            run.existing.clear()
            run.existing.update(saved[0])
            run.matcher.restore(saved[1])
            run.claimed.clear()
            run.claimed.update(saved[2])
            run.cache = saved[3]
            run.new_listings = saved[4]
            run.to_insert = []
            raise

    for start in range(0, len(prepared), BATCH):
        chunk = prepared[start : start + BATCH]
        try:
            outcomes = attempt(chunk)
        except Exception:
            outcomes = []
            for item in chunk:
                try:
                    outcomes += attempt([item])
                except Exception as exc:
                    result.error(f"{run.source.key} item {item.ext[:80]!r}: cannot store: {exc}")
        for outcome in outcomes:
            setattr(result, outcome, getattr(result, outcome) + 1)


def _store(run: _Ingest, item: _Item) -> str:
    """Store one item; its outcome (new, updated, unchanged or reopened)."""
    ps = run.existing.get(item.ext)
    new = run.new_listings.get(item.ext) if ps is None else None
    if new is not None and new.id is not None:  # the same id again, in a later batch
        ps, new = run.stored_listing(item.ext), None
    found: Matchable | None = new
    if ps is not None:
        found = ps.posting
    elif found is None:
        found = run.matcher.match(item.data, item.org, run.claimed, item.ext)
    if found is None:
        new = _NewPosting(item.org.id if item.org else None, [item], item.data)
        run.matcher.add(new)
        run.claimed[id(new)] = item.ext
        run.new_listings[item.ext] = new
        run.to_insert.append(new)
        return "new"
    run.claimed.setdefault(id(found), item.ext)
    if isinstance(found, _NewPosting):
        if found.id is None:  # first seen in this batch: merged again before its insert
            run.new_listings[item.ext] = found
            return "updated" if found.relist(item) else "unchanged"
        found = run.stored_posting(found)
    assert isinstance(found, Posting)
    return _update(run, ps, found, item)


def _update(run: _Ingest, ps: PostingSource | None, posting: Posting, item: _Item) -> str:
    """A stored posting listed by this item: the listing stored, the posting merged again."""
    now, data = run.now, item.data
    if ps is None:
        ps = PostingSource(
            source=run.source, external_id=item.ext, url=data.url, first_seen_at=now, raw={}
        )
        posting.sources.append(ps)
        run.existing[item.ext] = ps
    ps.posting = posting
    ps.url = data.url
    ps.apply_url = data.apply_url
    ps.raw = item.raw
    ps.normalized, ps.taxonomy_version = item.record, data.taxonomy_version
    ps.last_seen_at = now
    ps.removed_at = None
    if posting.organization_id is None and item.org is not None:
        posting.organization_id = item.org.id
    merged = merge.merge(run.candidates(posting, ps, data))
    changed = changes.apply(posting, merged, now=now, record_changes=True)
    posting.last_seen_at = now
    was = posting.status
    if posting.status == "closed":
        lifecycle.set_status(posting, "open", now)
    expiry.settle(posting, now)
    if was != "open" and posting.status == "open":
        return "reopened"
    return "updated" if changed else "unchanged"


def _insert_new(run: _Ingest) -> None:
    """Insert the postings first seen in this batch, their listings and tags (driver
    ``executemany``, :mod:`aggregator.db.bulk`: no ORM unit of work for what is new)."""
    news, run.to_insert = run.to_insert, []
    if not news:
        return
    now, source_id = run.now, run.source.id
    rows = [
        # a new posting past its deadline is stored expired (no change row: it is new)
        changes.new_posting_row(
            new.data,
            new.organization_id,
            now,
            status="expired" if deadline_passed(new.data, now) else "open",
        )
        for new in news
    ]
    connection = run.session.connection()
    ids = bulk.insert_returning_ids(connection, POSTINGS, rows)
    listings: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    for new, posting_id in zip(news, ids, strict=True):
        new.id = posting_id
        for item in new.listings:
            listings.append(
                {
                    "posting_id": posting_id,
                    "source_id": source_id,
                    "external_id": item.ext,
                    "url": item.data.url,
                    "apply_url": item.data.apply_url,
                    "raw": item.raw,
                    "normalized": item.record,
                    "taxonomy_version": item.data.taxonomy_version,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "removed_at": None,
                }
            )
        tags += [
            {"posting_id": posting_id, "kind": kind, "value": value, "confidence": confidence}
            for (kind, value), confidence in desired_tags(new.data).items()
        ]
    bulk.insert_rows(connection, LISTINGS, listings)
    bulk.insert_rows(connection, TAGS, tags)


def _raw_record(raw: RawPosting) -> dict[str, Any]:
    """The item as stored in ``posting_sources.raw`` (one level: JSON encodes the rest,
    much cheaper than ``asdict``'s deep copies)."""
    return {name: getattr(raw, name) for name in RAW_FIELDS}


def _normalize(
    run: _Ingest, raw: RawPosting, pre: Any
) -> tuple[NormalizedPosting, dict[str, Any], Employer | None]:
    """The item normalized for ``run.source`` and its record to store: the subprocess's
    result (as it is: no second ``to_dict``) when it was made for the employer this
    process resolves and the current taxonomy."""
    org = employers.employer(run.source, raw, run.orgs)
    if isinstance(pre, dict) and isinstance(pre.get("data"), dict):
        wanted = (org.name, org.org_type) if org is not None else (raw.org, None)
        data = pre["data"]
        if (pre.get("org"), pre.get("org_type")) == wanted and (
            data.get("taxonomy_version") == run.version
        ):
            try:
                made = NormalizedPosting.from_dict(data)
            except (TypeError, ValueError):
                pass  # malformed: normalize here
            else:
                return made, {k: v for k, v in data.items() if k in NORMALIZED_FIELDS}, org
    made = employers.normalize_as(raw, org, now=run.now)
    return made, made.to_dict(), org


def _taxonomy_version() -> str | None:
    taxonomy = normalize_posting._default_taxonomy()
    version = getattr(taxonomy, "version", None)
    return str(version)[:40] if version else None
