"""Regenerate the initial migration from the models (only while no database is deployed).

Usage: python tools/regen_initial_migration.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from aggregator.db.migrate import MIGRATIONS, alembic_config

versions = MIGRATIONS / "versions"
for old in versions.glob("0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    engine = create_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
    config = alembic_config(engine)
    command.revision(
        config, message="initial schema", autogenerate=True, rev_id="0001", head="base"
    )
generated = next(versions.glob("0001_*.py"))
generated.rename(versions / "0001_initial_schema.py")
print("wrote", versions / "0001_initial_schema.py")
