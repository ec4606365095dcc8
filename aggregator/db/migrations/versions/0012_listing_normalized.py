"""Each listing keeps its normalized record and the taxonomy version it was made with.

Revision ID: 0012_listing_normalized
Revises: 0011_posting_follows
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_listing_normalized"
down_revision: str | None = "0011_posting_follows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for listings stored before: the next crawl (or reclassify) fills them in.
    with op.batch_alter_table("posting_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("normalized", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("taxonomy_version", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posting_sources", schema=None) as batch_op:
        batch_op.drop_column("taxonomy_version")
        batch_op.drop_column("normalized")
