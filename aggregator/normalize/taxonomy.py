"""The role and skill taxonomy: loaded from ``config/taxonomy.toml`` and validated.

``load_taxonomy()`` returns a cached :class:`Taxonomy`; every problem in the file is a
:class:`~aggregator.errors.ConfigError` that names the file, the entry and the fix.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from aggregator.errors import ConfigError
from aggregator.paths import config_file

ROLE_NAMES = (
    "research_engineer",
    "research_scientist",
    "software_engineer",
    "residency",
    "fellowship",
    "internship",
    "phd_or_postdoc",
    "grant",
    "course",
    "policy",
    "operations",
    "management",
    "other",
)
FIELDS = ("title", "department", "body", "org", "org_type", "employment_type")
SKILL_KINDS = ("research_area", "tool")
MAX_WEIGHT = 50.0
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    definition: str
    aliases: tuple[str, ...]
    signals: dict[str, tuple[tuple[str, float], ...]]


@dataclass(frozen=True)
class Skill:
    name: str
    label: str
    kind: str
    core: bool
    aliases: tuple[str, ...]
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Scoring:
    min_score: float = 2.0
    secondary_ratio: float = 0.4
    secondary_min: float = 3.0
    body_max_chars: int = 40000


@dataclass(frozen=True)
class Relevance:
    safety_org_types: frozenset[str]
    ai_org_types: frozenset[str]
    core_body_threshold: float
    core: tuple[tuple[str, float], ...]
    moderation: tuple[str, ...]
    ai: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """Validated taxonomy. Identity-hashed so compiled matchers can be cached per object."""

    version: str
    path: Path
    role_defs: dict[str, Role]
    skill_defs: dict[str, Skill]
    scoring: Scoring
    relevance: Relevance
    boilerplate: tuple[str, ...] = ()
    _aliases: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def roles(self) -> list[str]:
        return list(self.role_defs)

    @property
    def skills(self) -> list[str]:
        return list(self.skill_defs)

    def _names(self, kind: str) -> list[str]:
        if kind == "role":
            return self.roles
        if kind == "skill":
            return self.skills
        raise ValueError(f"unknown taxonomy kind {kind!r}: use 'role' or 'skill'")

    def canonical(self, kind: str, value: str) -> str | None:
        """The valid name for ``value`` (a name, an alias, any case or spacing), else None."""
        names = self._names(kind)
        key = _key(value)
        if key in names:
            return key
        return self._aliases.get(kind, {}).get(key)

    def suggest(self, kind: str, value: str) -> str | None:
        """The nearest valid name for a typo (``interpretabilty`` -> ``interpretability``)."""
        exact = self.canonical(kind, value)
        if exact is not None:
            return exact
        key = _key(value)
        aliases = self._aliases.get(kind, {})
        candidates = [*self._names(kind), *aliases]
        close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
        if not close:
            return None
        return aliases.get(close[0], close[0])

    def label(self, kind: str, name: str) -> str:
        if kind == "role":
            return self.role_defs[name].label
        return self.skill_defs[name].label


def _key(value: str) -> str:
    return re.sub(r"[\s\-./]+", "_", value.strip().lower()).strip("_")


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
    from aggregator.normalize.taxonomy_schema import build_taxonomy  # imports this module

    return build_taxonomy(path, data)


def clear_taxonomy_cache() -> None:
    """Forget loaded taxonomies (after editing a taxonomy file in a long-running process)."""
    _load_cached.cache_clear()
    _load_default.cache_clear()
    _display_labels.cache_clear()


@cache
def _display_labels() -> dict[str, str]:
    taxonomy = load_taxonomy()
    labels = {name: taxonomy.label("skill", name) for name in taxonomy.skills}
    labels.update({name: taxonomy.label("role", name) for name in taxonomy.roles})
    return labels


def display_label(name: str) -> str | None:
    """The taxonomy's human label of a role or skill name (``pytorch`` → "PyTorch")."""
    return _display_labels().get(name)
