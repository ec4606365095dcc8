"""subscriber profiles choose the AI-safety relevance they want

``relevance`` is a JSON list of core / adjacent / none; empty (every existing profile)
means the default everywhere, core and adjacent.

Revision ID: 0003_profile_relevance
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_profile_relevance"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber_profiles") as batch:
        batch.add_column(sa.Column("relevance", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("subscriber_profiles") as batch:
        batch.drop_column("relevance")
