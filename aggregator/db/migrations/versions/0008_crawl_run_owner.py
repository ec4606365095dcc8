"""crawl runs name the process recording them (host and pid)

A run left ``running`` by a crawl that was killed is marked ``aborted`` at the start
of the next crawl once its process is known to be gone (``aggregator.crawl.recovery``).

Revision ID: 0008_crawl_run_owner
Revises: 0007_posting_reports
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_crawl_run_owner"
down_revision: str | None = "0007_posting_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
