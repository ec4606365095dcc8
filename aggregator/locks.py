"""The leader lock: exactly one scheduler per database.

PostgreSQL: ``pg_try_advisory_lock`` held on a dedicated connection for the life of
the scheduler. SQLite: ``fcntl.flock`` on a lock file beside the database file (or in
the data dir). A second scheduler gets :class:`LockHeld` and exits with a clear error.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from aggregator.errors import UserError
from aggregator.settings import Settings, ensure_data_dir

ADVISORY_KEY = 0x4A0B5C4E  # "aisafety-jobs scheduler"


class LockHeld(UserError):
    """Another scheduler already runs against this database."""


class LeaderLock:
    def __init__(self, settings: Settings, engine: Engine):
        self.settings, self.engine = settings, engine
        self._conn: Any = None
        self._file: IO[str] | None = None

    def lock_path(self) -> Path:
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database + ".scheduler.lock")
        return ensure_data_dir(self.settings) / "scheduler.lock"

    def acquire(self) -> None:
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            if not got.scalar():
                conn.close()
                raise LockHeld("another scheduler is already running against this database")
            conn.commit()
            self._conn = conn
            return
        path = self.lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise LockHeld(
                f"another scheduler is already running against this database (lock {path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            finally:
                self._conn.close()
                self._conn = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> LeaderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
