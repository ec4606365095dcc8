"""visitors report problems with postings; two reports of an expired posting or a broken
link hide it until a maintainer decides

Revision ID: 0007_posting_reports
Revises: 0006_program_follows
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.db.models

revision: str = "0007_posting_reports"
down_revision: str | None = "0006_program_follows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch recreate on SQLite would drop the full-text triggers (0002).
    op.add_column(
        "postings", sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "posting_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
            name=op.f("fk_posting_reports_posting_id_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_reports")),
    )
    op.create_index(
        "ix_posting_reports_open", "posting_reports", ["resolved_at", "posting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_posting_reports_open", table_name="posting_reports")
    op.drop_table("posting_reports")
    if op.get_bind().dialect.name == "sqlite":  # native DROP COLUMN keeps the triggers
        op.execute("ALTER TABLE postings DROP COLUMN hidden")
    else:
        op.drop_column("postings", "hidden")
