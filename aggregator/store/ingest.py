"""Storing a source's items: dedup across sources, lifecycle and change tracking.

``ingest_items`` is called once per crawl of a source. Each item is normalized and then
matched to a stored posting: by (source, external id), else by canonical posting/apply
URL, else by organization + dedup key (normalized title and location). One bad item is
an error with a clear message and never touches stored data (a SAVEPOINT per item).
The caller commits (one transaction per crawl of a source).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator import clock
from aggregator.db.loading import posting_load_options
from aggregator.db.models import Organization, Posting, PostingSource, Source
from aggregator.items import RawPosting
from aggregator.logs import log
from aggregator.normalize import posting as normalize_posting
from aggregator.normalize.posting import NormalizedPosting
from aggregator.store import changes, employers, expiry, lifecycle, merge
from aggregator.store.dedup import Matcher, Prepared
from aggregator.store.reclassify import reclassify

__all__ = ["IngestResult", "ingest_items", "reclassify"]
logger = logging.getLogger(__name__)
BATCH = 50
MAX_ERROR_MESSAGES = 50


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


class _Ingest:
    def __init__(self, session: Session, source: Source, now: datetime) -> None:
        self.session = session
        self.source = source
        self.now = now
        self.orgs = employers.load_orgs(session)
        self.cache: dict[int, NormalizedPosting | None] = {}

    def candidates(self, posting: Posting, current: PostingSource, data: NormalizedPosting) -> list:
        """Normalized data of every active listing of ``posting``, preferred first."""
        active = [ps for ps in posting.sources if ps.removed_at is None or ps is current]
        ranked = merge.rank_listings(active)
        items = (data if ps is current else self.renormalize(ps) for ps in ranked)
        return [item for item in items if item is not None] or [data]

    def renormalize(self, ps: PostingSource, taxonomy: Any = None) -> NormalizedPosting | None:
        if ps.id in self.cache:
            return self.cache[ps.id]
        try:
            raw = RawPosting.from_dict(ps.raw)
            item, _ = employers.normalize_for(
                ps.source, raw, self.orgs, now=self.now, taxonomy=taxonomy
            )
        except Exception as exc:  # a stored record that no longer normalizes
            log(logger, logging.WARNING, "renormalize_failed", posting_source=ps.id, error=exc)
            item = None
        self.cache[ps.id] = item
        return item


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
    existing = {
        ps.external_id: ps
        for ps in session.scalars(
            select(PostingSource)
            .where(PostingSource.source_id == source.id)
            .options(selectinload(PostingSource.posting).options(*posting_load_options()))
        )
    }
    version = _taxonomy_version()
    seen: set[str] = set()
    prepared: list[Prepared] = []
    for index, raw in enumerate(items):
        result.items += 1
        ext = str(getattr(raw, "external_id", "") or "")[:300]
        seen.add(ext)
        try:
            if not ext:
                raise ValueError("no external id")
            known = existing.get(ext)
            if (
                known is not None
                and known.posting.taxonomy_version == version
                and known.raw == raw.to_dict()
            ):  # fast path: nothing changed at the source
                outcome = lifecycle.seen_again(known, now)
                expiry.settle(known.posting, now)
                setattr(result, outcome, getattr(result, outcome) + 1)
                continue
            pre = normalized[index] if normalized and index < len(normalized) else None
            data, org = _normalize(run, raw, pre, version)
        except Exception as exc:
            result.error(f"{source.key} item {ext[:80]!r}: {exc}")
            continue
        prepared.append((raw, data, org))
    matcher = Matcher(session, [p for p in prepared if p[0].external_id not in existing])
    claimed = {id(ps.posting): ext for ext, ps in existing.items() if ext in seen}
    _store_all(run, existing, matcher, claimed, prepared, result)
    if complete:
        result.closed = lifecycle.close_missing(existing, seen, now)
    session.flush()
    log(logger, logging.INFO, "ingested", source=source.key, **{
        k: v for k, v in vars(result).items() if k != "error_messages"
    })  # fmt: skip
    return result


def _store_all(
    run: _Ingest,
    existing: dict[str, PostingSource],
    matcher: Matcher,
    claimed: dict[int, str],
    prepared: list[Prepared],
    result: IngestResult,
) -> None:
    """Store items in batches, each in a SAVEPOINT; a failed batch is redone item by item.

    One flush per batch instead of per item keeps ingest fast; the retry gives every item
    its own SAVEPOINT, so a bad item is an error and never affects the others.
    """

    def attempt(chunk: list[Prepared]) -> list[str]:
        saved = (dict(existing), matcher.snapshot(), dict(claimed), dict(run.cache))
        try:
            with run.session.begin_nested():
                return [_store(run, existing, matcher, claimed, *item) for item in chunk]
        except Exception:
            existing.clear()
            existing.update(saved[0])
            matcher.restore(saved[1])
            claimed.clear()
            claimed.update(saved[2])
            run.cache = saved[3]
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
                    ext = str(item[0].external_id)[:80]
                    result.error(f"{run.source.key} item {ext!r}: cannot store: {exc}")
        for outcome in outcomes:
            setattr(result, outcome, getattr(result, outcome) + 1)


def _store(
    run: _Ingest,
    existing: dict[str, PostingSource],
    matcher: Matcher,
    claimed: dict[int, str],
    raw: RawPosting,
    data: NormalizedPosting,
    org: Organization | None,
) -> str:
    now = run.now
    ext = str(raw.external_id)[:300]
    ps = existing.get(ext)
    posting = ps.posting if ps is not None else matcher.match(data, org, claimed, ext)
    outcome = "unchanged"
    if posting is None:
        posting = Posting(
            organization_id=org.id if org is not None else None,
            status="open",
            first_seen_at=now,
            last_seen_at=now,
            tags=[],
            sources=[],
        )
        run.session.add(posting)
        outcome = "new"
    if ps is None:
        ps = PostingSource(
            source=run.source, external_id=ext, url=data.url, first_seen_at=now, raw={}
        )
        posting.sources.append(ps)
        existing[ext] = ps
    ps.posting = posting
    ps.url = data.url
    ps.apply_url = data.apply_url
    ps.raw = raw.to_dict()
    ps.last_seen_at = now
    ps.removed_at = None
    if posting.organization_id is None and org is not None:
        posting.organization_id = org.id
    merged = merge.merge(run.candidates(posting, ps, data))
    changed = changes.apply(posting, merged, now=now, record_changes=outcome != "new")
    posting.last_seen_at = now
    if outcome != "new":
        was = posting.status
        if posting.status == "closed":
            lifecycle.set_status(posting, "open", now)
        expiry.settle(posting, now)
        if was != "open" and posting.status == "open":
            outcome = "reopened"
        elif changed:
            outcome = "updated"
    else:
        expiry.settle(posting, now, new=True)
    claimed.setdefault(id(posting), ext)
    if outcome == "new":
        matcher.add(posting)
    return outcome


def _normalize(
    run: _Ingest, raw: RawPosting, pre: Any, version: str | None
) -> tuple[NormalizedPosting, Organization | None]:
    """The item normalized for ``run.source``: the subprocess's result when it fits."""
    if isinstance(pre, dict) and isinstance(pre.get("data"), dict):
        org = employers.employer(run.source, raw, run.orgs)
        wanted = (org.name, org.org_type) if org is not None else (raw.org, None)
        data = pre["data"]
        if (pre.get("org"), pre.get("org_type")) == wanted and (
            data.get("taxonomy_version") == version
        ):
            try:
                return NormalizedPosting.from_dict(data), org
            except (TypeError, ValueError):
                pass  # malformed: normalize here
    return employers.normalize_for(run.source, raw, run.orgs, now=run.now)


def _taxonomy_version() -> str | None:
    taxonomy = normalize_posting._default_taxonomy()
    version = getattr(taxonomy, "version", None)
    return str(version)[:40] if version else None
