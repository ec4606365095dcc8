"""The role and skill taxonomy: loaded from ``config/taxonomy.toml`` and validated.

``load_taxonomy()`` returns a cached :class:`Taxonomy`; every problem in the file is a
:class:`~aggregator.errors.ConfigError` that names the file, the entry and the fix.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from aggregator.errors import ConfigError
from aggregator.normalize.matcher import lower_pattern, pattern_error
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
    return _Builder(path).build(data)


def clear_taxonomy_cache() -> None:
    """Forget loaded taxonomies (after editing a taxonomy file in a long-running process)."""
    _load_cached.cache_clear()
    _load_default.cache_clear()


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {problem}")

    def table(self, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value.strip()

    def names(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}.{key}", "must be a list of strings")
        return tuple(value)

    def phrase(self, phrase: str, where: str) -> str:
        problem = pattern_error(lower_pattern(phrase))
        if problem:
            raise self.fail(where, f"bad phrase {phrase!r}: {problem}")
        return phrase

    def weight(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"bad weight {value!r}: must be a number")
        if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
            raise self.fail(where, f"bad weight {value!r}: must be between -50 and 50")
        return float(value)

    def build(self, data: dict[str, Any]) -> Taxonomy:
        known = {"version", "scoring", "roles", "skills", "relevance"}
        for key in data:
            if key not in known:
                raise self.fail(key, f"unknown section; expected one of {sorted(known)}")
        version = data.get("version")
        if not isinstance(version, str) or not version.strip() or len(version) > 40:
            raise self.fail("version", "must be a non-empty string of at most 40 characters")
        roles = self.roles(self.table(data.get("roles"), "roles"))
        skills = self.skills(self.table(data.get("skills"), "skills"))
        aliases = {"role": self.aliases(roles), "skill": self.aliases(skills)}
        return Taxonomy(
            version=version.strip(),
            path=self.path,
            role_defs=roles,
            skill_defs=skills,
            scoring=self.scoring(self.table(data.get("scoring", {}), "scoring")),
            relevance=self.relevance(self.table(data.get("relevance", {}), "relevance")),
            _aliases=aliases,
        )

    def roles(self, data: dict[str, Any]) -> dict[str, Role]:
        for name in data:
            if name not in ROLE_NAMES:
                close = difflib.get_close_matches(name, ROLE_NAMES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.fail(f"roles.{name}", f"unknown role key{hint}")
        missing = [name for name in ROLE_NAMES if name not in data]
        if missing:
            raise self.fail("roles", f"missing roles: {', '.join(missing)}")
        roles: dict[str, Role] = {}
        for name in ROLE_NAMES:
            where = f"roles.{name}"
            spec = self.table(data[name], where)
            signals: dict[str, tuple[tuple[str, float], ...]] = {}
            for key, value in spec.items():
                if key in ("label", "definition", "aliases"):
                    continue
                if key not in FIELDS:
                    raise self.fail(f"{where}.{key}", f"unknown field; expected one of {FIELDS}")
                table = self.table(value, f"{where}.{key}")
                signals[key] = tuple(
                    (self.phrase(p, f"{where}.{key}"), self.weight(w, f"{where}.{key}.{p!r}"))
                    for p, w in table.items()
                )
            roles[name] = Role(
                name=name,
                label=self.text(spec, "label", where),
                definition=self.text(spec, "definition", where),
                aliases=self.names(spec, "aliases", where),
                signals=signals,
            )
        return roles

    def skills(self, data: dict[str, Any]) -> dict[str, Skill]:
        skills: dict[str, Skill] = {}
        for name, raw in data.items():
            where = f"skills.{name}"
            if not _NAME.match(name):
                raise self.fail(where, "skill names are snake_case (a-z, 0-9, _)")
            spec = self.table(raw, where)
            unknown = set(spec) - {"label", "kind", "core", "aliases", "synonyms"}
            if unknown:
                raise self.fail(where, f"unknown keys {sorted(unknown)}")
            kind = self.text(spec, "kind", where)
            if kind not in SKILL_KINDS:
                raise self.fail(f"{where}.kind", f"{kind!r} is not one of {SKILL_KINDS}")
            core = spec.get("core", False)
            if not isinstance(core, bool):
                raise self.fail(f"{where}.core", "must be true or false")
            synonyms = self.names(spec, "synonyms", where)
            if not synonyms:
                raise self.fail(f"{where}.synonyms", "needs at least one phrase")
            skills[name] = Skill(
                name=name,
                label=self.text(spec, "label", where),
                kind=kind,
                core=core,
                aliases=self.names(spec, "aliases", where),
                synonyms=tuple(self.phrase(s, f"{where}.synonyms") for s in synonyms),
            )
        if not skills:
            raise self.fail("skills", "no skills defined")
        return skills

    def aliases(self, items: dict[str, Role] | dict[str, Skill]) -> dict[str, str]:
        table: dict[str, str] = {}
        for name, item in items.items():
            for alias in item.aliases:
                key = _key(alias)
                if key in items and key != name:
                    raise self.fail(f"{name}.aliases", f"alias {alias!r} is another entry's name")
                if table.get(key, name) != name:
                    raise self.fail(f"{name}.aliases", f"alias {alias!r} also used by {table[key]}")
                table[key] = name
        return table

    def scoring(self, data: dict[str, Any]) -> Scoring:
        defaults = Scoring()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if not hasattr(defaults, key):
                raise self.fail(f"scoring.{key}", "unknown setting")
            number = self.weight(value, f"scoring.{key}") if key != "body_max_chars" else value
            if key == "body_max_chars" and (not isinstance(value, int) or value < 100):
                raise self.fail("scoring.body_max_chars", "must be an integer >= 100")
            values[key] = number
        return Scoring(**values)

    def relevance(self, data: dict[str, Any]) -> Relevance:
        def phrases(key: str) -> dict[str, Any]:
            return self.table(data.get(key, {}), f"relevance.{key}")

        threshold = self.weight(data.get("core_body_threshold", 3), "core_body_threshold")
        return Relevance(
            safety_org_types=frozenset(self.names(data, "safety_org_types", "relevance")),
            ai_org_types=frozenset(self.names(data, "ai_org_types", "relevance")),
            core_body_threshold=threshold,
            core=tuple(
                (self.phrase(p, "relevance.core"), self.weight(w, f"relevance.core.{p!r}"))
                for p, w in phrases("core").items()
            ),
            moderation=tuple(self.phrase(p, "relevance.moderation") for p in phrases("moderation")),
            ai=tuple(self.phrase(p, "relevance.ai") for p in phrases("ai")),
        )
