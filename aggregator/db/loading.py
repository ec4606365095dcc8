"""What writers of postings load with them: tags and listings (with their sources), eagerly."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from aggregator.db.models import Posting, PostingSource


def posting_load_options() -> Any:
    return (
        selectinload(Posting.tags),
        selectinload(Posting.sources).selectinload(PostingSource.source),
    )
