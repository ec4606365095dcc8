"""What every command gets: the settings and a lazily opened, migrated database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db import open_database, session_factory
from aggregator.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    verbose: bool = False
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database engine, upgraded to the latest schema on first use."""
        if self._engine is None:
            self._engine = open_database(self.settings)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_factory(self.engine)() as session:
            yield session


def app_context(ctx: typer.Context) -> AppContext:
    root = ctx.find_root()
    obj = root.obj
    assert isinstance(obj, AppContext), "the root callback sets the context"
    return obj
