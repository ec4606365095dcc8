"""Safety relevance of a posting: core (AI safety work), adjacent (AI) or none."""

from __future__ import annotations

import re
from functools import lru_cache

from aggregator.normalize.phrases import lower_pattern
from aggregator.normalize.results import Evidence, Scan, evidence_of
from aggregator.normalize.taxonomy_model import Taxonomy


@lru_cache(maxsize=8)
def _core_skills(taxonomy: Taxonomy) -> frozenset[str]:
    return frozenset(name for name, skill in taxonomy.skill_defs.items() if skill.core)


@lru_cache(maxsize=8)
def _ai_pattern(taxonomy: Taxonomy) -> re.Pattern[str] | None:
    """One search for "is this about AI at all" (stops at the first hit)."""
    phrases = [lower_pattern(p) for p in taxonomy.relevance.ai]
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)") if phrases else None


def _ai_mention(tax: Taxonomy, texts: dict[str, str]) -> tuple[str, str] | None:
    pattern = _ai_pattern(tax)
    for field_name in ("title", "department", "body"):
        found = pattern.search(texts[field_name]) if pattern else None
        if found:
            return field_name, found.group()
    return None


def decide_relevance(
    tax: Taxonomy, scan: Scan, texts: dict[str, str], evidence: list[Evidence]
) -> str:
    rel = tax.relevance
    org_type = texts["org_type"]
    strong: list[tuple[str, str]] = []  # core cues in title, department or org
    body_score = 0.0
    body_first: tuple[str, str] | None = None
    moderation: tuple[str, str] | None = None
    ai: tuple[str, str] | None = None
    core_skills = _core_skills(tax)
    for field_name, phrase, (kind, name, weight) in scan.signals:
        if kind == "skill":
            if ai is None:
                ai = (field_name, phrase)
            if name not in core_skills:
                continue
        elif kind == "moderation":
            if moderation is None and field_name in ("title", "department"):
                moderation = (field_name, phrase)
            continue
        elif kind != "core":
            continue
        if field_name != "body":  # a core cue or core skill
            strong.append((field_name, phrase))
        else:
            body_score += weight
            body_first = body_first or (field_name, phrase)

    def decide(value: str, field_name: str, phrase: str) -> str:
        evidence.append(evidence_of("safety_relevance", value, field_name, phrase))
        return value

    if moderation is not None:
        if org_type in rel.ai_org_types or strong or body_score >= 1:
            return decide("adjacent", *moderation)
        return decide("none", *moderation)
    if org_type and org_type in rel.safety_org_types:
        return decide("core", "org_type", org_type)
    if strong:
        return decide("core", *strong[0])
    if body_score >= rel.core_body_threshold and body_first:
        return decide("core", *body_first)
    if org_type in rel.ai_org_types:
        return decide("adjacent", "org_type", org_type)
    ai = ai or _ai_mention(tax, texts)
    if ai is not None:
        return decide("adjacent", *ai)
    return decide("none", "default", "no AI or AI-safety content")
