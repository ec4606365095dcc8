"""What matching works on: postings precomputed as candidates, profiles prepared as
wanted sets, and the explanation ("why it matched") with its ranking score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from aggregator.db.models import Posting
from aggregator.matching.keywords import keyword_in, searchable
from aggregator.normalize.flags import SENIORITY_ALIASES
from aggregator.presentation.labels import label

CLOSING_SOON_DAYS = 14
PROGRAM_ROLES = ("fellowship", "residency", "course", "grant")
# Ranking: a matched role and a followed organization are the same for every match of a
# profile; these bonuses order the matches (newest first within equal scores).
ROLE_SCORE, ORG_SCORE, SKILL_SCORE, KEYWORD_SCORE, CLOSING_SCORE = 10, 4, 3, 1, 5
FACETS = ("role", "skill", "country", "org", "seniority", "remote", "relevance")


class ProfileLike(Protocol):
    roles: Any
    skills: Any
    locations: Any
    remote_only: Any
    include_orgs: Any
    exclude_orgs: Any
    keywords: Any
    exclude_keywords: Any
    seniority: Any
    min_salary: Any
    relevance: Any


@dataclass(frozen=True)
class Candidate:
    """What matching needs of one posting, precomputed once."""

    id: int
    role: str  # the primary role
    roles: frozenset[str]
    skills: frozenset[str]
    countries: frozenset[str]
    orgs: frozenset[str]  # lowercased slug and name
    remote: str
    seniority: str
    relevance: str
    salary: float | None
    text: str  # title, org and description as keywords are looked for (keywords.searchable)
    first_seen_at: datetime
    deadline: datetime | None


@dataclass(frozen=True)
class Match:
    posting_id: int
    score: float
    why: str
    closing_soon: bool


def candidate(posting: Posting) -> Candidate:
    roles = {posting.role} | {t.value for t in posting.tags if t.kind == "role"}
    countries = {t.value.upper() for t in posting.tags if t.kind == "country"}
    countries |= {str(c).upper() for c in posting.countries or []}
    orgs = {(posting.org_name or "").lower()}
    if posting.organization is not None:
        orgs.add(posting.organization.slug.lower())
    salary = posting.salary_max if posting.salary_max is not None else posting.salary_min
    return Candidate(
        id=posting.id,
        role=posting.role,
        roles=frozenset(roles),
        skills=frozenset(t.value for t in posting.tags if t.kind == "skill"),
        countries=frozenset(countries),
        orgs=frozenset(orgs),
        remote=posting.remote,
        seniority=SENIORITY_ALIASES.get(posting.seniority, posting.seniority),
        relevance=posting.safety_relevance,
        salary=salary,
        text=searchable(f"{posting.title} {posting.org_name} {posting.description_text or ''}"),
        first_seen_at=posting.first_seen_at,
        deadline=posting.deadline,
    )


@dataclass(frozen=True)
class Wanted:
    """A profile prepared once for explaining many matches."""

    roles: frozenset[str]
    skills: frozenset[str]
    countries: frozenset[str]
    keywords: tuple[str, ...]
    follows_orgs: bool
    remote_only: bool

    @classmethod
    def of(cls, p: ProfileLike) -> Wanted:
        return cls(
            roles=frozenset(p.roles or ()),
            skills=frozenset(p.skills or ()),
            countries=frozenset(v.upper() for v in p.locations or ()),
            keywords=tuple(k.lower() for k in p.keywords or ()),
            follows_orgs=bool(p.include_orgs),
            remote_only=bool(p.remote_only),
        )


def explain(c: Candidate, w: Wanted, closing: bool) -> Match:
    """Why a posting matches a profile, and its ranking score."""
    reasons = []
    score = 0.0
    roles = c.roles & w.roles
    if roles:
        score += ROLE_SCORE
        names = [label(r, "role") for r in roles if r == c.role]
        names += [label(r, "role") + " (secondary)" for r in sorted(roles) if r != c.role]
        reasons.append("role: " + ", ".join(names))
    skills = c.skills & w.skills
    if skills:
        score += SKILL_SCORE * len(skills)
        reasons.append("skills: " + ", ".join(sorted(label(s, "skill") for s in skills)))
    if w.follows_orgs:
        score += ORG_SCORE
        reasons.append("organization you follow")
    if w.countries:
        reasons.append("location: " + ", ".join(sorted(c.countries & w.countries)))
    if w.remote_only:
        reasons.append("remote")
    if w.keywords:
        hits = [k for k in w.keywords if keyword_in(k, c.text)]
        if hits:
            score += KEYWORD_SCORE * len(hits)
            reasons.append("keywords: " + ", ".join(hits))
    if closing:
        score += CLOSING_SCORE
        reasons.append("deadline soon")
    return Match(c.id, score, "; ".join(reasons) or "new posting", closing)
