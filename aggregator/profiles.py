"""Subscriber profiles: what a subscriber wants, validated and described the same way
for the CLI, the web and the digests.

Semantics, everywhere: values within one facet are OR, facets are AND, an empty facet
means any.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aggregator.db.models import SubscriberProfile
from aggregator.errors import UserError
from aggregator.mail.message import clean_header
from aggregator.matching.candidates import SENIORITY_ALIASES
from aggregator.normalize.flags import SENIORITY_LEVELS  # exactly what the classifier emits
from aggregator.search import PostingFilter

FREQUENCIES = ("weekly", "daily")
FALLBACK_ROLES = (
    "research_engineer", "research_scientist", "software_engineer", "residency", "fellowship",
    "internship", "phd_or_postdoc", "grant", "course", "policy", "operations", "management",
    "other",
)  # fmt: skip
SEMANTICS = "Within one facet any value matches (OR); all facets must match (AND); empty = any."
MAX_VALUES = 50


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

    @classmethod
    def of(cls, profile: SubscriberProfile | None) -> ProfileInput:
        if profile is None:
            return cls()
        return cls(**{f.name: getattr(profile, f.name) for f in fields(cls)})


def _taxonomy() -> Any:
    try:
        from aggregator.normalize.taxonomy import load_taxonomy
    except ImportError:
        return None
    return load_taxonomy()


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def _canonical(kind: str, value: str, taxonomy: Any) -> str:
    if taxonomy is None:
        if kind == "role":
            if _slug(value) in FALLBACK_ROLES:
                return _slug(value)
            import difflib

            near = difflib.get_close_matches(_slug(value), FALLBACK_ROLES, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise UserError(f"unknown role {value!r}{hint}")
        return _slug(value)
    try:
        found = taxonomy.canonical(kind, value)
    except (KeyError, ValueError, LookupError):
        found = None
    if found:
        return str(found)
    suggestion: Any = taxonomy.suggest(kind, value)
    if isinstance(suggestion, list | tuple):
        suggestion = suggestion[0] if suggestion else None
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    names = sorted(taxonomy.roles if kind == "role" else taxonomy.skills)
    if not hint and len(names) <= 20:
        hint = f" (valid: {', '.join(str(n) for n in names)})"
    raise UserError(f"unknown {kind} {value!r}{hint}")


def _country(value: str) -> str:
    code: str | None = None
    try:
        from aggregator.normalize.locations import country_code

        code = country_code(value)
    except ImportError:
        pass
    if code is None:
        import pycountry

        try:
            code = pycountry.countries.lookup(value.strip()).alpha_2
        except LookupError:
            code = None
    if code is None:
        raise UserError(f"unknown location {value!r}: give a country name or ISO code (GB, US)")
    return code.upper()


def _texts(values: list[str], what: str) -> list[str]:
    out: list[str] = []
    for value in values:
        text = clean_header(str(value), 100)
        if text and text.lower() not in {o.lower() for o in out}:
            out.append(text)
    if len(out) > MAX_VALUES:
        raise UserError(f"too many {what}: at most {MAX_VALUES}")
    return out


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def validate_profile(p: ProfileInput) -> ProfileInput:
    """A canonical copy of ``p``, or :class:`UserError` naming the first bad value."""
    taxonomy = _taxonomy() if (p.roles or p.skills) else None
    seniority = []
    for level in p.seniority:
        value = SENIORITY_ALIASES.get(_slug(level), _slug(level))
        if value not in SENIORITY_LEVELS:
            raise UserError(f"unknown seniority {level!r}: use {', '.join(SENIORITY_LEVELS)}")
        seniority.append(value)
    min_salary = p.min_salary
    if min_salary is not None:
        try:
            min_salary = float(min_salary)
        except (TypeError, ValueError):
            raise UserError(f"minimum salary must be a number, got {p.min_salary!r}") from None
        if not math.isfinite(min_salary) or min_salary < 0:
            raise UserError("minimum salary must be a positive number")
    return ProfileInput(
        roles=_unique([_canonical("role", r, taxonomy) for r in _texts(p.roles, "roles")]),
        skills=_unique([_canonical("skill", s, taxonomy) for s in _texts(p.skills, "skills")]),
        locations=_unique([_country(v) for v in _texts(p.locations, "locations")]),
        remote_only=bool(p.remote_only),
        include_orgs=_texts(p.include_orgs, "organizations"),
        exclude_orgs=_texts(p.exclude_orgs, "organizations"),
        keywords=_texts(p.keywords, "keywords"),
        exclude_keywords=_texts(p.exclude_keywords, "keywords"),
        seniority=_unique(seniority),
        min_salary=min_salary,
    )


def describe_profile(p: ProfileInput) -> list[str]:
    """Human lines for a profile ("roles: research engineer OR policy")."""
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
            lines.append(f"{name}: " + " OR ".join(v.replace("_", " ") for v in values))
    if p.remote_only:
        lines.append("remote only")
    if p.min_salary is not None:
        lines.append(f"salary at least {p.min_salary:,.0f}")
    if p.exclude_orgs:
        lines.append("not from: " + ", ".join(p.exclude_orgs))
    if p.exclude_keywords:
        lines.append("without: " + ", ".join(p.exclude_keywords))
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
    )
