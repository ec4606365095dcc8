"""Run the Alembic migrations shipped in the package."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from aggregator.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Full-text search objects of migration 0002: not in the models, not for autogenerate.
FTS_TABLE_PREFIX = "postings_fts"
FTS_COLUMNS = {("postings", "search_vector")}
FTS_INDEXES = {"ix_postings_search_vector"}


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: hide the full-text search objects (the FTS5 table
    and its shadow tables on SQLite, the tsvector column and its index on PostgreSQL)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE_PREFIX)
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in FTS_COLUMNS
    if type_ == "index":
        return name not in FTS_INDEXES
    return True


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema; running it again changes nothing."""
    check_migratable(engine)
    command.upgrade(alembic_config(engine), revision)


def check_migratable(engine: Engine) -> None:
    """Refuse, in one line and before changing anything, a database the migrations
    cannot take: tables of ours that no migration made (another program's schema, which
    would end half-created), or a revision stamp this version does not know."""
    from aggregator.db.models import Base

    where = engine.url.render_as_string(hide_password=True)
    current = current_revision(engine)
    if current is None:
        clash = sorted(set(inspect(engine).get_table_names()) & set(Base.metadata.tables))
        if clash:
            raise DatabaseError(
                f"{where} already has tables aisafety-jobs did not create "
                f"({', '.join(clash[:5])}): use an empty database or another file"
            )
        return
    try:
        ScriptDirectory.from_config(alembic_config(engine)).get_revision(current)
    except CommandError:
        raise DatabaseError(
            f"{where} is at schema revision {current!r}, which this version of "
            "aisafety-jobs does not know (made by a newer version?): upgrade aisafety-jobs "
            "or use another database"
        ) from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
