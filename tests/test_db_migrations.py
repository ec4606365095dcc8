"""The migration chain creates exactly the models' schema on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from aggregator.db.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine
from aggregator.db.migrate import (
    MIGRATIONS,
    alembic_config,
    current_revision,
    include_name,
    upgrade_database,
)
from aggregator.db.models import Base


def test_single_head() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1


def test_upgraded_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade_database(engine)
    assert current_revision(engine) == before
    tables = set(inspect(engine).get_table_names())
    assert {"postings", "posting_tags", "digests", "subscribers", "sources"} <= tables


def test_downgrade_and_upgrade_again(tmp_path) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    upgrade_database(engine)
    command.downgrade(alembic_config(engine), "base")
    assert "postings" not in inspect(engine).get_table_names()
    upgrade_database(engine)
    assert "postings" in inspect(engine).get_table_names()


def test_sqlite_pragmas(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
