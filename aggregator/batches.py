"""A list cut into consecutive batches (``itertools.batched`` arrives only in Python 3.12).

Keys go to the database in ``IN (...)`` lists of at most :data:`IN_LIST` values: SQLite
bounds a statement's parameters, and PostgreSQL plans a long list slowly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

IN_LIST = 500


def batched(values: list[T], size: int) -> Iterator[list[T]]:
    """``values`` in order, ``size`` at a time (the last batch may be shorter)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
