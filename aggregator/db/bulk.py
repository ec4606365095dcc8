"""Bulk inserts for ingest's hot path: the rows of one table in one driver ``executemany``.

SQLAlchemy's ``executemany`` builds and processes every row through its statement
machinery (about 20 µs a row even for a three-column tag); here each value goes through
its column type's own bind processor (JSON, UTC times: exactly what the ORM would store)
and the driver gets plain tuples or dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, column names) into ``table``."""
    if not rows:
        return
    keys = list(rows[0])
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    processors = {
        key: table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys
    }
    positional = compiled.positional
    order = list(compiled.positiontup or ()) if positional else keys
    values: list[Any]
    if positional:
        values = [[row[k] for k in order] for row in rows]
    else:
        values = [dict(row) for row in rows]  # the caller's rows stay as they were
    for index, key in enumerate(order):  # one pass per processed column, no call per value
        process = processors[key]
        if process is not None:
            slot: Any = index if positional else key
            for row_values in values:
                row_values[slot] = process(row_values[slot])
    params = [tuple(v) for v in values] if positional else values
    connection.exec_driver_sql(compiled.string, params)


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
        largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
        ids = list(range(largest + 1, largest + 1 + len(rows)))
        insert_rows(connection, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
        return ids
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in connection.execute(statement, list(rows)).scalars()]
