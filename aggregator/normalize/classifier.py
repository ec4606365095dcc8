"""The explainable role, skill and flag classifier.

``classify()`` matches the taxonomy's weighted phrases in each field (one compiled pass
per field and vocabulary), adds up role scores, and records which phrase in which field
produced every label. A clear title decides the role (the body then counts half); a
vague title ("Member of Technical Staff", "Researcher") leaves the decision to the body.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from aggregator.normalize import flags
from aggregator.normalize.matcher import PhraseMatcher, lower_pattern, prepare
from aggregator.normalize.taxonomy import Taxonomy, load_taxonomy

TITLE_CLEAR = 8.0  # a title role score at least this high decides the role
BODY_DAMPING = 0.5  # body weight once the title is clear
BODY_CAP = 14.0  # most a role can collect from the body
MAX_SECONDARY = 2
SHORT_FIELD_CHARS = 2000
# In "Research Engineer, Policy Evaluations" the words after the first separator name the
# team or program; their role phrases count less than the head of the title.
_TITLE_TAIL = re.compile(r", | - | \| | \(|: | at ")
TITLE_TAIL = 0.6


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


ROLE_FIELDS = ("title", "department", "body", "org", "org_type", "employment_type")
_VOCABULARIES = {  # field -> what besides role signals is matched there
    "title": ("skills", "cues", "title_flags"),
    "department": ("skills", "cues"),
    "body": ("skills", "cues", "body_flags"),
    "org": ("cues",),
}


def _inheritable(outer: tuple[Signal, ...], signal: Signal) -> bool:
    """Inside a longer phrase, a role signal counts only for a role that phrase lacks."""
    if signal.kind != "role":
        return True
    return not any(o.kind == "role" and o.name == signal.name for o in outer)


@lru_cache(maxsize=8)
def _compile(taxonomy: Taxonomy) -> dict[str, PhraseMatcher[Signal]]:
    """One matcher per field over every vocabulary used in that field."""
    vocab: dict[str, list[tuple[str, Signal]]] = defaultdict(list)
    for role in taxonomy.role_defs.values():
        for field_name, signals in role.signals.items():
            for phrase, weight in signals:
                vocab[field_name].append((phrase, Signal("role", role.name, weight)))
    for skill in taxonomy.skill_defs.values():
        vocab["skills"] += [(s, Signal("skill", skill.name, 1.0)) for s in skill.synonyms]
    rel = taxonomy.relevance
    vocab["cues"] += [(p, Signal("core", "core", w)) for p, w in rel.core]
    vocab["cues"] += [(p, Signal("moderation", "moderation", 1.0)) for p in rel.moderation]
    for name, flag_entries in (
        ("title_flags", flags.title_seniority_entries()),
        ("body_flags", flags.body_flag_entries()),
    ):
        vocab[name] += [(p, Signal(kind, value, 0.0)) for p, kind, value in flag_entries]
    matchers = {}
    for field_name in ROLE_FIELDS:
        entries = list(vocab[field_name])
        for extra in _VOCABULARIES.get(field_name, ()):
            entries += vocab[extra]
        matchers[field_name] = PhraseMatcher(entries, inherit=_inheritable)
    return matchers


class _Scan:
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


def classify(
    *,
    title: str,
    description_text: str = "",
    department: str | None = None,
    org_type: str | None = None,
    employment_type: str | None = None,
    org: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> Classification:
    """Classify one posting; every label carries its evidence. Never raises on text."""
    tax = taxonomy or load_taxonomy()
    compiled = _compile(tax)
    texts = {
        "title": prepare(title, SHORT_FIELD_CHARS),
        "department": prepare(department, SHORT_FIELD_CHARS),
        "body": prepare(description_text, tax.scoring.body_max_chars),
        "org": prepare(org, SHORT_FIELD_CHARS),
        "org_type": prepare(org_type, 100),
        "employment_type": prepare(employment_type, 100),
    }
    scan = _Scan()
    for name, text in texts.items():
        if text and name == "title":
            tail = _TITLE_TAIL.search(text)
            scan.add(name, compiled[name].scan(text), tail.end() if tail else None, TITLE_TAIL)
        elif text:
            scan.add(name, compiled[name].scan(text))

    evidence: list[Evidence] = []
    roles = _score_roles(tax, scan, evidence)
    skills = _skills(scan, evidence)
    seniority = _seniority(scan, roles[0].role, evidence)
    phd = _flag(scan, "phd", ("no", "preferred", "yes"), "phd_required", evidence)
    ml = _flag(scan, "ml", ("no", "yes"), "ml_experience_required", evidence)
    relevance = _relevance(tax, scan, texts, evidence)
    return Classification(
        role=roles[0].role,
        roles=roles,
        skills=skills,
        seniority=seniority,
        phd_required=phd,
        ml_experience_required=ml,
        safety_relevance=relevance,
        evidence=evidence,
        taxonomy_version=tax.version,
    )


def _score_roles(tax: Taxonomy, scan: _Scan, evidence: list[Evidence]) -> list[RoleScore]:
    per_field: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    reasons: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for field_name, phrase, signal in scan.signals:
        if signal.kind == "role":
            per_field[field_name][signal.name] += signal.weight
            reasons[signal.name].append((signal.weight, field_name, phrase))
    title = per_field["title"]
    body_factor = BODY_DAMPING if title and max(title.values()) >= TITLE_CLEAR else 1.0
    totals: dict[str, float] = defaultdict(float)
    for field_name, scores in per_field.items():
        for role, score in scores.items():
            if field_name == "body":
                score = min(score, BODY_CAP) * body_factor
            totals[role] += score
    ranked = sorted(
        ((score, role) for role, score in totals.items() if score > 0),
        key=lambda item: (-item[0], tax.roles.index(item[1])),
    )
    scoring = tax.scoring
    if not ranked or ranked[0][0] < scoring.min_score:
        evidence.append(Evidence("role", "other", "default", "no clear role signal"))
        return [RoleScore("other", 0.3)]
    top = ranked[0][0]
    chosen = [ranked[0]] + [
        (score, role)
        for score, role in ranked[1 : MAX_SECONDARY + 1]
        if score >= scoring.secondary_ratio * top and score >= scoring.secondary_min
    ]
    denominator = sum(score for score, _ in ranked[:3]) + 3.0
    result = []
    for score, role in chosen:
        result.append(RoleScore(role, round(min(score / denominator + 0.05, 0.99), 2)))
        for weight, field_name, phrase in sorted(reasons[role], key=lambda r: -r[0])[:3]:
            if weight > 0:
                evidence.append(Evidence("role", role, field_name, phrase))
    return result


def _skills(scan: _Scan, evidence: list[Evidence]) -> list[str]:
    found: list[str] = []
    for field_name, phrase, signal in scan.signals:
        if signal.kind == "skill" and signal.name not in found:
            found.append(signal.name)
            evidence.append(Evidence("skill", signal.name, field_name, phrase))
    return found


def _seniority(scan: _Scan, role: str, evidence: list[Evidence]) -> str:
    levels: dict[str, list[tuple[str, str, str]]] = {"title": [], "body": []}
    for level_name, field_name, phrase in scan.flags("seniority"):
        levels[field_name].append((level_name, field_name, phrase))
    for _, field_name, phrase in scan.flags("years"):
        level = flags.years_level(phrase)
        if level:
            levels[field_name].append((level, field_name, phrase))
    if role == "internship" and not any(v == "intern" for v, _, _ in levels["title"]):
        levels["title"].append(("intern", "role", role))
    value = flags.pick_seniority(
        [v for v, _, _ in levels["title"]], [v for v, _, _ in levels["body"]]
    )
    if value is None:
        evidence.append(Evidence("seniority", "unspecified", "default", "no seniority phrase"))
        return "unspecified"
    source = levels["title"] if any(v == value for v, _, _ in levels["title"]) else levels["body"]
    _, field_name, phrase = next(item for item in source if item[0] == value)
    evidence.append(Evidence("seniority", value, field_name, phrase))
    return value


def _flag(
    scan: _Scan, kind: str, order: tuple[str, ...], label: str, evidence: list[Evidence]
) -> str:
    hits = scan.flags(kind)
    value = flags.pick_flag([v for v, _, _ in hits], order)
    if value is None:
        evidence.append(Evidence(label, "unspecified", "default", f"no {label} phrase"))
        return "unspecified"
    _, field_name, phrase = next(item for item in hits if item[0] == value)
    evidence.append(Evidence(label, value, field_name, phrase))
    return value


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


def _relevance(tax: Taxonomy, scan: _Scan, texts: dict[str, str], evidence: list[Evidence]) -> str:
    rel = tax.relevance
    org_type = texts["org_type"]
    strong: list[tuple[str, str]] = []  # core cues in title, department or org
    body_score = 0.0
    body_first: tuple[str, str] | None = None
    moderation: tuple[str, str] | None = None
    ai: tuple[str, str] | None = None
    for field_name, phrase, signal in scan.signals:
        is_core = signal.kind == "core" or (
            signal.kind == "skill" and tax.skill_defs[signal.name].core
        )
        if signal.kind == "skill" and ai is None:
            ai = (field_name, phrase)
        if signal.kind == "moderation" and field_name in ("title", "department"):
            moderation = moderation or (field_name, phrase)
        if not is_core:
            continue
        if field_name == "body":
            body_score += signal.weight
            body_first = body_first or (field_name, phrase)
        else:
            strong.append((field_name, phrase))

    def decide(value: str, field_name: str, phrase: str) -> str:
        evidence.append(Evidence("safety_relevance", value, field_name, phrase))
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
