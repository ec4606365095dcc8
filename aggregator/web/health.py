"""Source health for the maintainers' page and the JSON API: one query for both."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import PostingSource, Source


def sources_with_counts(session: Session) -> tuple[list[Source], dict[int, int]]:
    """Every source (with its organization), and how many postings each still lists."""
    counts = {
        source_id: int(n)
        for source_id, n in session.execute(
            select(PostingSource.source_id, func.count())
            .where(PostingSource.removed_at.is_(None))
            .group_by(PostingSource.source_id)
        )
    }
    sources = list(
        session.scalars(
            select(Source).options(selectinload(Source.organization)).order_by(Source.key)
        )
    )
    return sources, counts
