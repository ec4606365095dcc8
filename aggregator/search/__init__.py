"""Filtering stored postings: the one query layer behind the CLI, the web UI, the API and
feeds. :mod:`.filters` (the filter and its conditions), :mod:`.text` (full-text search),
:mod:`.keyset` (sorting and cursors), :mod:`.query` (pages, counts), :mod:`.related`
(tags, sources, organization slug of a page).

May import: ``aggregator.normalize``, ``aggregator.db`` and the foundations. Never web,
digest, store or the CLI.
"""

from aggregator.db.visibility import DEFAULT_RELEVANCE, RELEVANCE, relevance_values
from aggregator.search.filters import (
    MAX_DAYS,
    MAX_ID,
    REMOTE_MODES,
    SORTS,
    InvalidQuery,
    PostingFilter,
    filter_clauses,
)
from aggregator.search.query import (
    LIST_COLUMNS,
    Page,
    count_postings,
    get_posting,
    rows_by_id,
    search_postings,
    search_rows,
)
from aggregator.search.related import Related, related_values, source_keys, tag_values

__all__ = [
    "DEFAULT_RELEVANCE",
    "LIST_COLUMNS",
    "MAX_DAYS",
    "MAX_ID",
    "RELEVANCE",
    "REMOTE_MODES",
    "SORTS",
    "InvalidQuery",
    "Page",
    "PostingFilter",
    "Related",
    "count_postings",
    "filter_clauses",
    "get_posting",
    "related_values",
    "relevance_values",
    "rows_by_id",
    "search_postings",
    "search_rows",
    "source_keys",
    "tag_values",
]
