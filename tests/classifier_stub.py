"""A tiny stand-in for ``aggregator.normalize.classifier.classify`` (same signature).

Ingest tests use it so they do not depend on the taxonomy's rules. Use
``install(monkeypatch)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

from aggregator.normalize import posting


@dataclass
class RoleScore:
    role: str
    confidence: float


@dataclass
class Classification:
    role: str = "other"
    roles: list[RoleScore] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    seniority: str = "unspecified"
    phd_required: str = "unspecified"
    ml_experience_required: str = "unspecified"
    safety_relevance: str = "adjacent"
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


RULES = {
    "research engineer": "research_engineer",
    "policy": "policy",
    "scientist": "research_scientist",
}
SKILLS = ("interpretability", "evals", "governance")


def classify(
    *,
    title: str,
    description_text: str = "",
    department: str | None = None,
    org_type: str | None = None,
    employment_type: str | None = None,
    org: str | None = None,
    taxonomy: Any = None,
) -> Classification:
    lowered = title.lower()
    roles = [RoleScore(role, 0.9) for word, role in RULES.items() if word in lowered]
    text = f"{lowered} {description_text.lower()}"
    return Classification(
        role=roles[0].role if roles else "other",
        roles=roles or [RoleScore("other", 0.5)],
        skills=[s for s in SKILLS if s in text],
        seniority="senior" if "senior" in lowered else "unspecified",
        evidence={"title": [title]},
    )


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the stub instead of the real classifier."""
    monkeypatch.setattr(posting, "_run_classifier", classify)
    monkeypatch.setattr(posting, "_default_taxonomy", lambda: None)
