"""Subscriber profiles: what a subscriber wants, validated and described the same way
for the CLI, the web and the digests.

Semantics, everywhere: values within one facet are OR, facets are AND, an empty facet
means any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aggregator.db.models import SubscriberProfile
from aggregator.db.visibility import DEFAULT_RELEVANCE, RELEVANCE, relevance_values
from aggregator.errors import UserError
from aggregator.mail.message import clean_header
from aggregator.presentation.labels import label
from aggregator.search import PostingFilter
from aggregator.search.validate import canonical_value

FREQUENCIES = ("weekly", "daily")
FALLBACK_ROLES = (
    "research_engineer", "research_scientist", "software_engineer", "residency", "fellowship",
    "internship", "phd_or_postdoc", "grant", "course", "policy", "operations", "management",
    "other",
)  # fmt: skip
SEMANTICS = (
    "A posting matches when it has any of the values you chose in each filter, and every "
    "filter you set; a filter left empty matches everything."
)
MAX_VALUES = 50
# The vocabulary each described facet's values are labelled from (None: shown as given).
LABEL_KINDS = {
    "roles": "role",
    "skills": "skill",
    "locations": None,
    "organizations": None,
    "seniority": "seniority",
    "keywords": None,
}


@dataclass
class ProfileInput:
    roles: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    remote_only: bool = False
    include_orgs: list[str] = field(default_factory=list)
    exclude_orgs: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    exclude_keywords: list[str] = field(default_factory=list)
    seniority: list[str] = field(default_factory=list)
    min_salary: float | None = None
    relevance: list[str] = field(default_factory=list)  # empty: core and adjacent

    @classmethod
    def of(cls, profile: SubscriberProfile | None) -> ProfileInput:
        if profile is None:
            return cls()
        return cls(**{f.name: getattr(profile, f.name) for f in fields(cls)})


def _texts(values: list[str], what: str) -> list[str]:
    out: list[str] = []
    for value in values:
        text = clean_header(str(value), 100)
        if text and text.lower() not in {o.lower() for o in out}:
            out.append(text)
    if len(out) > MAX_VALUES:
        raise UserError(f"too many {what}: at most {MAX_VALUES}")
    return out


def _canonical(facet: str, values: list[str], what: str) -> list[str]:
    # The same check as the web's and the CLI's filters (aggregator.search.validate).
    return list(dict.fromkeys(canonical_value(facet, v) for v in _texts(values, what)))


def validate_profile(p: ProfileInput) -> ProfileInput:
    """A canonical copy of ``p``, or :class:`UserError` naming the first bad value."""
    min_salary = p.min_salary
    if min_salary is not None:
        try:
            min_salary = float(min_salary)
        except (TypeError, ValueError):
            raise UserError(f"minimum salary must be a number, got {p.min_salary!r}") from None
        if not math.isfinite(min_salary) or min_salary < 0:
            raise UserError("minimum salary must be a positive number")
    levels = relevance_values(_canonical("relevance", p.relevance, "relevance levels"))
    return ProfileInput(
        roles=_canonical("role", p.roles, "roles"),
        skills=_canonical("skill", p.skills, "skills"),
        locations=_canonical("country", p.locations, "locations"),
        remote_only=bool(p.remote_only),
        include_orgs=_texts(p.include_orgs, "organizations"),
        exclude_orgs=_texts(p.exclude_orgs, "organizations"),
        keywords=_texts(p.keywords, "keywords"),
        exclude_keywords=_texts(p.exclude_keywords, "keywords"),
        seniority=_canonical("seniority", p.seniority, "seniority levels"),
        min_salary=min_salary,
        relevance=[] if levels == DEFAULT_RELEVANCE else list(levels or RELEVANCE),
    )


def describe_profile(p: ProfileInput) -> list[str]:
    """Human lines for a profile ("roles: Research engineer OR Policy")."""
    lines = []
    for name, values in (
        ("roles", p.roles),
        ("skills", p.skills),
        ("locations", p.locations),
        ("organizations", p.include_orgs),
        ("seniority", p.seniority),
        ("keywords", p.keywords),
    ):
        if values:
            kind = LABEL_KINDS[name]
            shown = [label(v, kind) if kind else v for v in values]
            lines.append(f"{name}: " + " OR ".join(shown))
    if p.remote_only:
        lines.append("remote only")
    if p.min_salary is not None:
        lines.append(f"salary at least {p.min_salary:,.0f}")
    if p.exclude_orgs:
        lines.append("not from: " + ", ".join(p.exclude_orgs))
    if p.exclude_keywords:
        lines.append("without: " + ", ".join(p.exclude_keywords))
    if p.relevance and tuple(p.relevance) != DEFAULT_RELEVANCE:
        levels = tuple(p.relevance)
        named = " OR ".join(label(v, "relevance") for v in levels)
        lines.append("relevance: " + ("any" if levels == RELEVANCE else named))
    return lines or ["everything (no filters)"]


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise UserError(f"unknown timezone {name!r}: use an IANA name like Europe/London") from None
    return name


def check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise UserError(f"unknown frequency {frequency!r}: use weekly or daily")
    return frequency


def profile_filter(profile: ProfileInput | SubscriberProfile) -> PostingFilter:
    """The web list filter showing what a profile matches (keywords: only a single one
    maps exactly to the list's text search)."""
    return PostingFilter(
        role=list(profile.roles or []),
        skill=list(profile.skills or []),
        country=list(profile.locations or []),
        remote=["remote"] if profile.remote_only else [],
        org=list(profile.include_orgs or []),
        seniority=list(profile.seniority or []),
        q=profile.keywords[0] if profile.keywords and len(profile.keywords) == 1 else "",
        min_salary=profile.min_salary,
        relevance=list(profile.relevance or []),
    )
