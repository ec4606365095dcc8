"""The role and skill taxonomy as data: roles, skills, scoring and relevance settings.

Built and validated by :mod:`.taxonomy_schema`, loaded by :mod:`.taxonomy`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

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
# Vocabularies labelled by the taxonomy's [labels.<kind>] tables (roles and skills by their own).
LABEL_KINDS = ("seniority", "remote", "org_type", "employment_type", "relevance", "status")
MAX_WEIGHT = 50.0
ORG_CLASSES = ("safety", "lab", "x_risk")  # [relevance.orgs]: what an employer's name says
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


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
    # Mentions a long description needs before the skill counts (title, department and a
    # short description: one).
    mentions: int = 2
    # The field's own name ("alignment"): a program or course about the field names it as
    # its subject (classifier.SUBJECT_ROLES), where a job names it as its employer's mission.
    subjects: tuple[str, ...] = ()
    # The area's bare name ("security", "privacy"): in a title it names the role's
    # function; in a description or a department (a centre's name) it is everyone's word.
    titles: tuple[str, ...] = ()


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
    # Organisation names (phrases) -> "safety" | "lab" | "x_risk"; title phrases of
    # commercial functions (sales, marketing, finance...).
    orgs: tuple[tuple[str, str], ...] = ()
    # Body phrases -> the same classes: how an employer the taxonomy does not know by name
    # or type describes itself ("our models", "our customers": an AI company).
    self_described: tuple[tuple[str, str], ...] = ()
    commercial: tuple[str, ...] = ()
    lab_core_skills: frozenset[str] = frozenset()
    # Research areas that make a short text (a board's summary) core on their own.
    short_text_core_skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Announcements:
    """Cues that a forum or board post is something a reader can apply to: weighted
    phrases of its title and of its body; a post is one when they add up to ``threshold``."""

    threshold: float = 2.5
    title: tuple[tuple[str, float], ...] = ()
    body: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Sections:
    """Headings of a long description's sections (plain lower-case words a heading line
    begins with): skill mentions in a ``skip`` section (the employer's blurb, pay and
    benefits, applying, legal text) do not count; a ``count`` heading (the role, its
    duties, requirements) ends such a section."""

    skip: tuple[str, ...] = ()
    count: tuple[str, ...] = ()


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
    sections: Sections = Sections()
    announcements: Announcements = Announcements()
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> slug -> label
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
        key = name_key(value)
        if key in names:
            return key
        return self._aliases.get(kind, {}).get(key)

    def suggest(self, kind: str, value: str) -> str | None:
        """The nearest valid name for a typo (``interpretabilty`` -> ``interpretability``)."""
        exact = self.canonical(kind, value)
        if exact is not None:
            return exact
        key = name_key(value)
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

    @cached_property
    def _labels_by_kind(self) -> dict[str | None, dict[str, str]]:
        by_kind: dict[str | None, dict[str, str]] = {
            "role": {name: r.label for name, r in self.role_defs.items()},
            "skill": {name: s.label for name, s in self.skill_defs.items()},
        }
        by_kind.update(self.labels)
        anything: dict[str, str] = {}
        for names in by_kind.values():
            for name, text in names.items():
                anything.setdefault(name, text)
        by_kind[None] = anything
        return by_kind

    def display_label(self, name: str, kind: str | None = None) -> str | None:
        """The label of ``name`` as a ``kind`` (role, skill or one of LABEL_KINDS), or
        as the first kind that knows it when None; None when unknown."""
        return self._labels_by_kind.get(kind, {}).get(name)


def name_key(value: str) -> str:
    return re.sub(r"[\s\-./]+", "_", value.strip().lower()).strip("_")
