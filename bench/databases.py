"""The benches' scratch databases: a SQLite file or a PostgreSQL database on 127.0.0.1:5432.

``$AISAFETY_JOBS_BENCH_PG`` (else ``$AISAFETY_JOBS_TEST_PG``, the tests' variable) names
another PostgreSQL admin URL.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

PG_ADMIN = os.environ.get(
    "AISAFETY_JOBS_BENCH_PG",
    os.environ.get(
        "AISAFETY_JOBS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    ),
)


@contextmanager
def sqlite_url(name: str, keep: str | None = None) -> Iterator[str]:
    """SQLite file ``name`` in the ``keep`` folder (kept for the next run), else in a
    temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep).resolve() if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder}/{name}"


@contextmanager
def postgres_url(kept_name: str | None = None) -> Iterator[str]:
    """PostgreSQL database ``kept_name`` (made when missing, kept for the next run), else
    a new one dropped afterwards."""
    name = kept_name or f"aisj_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        if kept_name is None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
