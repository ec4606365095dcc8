"""following an organization, a mentor or a team: one email per new posting

Revision ID: 0011_posting_follows
Revises: 0010_fts_vocabulary
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.db.models

revision: str = "0011_posting_follows"
down_revision: str | None = "0010_fts_vocabulary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_posting_follows_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_follows")),
        sa.UniqueConstraint(
            "kind", "target", "email", name=op.f("uq_posting_follows_kind_target_email")
        ),
    )
    op.create_table(
        "posting_follow_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("claimed_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("sent_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follow_id"],
            ["posting_follows.id"],
            name=op.f("fk_posting_follow_notices_follow_id_posting_follows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["postings.id"],
            name=op.f("fk_posting_follow_notices_posting_id_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_follow_notices")),
        sa.UniqueConstraint(
            "follow_id", "posting_id", name=op.f("uq_posting_follow_notices_follow_id_posting_id")
        ),
    )
    op.create_index(
        "ix_posting_follow_notices_status", "posting_follow_notices", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_posting_follow_notices_status", table_name="posting_follow_notices")
    op.drop_table("posting_follow_notices")
    op.drop_table("posting_follows")
