"""An on-disk cache of built phrase matchers, so each new process starts fast.

Building the classifier's matchers (phrase expansion, inheritance between phrases, the
prefix trees) costs about a second of CPU; every crawl subprocess and CLI call would pay
it. The built matchers are pickled (without compiled regexes, which are compiled on
first use) under a key that hashes the phrase entries AND the source of the modules that
build them, so an edited taxonomy or matcher code never reads a stale entry.

Folder: ``$AISAFETY_JOBS_CACHE_DIR``, else ``$XDG_CACHE_HOME/aisafety-jobs``, else
``~/.cache/aisafety-jobs``. ``AISAFETY_JOBS_CACHE_DIR=off`` disables the cache. Any problem with
the cache (unwritable folder, corrupt file) only means building again: never an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from aggregator.logs import log
from aggregator.normalize import phrase_matcher, phrases

logger = logging.getLogger(__name__)
T = TypeVar("T")
FORMAT = b"matchers-v1"


def cache_folder() -> Path | None:
    configured = os.environ.get("AISAFETY_JOBS_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "aisafety-jobs"


@cache
def _code_digest() -> bytes:
    digest = hashlib.sha256(FORMAT)
    for module in (phrase_matcher, phrases):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def cache_key(content: object) -> str:
    """A key for ``content`` (its ``repr`` must describe it fully) and the builder code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(repr(content).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def cached(key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, read from the cache when stored under ``key``."""
    folder = cache_folder()
    path = folder / f"matchers-{key}.pickle" if folder is not None else None
    if path is not None:
        try:
            with path.open("rb") as handle:
                value: T = pickle.load(handle)
            return value
        except FileNotFoundError:
            pass
        except Exception as exc:  # corrupt or from another Python: rebuild
            log(logger, logging.DEBUG, "matcher_cache_unreadable", path=path, error=exc)
    value = build()
    if path is not None:
        _store(path, value)
    return value


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".matchers-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception as exc:  # read-only home, full disk: just build next time
        log(logger, logging.DEBUG, "matcher_cache_unwritable", path=path, error=exc)
