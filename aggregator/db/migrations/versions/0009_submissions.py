"""links shared by people ("submit an opportunity") wait in a moderation queue

Revision ID: 0009_submissions
Revises: 0008_posted_date_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.db.models

revision: str = "0009_submissions"
down_revision: str | None = "0008_posted_date_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("canonical_url", sa.String(length=2000), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("safety_relevance", sa.String(length=20), nullable=False),
        sa.Column("deadline", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("submitter", sa.String(length=64), nullable=False),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("decided_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("posting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
            name=op.f("fk_submissions_posting_id_postings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_index(
        "ix_submissions_canonical_status", "submissions", ["canonical_url", "status"], unique=False
    )
    op.create_index(op.f("ix_submissions_status"), "submissions", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_submissions_status"), table_name="submissions")
    op.drop_index("ix_submissions_canonical_status", table_name="submissions")
    op.drop_table("submissions")
