"""What the classifier returns (labels with evidence) and the hits it works from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
    """What a phrase says: kind is role, skill, core or moderation (relevance cues),
    seniority, years, phd or ml (flags); ``name`` is the role, skill or flag value."""

    kind: str
    name: str
    weight: float


class Scan:
    """Hits of one posting as (field, phrase, signal), deduplicated."""

    def __init__(self) -> None:
        self.signals: list[tuple[str, str, Signal]] = []
        self._seen: set[tuple[str, str, Signal]] = set()

    def add(
        self,
        field_name: str,
        hits: list[tuple[int, str, tuple[Signal, ...]]],
        tail: int | None = None,
        tail_factor: float = 1.0,
    ) -> None:
        """Record hits; role weights of hits from ``tail`` on are scaled by ``tail_factor``."""
        for start, phrase, targets in hits:
            for target in targets:
                if tail is not None and start >= tail and target.kind == "role":
                    target = target._replace(weight=target.weight * tail_factor)
                key = (field_name, phrase, target)
                if key not in self._seen:
                    self._seen.add(key)
                    self.signals.append(key)

    def flags(self, kind: str) -> list[tuple[str, str, str]]:
        """(value, field, phrase) of the flag hits of one kind, in order."""
        return [(s.name, f, p) for f, p, s in self.signals if s.kind == kind]
