"""SQLite: a read-only view of the full-text index's terms (fts5vocab), so that the last
word of a search can be completed to the indexed terms it starts ("interp" ->
"interpret") instead of using an FTS5 prefix query, which per row costs milliseconds.

Revision ID: 0010_fts_vocabulary
Revises: 0009_submissions
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_fts_vocabulary"
down_revision: str | None = "0009_submissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL completes a prefix in the tsquery itself (:*) through the GIN index.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE postings_fts_vocab USING fts5vocab(postings_fts, row)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS postings_fts_vocab")
