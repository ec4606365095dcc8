"""Regenerate the initial migration from the models (only while no database is deployed).

Usage: python tools/regen_initial_migration.py

Later migrations (0002 onwards, hand-written: e.g. full-text search) are set aside while
0001 is generated, then put back unchanged.
"""

from __future__ import annotations

import shutil
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
    later = [
        p for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py") if not p.name.startswith("0001_")
    ]
    aside = Path(tmp) / "later"
    aside.mkdir()
    for path in later:
        shutil.move(path, aside / path.name)
    try:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
        config = alembic_config(engine)
        command.revision(
            config, message="initial schema", autogenerate=True, rev_id="0001", head="base"
        )
    finally:
        for path in later:
            shutil.move(aside / path.name, path)
generated = next(versions.glob("0001_*.py"))
target = versions / "0001_initial_schema.py"
generated.rename(target)
ruff = [sys.executable, "-m", "ruff"]
subprocess.run([*ruff, "check", "--fix", "--unsafe-fixes", "--quiet", str(target)], check=False)
subprocess.run([*ruff, "format", "--quiet", str(target)], check=True)
print("wrote", target)
