"""Engines for the embedded SQLite default and for PostgreSQL, upgraded on first use."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from aggregator.errors import DatabaseError
from aggregator.settings import Settings, ensure_data_dir

_upgraded: set[str] = set()
# Execution option: "IMMEDIATE" makes every transaction of a connection (a writer's
# session, see session_factory) begin with BEGIN IMMEDIATE: the write lock is taken at
# BEGIN, where the busy timeout waits for it, and everything up to COMMIT is one
# transaction. Other connections keep the driver's own handling (reads outside a
# transaction, BEGIN before the first write).
SQLITE_BEGIN = "sqlite_begin"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _in_transaction(conn: Connection) -> bool:
    return bool(conn.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get(SQLITE_BEGIN) == "IMMEDIATE" and not _in_transaction(conn):
        # The driver sees the open transaction and adds no BEGIN of its own.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_savepoint(conn: Connection, _name: str) -> None:
    # Python 3.11's sqlite3 begins a transaction only before INSERT/UPDATE/DELETE, so a
    # SAVEPOINT after a SELECT would run outside any transaction and its RELEASE commit
    # for good, whatever rollback follows (issue 14, point 1): begin one first.
    autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    if not autocommit and not _in_transaction(conn):
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, pool_size: int | None = None) -> Engine:
    """An engine for ``url``, or a :class:`DatabaseError` naming what is wrong with it.
    ``pool_size``: connections kept open (default SQLAlchemy's 5, plus 10 overflow)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"malformed database URL (setting 'database_url'): {_redact(url)}"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise DatabaseError(
            f"unsupported database {backend!r} (setting 'database_url'): use sqlite:/// or "
            "postgresql+psycopg://"
        )
    kwargs: dict[str, Any] = {}
    if pool_size is not None:
        kwargs.update(pool_size=pool_size, max_overflow=4)
    if backend == "postgresql":
        kwargs.update(pool_pre_ping=True, connect_args={"connect_timeout": 10})
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        hint = " (install the [postgres] extra)" if backend == "postgresql" else ""
        raise DatabaseError(f"no driver for {parsed.drivername}{hint}: {exc}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "savepoint", _sqlite_savepoint)
    return engine


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (another writer held the lock past the busy
    timeout): the transaction can be retried from its start."""
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"cannot connect to the database {_redact(str(engine.url))}: {reason}"
        ) from None


def open_database(
    settings: Settings, *, upgrade: bool = True, pool_size: int | None = None
) -> Engine:
    """Engine for the configured database, checked and migrated to the latest revision."""
    url = settings.resolved_database_url
    if not settings.database_url:
        ensure_data_dir(settings)
    engine = make_engine(url, pool_size)
    check_connection(engine)
    if upgrade and url not in _upgraded:
        from aggregator.db.migrate import upgrade_database

        upgrade_database(engine)
        _upgraded.add(url)
    return engine


def session_factory(engine: Engine, *, writer: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``writer=True`` for short transactions that write (on
    SQLite they take the write lock at BEGIN, waiting up to the busy timeout for it)."""
    if writer and engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    return sessionmaker(engine, expire_on_commit=False)


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]
