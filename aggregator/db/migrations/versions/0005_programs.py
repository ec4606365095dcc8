"""programs and their cycles (config/programs.toml, page fingerprints, detected calls)

Revision ID: 0005_programs
Revises: 0003_profile_relevance
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.db.models

revision: str = "0005_programs"
down_revision: str | None = "0003_profile_relevance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("usual_open_months", sa.JSON(), nullable=False),
        sa.Column("page_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("page_dates_text", sa.Text(), nullable=True),
        sa.Column("page_checked_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("page_changed_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("key", name=op.f("uq_programs_key")),
    )
    op.create_table(
        "program_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=500), nullable=True),
        sa.Column("detected_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_cycles_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_cycles")),
        sa.UniqueConstraint("program_id", "label", name=op.f("uq_program_cycles_program_id_label")),
    )


def downgrade() -> None:
    op.drop_table("program_cycles")
    op.drop_table("programs")
