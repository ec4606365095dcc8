"""Reclassifying stored postings: every listing normalized again from its stored raw record
(and that record stored with it), every posting merged again from its listings."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.db.loading import posting_load_options
from aggregator.db.models import Posting
from aggregator.items import RawPosting
from aggregator.logs import log
from aggregator.store.changes import apply
from aggregator.store.employers import Employer, load_orgs, normalize_for
from aggregator.store.merge import merge, rank_listings

logger = logging.getLogger(__name__)


def reclassify(session: Session, *, taxonomy: Any = None, now: datetime | None = None) -> int:
    """Re-normalize every posting from its stored raw records; how many changed.

    Applies a changed taxonomy (or improved parsers) everywhere. No change rows are
    written (nothing happened at the source). The caller commits.
    """
    now = now or clock.now()
    changed = 0
    last_id = 0
    orgs = load_orgs(session)
    while True:
        batch = list(
            session.scalars(
                select(Posting)
                .where(Posting.id > last_id)
                .order_by(Posting.id)
                .limit(200)
                .options(*posting_load_options())
            )
        )
        if not batch:
            return changed
        for posting in batch:
            last_id = posting.id
            if _reclassify_one(session, posting, orgs, taxonomy, now):
                changed += 1
        session.flush()


def _reclassify_one(
    session: Session, posting: Posting, orgs: dict[str, Employer], taxonomy: Any, now: datetime
) -> bool:
    active = [ps for ps in posting.sources if ps.removed_at is None] or list(posting.sources)
    ranked = []
    for ps in rank_listings(active):
        try:
            raw = RawPosting.from_dict(ps.raw)
            data, _ = normalize_for(ps.source, raw, orgs, now=now, taxonomy=taxonomy)
        except Exception as exc:
            log(logger, logging.WARNING, "reclassify_skipped", posting=posting.id, error=exc)
            continue
        # stored with the listing: ingest merges from it while the taxonomy holds
        ps.normalized, ps.taxonomy_version = data.to_dict(), data.taxonomy_version
        ranked.append(data)
    if not ranked:
        return False
    merged = merge(ranked)
    before = (posting.content_hash, posting.classification, posting.taxonomy_version)
    with session.no_autoflush:
        apply(posting, merged, now=now, record_changes=False)
    return before != (posting.content_hash, posting.classification, posting.taxonomy_version)
