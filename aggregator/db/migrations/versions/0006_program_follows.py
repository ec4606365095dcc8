"""program follows and their notices ("tell me when it opens")

Revision ID: 0006_program_follows
Revises: 0005_programs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import aggregator.db.models

revision: str = "0006_program_follows"
down_revision: str | None = "0005_programs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "program_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_follows_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_follows")),
        sa.UniqueConstraint(
            "program_id", "email", name=op.f("uq_program_follows_program_id_email")
        ),
    )
    op.create_table(
        "program_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", aggregator.db.models.UTCDateTime(), nullable=False),
        sa.Column("claimed_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.Column("sent_at", aggregator.db.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["program_cycles.id"],
            name=op.f("fk_program_notices_cycle_id_program_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_id"],
            ["program_follows.id"],
            name=op.f("fk_program_notices_follow_id_program_follows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_notices")),
        sa.UniqueConstraint(
            "follow_id", "cycle_id", "kind", name=op.f("uq_program_notices_follow_id_cycle_id_kind")
        ),
    )
    op.create_index("ix_program_notices_status", "program_notices", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_program_notices_status", table_name="program_notices")
    op.drop_table("program_notices")
    op.drop_table("program_follows")
