"""What the classifier returns (labels with evidence) and the hits it works from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple


@dataclass(frozen=True)
class RoleScore:
    role: str
    confidence: float


@dataclass(frozen=True)
class Evidence:
    """Why a label was given: ``phrase`` (as matched) in ``field`` set ``label`` to ``value``."""

    label: str
    value: str
    field: str
    phrase: str


@lru_cache(maxsize=20_000)
def evidence_of(label: str, value: str, field_name: str, phrase: str) -> Evidence:
    """``Evidence(label, value, field_name, phrase)``, shared between classifications: it
    is immutable, most repeat, and a cache lookup costs a fraction of a frozen init."""
    return Evidence(label, value, field_name, phrase)


@dataclass(frozen=True)
class Classification:
    role: str
    roles: list[RoleScore]
    skills: list[str]
    seniority: str
    phd_required: str
    ml_experience_required: str
    safety_relevance: str
    evidence: list[Evidence] = field(default_factory=list)
    taxonomy_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def evidence_for(self, label: str, value: str | None = None) -> list[Evidence]:
        return [e for e in self.evidence if e.label == label and value in (None, e.value)]


class Signal(NamedTuple):
    """What a phrase says: kind is role, skill (title_skill: a skill's bare name, read in
    the title only), subject, core, moderation or commercial (relevance cues), org (a
    known employer) or self (the employer's own words about what it builds), seniority,
    years, phd or ml (flags); ``name`` is the role, skill, flag value or employer kind."""

    kind: str
    name: str
    weight: float
    # Which taxonomy entry (roles): an entry counts once per field however many of its
    # forms match ("NeurIPS, ICML, ICLR" is one cue of a research post, not three).
    entry: int = 0


class Scan:
    """Hits of one posting as (field, phrase, signal), deduplicated, in order of discovery."""

    def __init__(self) -> None:
        # An insertion-ordered dict as an ordered set: re-adding a key keeps its place.
        self._seen: dict[tuple[str, str, Signal], None] = {}
        self._signals: list[tuple[str, str, Signal]] | None = None
        self._by_kind: dict[str, list[tuple[str, str, Signal]]] | None = None
        # Skills a short description names only in its skipped sections (classifier).
        self.passing: frozenset[str] = frozenset()

    @property
    def signals(self) -> list[tuple[str, str, Signal]]:
        if self._signals is None:
            self._signals = list(self._seen)
        return self._signals

    def add(
        self,
        field_name: str,
        hits: list[tuple[int, str, tuple[Signal, ...]]],
        tail: int | None = None,
        tail_factor: float = 1.0,
    ) -> None:
        """Record hits; role weights of hits from ``tail`` on are scaled by ``tail_factor``."""
        self._signals = self._by_kind = None
        seen = self._seen  # storing a key again keeps its place
        if tail is None:
            for _, phrase, targets in hits:
                for target in targets:
                    seen[field_name, phrase, target] = None
            return
        for start, phrase, targets in hits:
            for target in targets:
                if start >= tail and target.kind == "role":
                    target = target._replace(weight=target.weight * tail_factor)
                seen[field_name, phrase, target] = None

    def of_kind(self, kind: str) -> list[tuple[str, str, Signal]]:
        """The hits of one signal kind, in order (do not modify the list)."""
        if self._by_kind is None:
            by_kind: defaultdict[str, list[tuple[str, str, Signal]]] = defaultdict(list)
            for hit in self.signals:
                by_kind[hit[2][0]].append(hit)  # [0]: the kind
            self._by_kind = by_kind
        return self._by_kind.get(kind, [])

    def flags(self, kind: str) -> list[tuple[str, str, str]]:
        """(value, field, phrase) of the flag hits of one kind, in order."""
        return [(s.name, f, p) for f, p, s in self.of_kind(kind)]
