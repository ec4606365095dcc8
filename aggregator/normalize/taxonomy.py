"""The role and skill taxonomy: loaded from ``config/taxonomy.toml`` and validated.

``load_taxonomy()`` returns a cached :class:`Taxonomy`; every problem in the file is a
:class:`~aggregator.errors.ConfigError` that names the file, the entry and the fix.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from aggregator.errors import ConfigError
from aggregator.normalize.taxonomy_model import ROLE_NAMES, Taxonomy
from aggregator.normalize.taxonomy_schema import build_taxonomy
from aggregator.paths import config_file

__all__ = [
    "ROLE_NAMES",
    "Taxonomy",
    "clear_taxonomy_cache",
    "default_taxonomy_path",
    "load_taxonomy",
]


def default_taxonomy_path() -> Path:
    return config_file("taxonomy.toml")


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load and validate the taxonomy (default: the bundled ``config/taxonomy.toml``).

    Cached per resolved path; ``clear_taxonomy_cache()`` forgets loaded files.
    """
    if path is None:
        return _load_default()
    return _load_cached(Path(path).resolve())


@lru_cache(maxsize=1)
def _load_default() -> Taxonomy:
    return _load_cached(default_taxonomy_path().resolve())


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"taxonomy file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read taxonomy file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return build_taxonomy(path, data)


def clear_taxonomy_cache() -> None:
    """Forget loaded taxonomies (after editing a taxonomy file in a long-running process)."""
    _load_cached.cache_clear()
    _load_default.cache_clear()
