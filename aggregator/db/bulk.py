"""Bulk inserts for ingest's hot path: the rows of one table in one or a few driver calls.

SQLAlchemy's ``executemany`` builds and processes every row through its statement
machinery (about 20 µs a row even for a three-column tag); here each value goes through
its column type's own bind processor (JSON, UTC times: exactly what the ORM would store)
and the driver gets plain tuples or dicts. The statement is compiled once per table,
columns and dialect, and a value repeated down a column (the crawl's time on every row)
is processed once. On SQLite, JSON values are written with orjson (the text SQLAlchemy's
JSON type would write, read back the same by it): the listings' raw and normalized
records are the bulk of what ingest stores, and the standard library's encoder spent
about a fifth of ingest's instructions on them (callgrind, bench/ingest.py's items).

On SQLite the rows go in multi-row ``INSERT ... VALUES (...), (...)`` statements rather
than one statement per row: SQLite opens a statement savepoint for every statement of a
transaction, and the FTS5 index of ``postings`` writes its pending terms to disk at each
savepoint, so a row per statement wrote a full-text segment (and merged segments) per
posting.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Dialect, Select, Table, func, select

from aggregator.batches import batched


@dataclass(frozen=True)
class _Insert:
    """An INSERT of some columns of a table, compiled for one dialect."""

    sql: str  # one row
    positional: bool
    order: tuple[str, ...]  # the columns in the driver's parameter order
    # Each column's bind processor (None: the value goes as it is) and whether equal
    # values of it may share one processed value (not JSON: its values are containers).
    processors: tuple[tuple[Callable[[Any], Any] | None, bool], ...]


@lru_cache(maxsize=64)
def _compiled(table: Table, keys: tuple[str, ...], dialect: Dialect) -> _Insert:
    compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
    positional = bool(compiled.positional)
    order = tuple(compiled.positiontup or ()) if positional else keys
    processors = []
    for key in order:
        kind = table.c[key].type
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(kind, JSON):  # SQLite stores JSON text; other drivers adapt JSON
            processors.append((_json_text if dialect.name == "sqlite" else process, False))
        else:
            processors.append((process, True))
    return _Insert(compiled.string, positional, order, tuple(processors))


def _json_text(value: Any) -> str:
    """``value`` as JSON text (``None`` is ``null``, as SQLAlchemy's JSON type stores it)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, an integer past 64 bits: as before
        return json.dumps(value)


def _processed(values: list[Any], process: Callable[[Any], Any], shared: bool) -> list[Any]:
    if not shared:
        return [process(value) for value in values]
    done: dict[tuple[type, Any], Any] = {}
    out = []
    for value in values:
        key = (type(value), value)
        if key not in done:
            done[key] = process(value)
        out.append(done[key])
    return out


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, column names) into ``table``."""
    if not rows:
        return
    insert = _compiled(table, tuple(rows[0]), connection.dialect)
    columns = []  # one pass per column, no call per value for unprocessed ones
    for key, (process, shared) in zip(insert.order, insert.processors, strict=True):
        values = [row[key] for row in rows]
        columns.append(values if process is None else _processed(values, process, shared))
    tuples = list(zip(*columns, strict=True))
    if connection.dialect.name == "sqlite":
        _insert_sqlite(connection, insert, tuples)
    elif insert.positional:
        connection.exec_driver_sql(insert.sql, tuples)
    else:  # new dicts: the caller's rows stay as they were
        connection.exec_driver_sql(
            insert.sql, [dict(zip(insert.order, t, strict=True)) for t in tuples]
        )


def _insert_sqlite(connection: Connection, insert: _Insert, rows: list[tuple[Any, ...]]) -> None:
    """The rows in as few multi-row statements as SQLite's limit on parameters allows."""
    assert insert.positional, "the sqlite dialect binds by position"
    head, values_keyword, row = insert.sql.rpartition(" VALUES ")
    assert values_keyword and row.startswith("(") and row.endswith(")"), insert.sql
    dbapi = connection.connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    width = len(insert.order)
    per_statement = max(1, dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
    for chunk in batched(rows, per_statement):
        sql = f"{head} VALUES {', '.join([row] * len(chunk))}"
        connection.exec_driver_sql(sql, tuple(value for r in chunk for value in r))


@lru_cache(maxsize=16)
def _largest_id(table: Table) -> Select[tuple[Any]]:
    # One statement object per table: SQLAlchemy reuses its compiled form as it is.
    return select(func.max(table.c.id))


def insert_returning_ids(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` into ``table`` (integer primary key ``id``); their ids, in order."""
    if not rows:
        return []
    if connection.dialect.name == "sqlite":
        # SQLite returns RETURNING rows of a multi-row insert in no set order, so
        # SQLAlchemy would insert one row per statement. A writer holds the database's
        # write lock (BEGIN IMMEDIATE), so the ids after the largest are free; were one
        # taken, the insert fails (and the caller's SAVEPOINT with it), never mixing rows.
        largest = connection.execute(_largest_id(table)).scalar() or 0
        ids = list(range(largest + 1, largest + 1 + len(rows)))
        insert_rows(connection, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
        return ids
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in connection.execute(statement, list(rows)).scalars()]
