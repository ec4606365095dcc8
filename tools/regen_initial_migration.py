"""Regenerate the initial migration from the models (only while no database is deployed).

Usage: python tools/regen_initial_migration.py
"""

from __future__ import annotations

import subprocess
import sys
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
target = versions / "0001_initial_schema.py"
generated.rename(target)
ruff = [sys.executable, "-m", "ruff"]
subprocess.run([*ruff, "check", "--fix", "--unsafe-fixes", "--quiet", str(target)], check=False)
subprocess.run([*ruff, "format", "--quiet", str(target)], check=True)
print("wrote", target)
