"""Query parameters → a validated :class:`PostingFilter`, shared by pages, API and feeds.

Every value is bounded: at most ``MAX_VALUES`` values per list, short strings, no control
characters, day counts within ten years. Unknown roles and skills are rejected with the
nearest valid name (from the taxonomy when it is available).
"""

from __future__ import annotations

import difflib
import math
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import Query

from aggregator.db.models import ORG_TYPES
from aggregator.profiles import FALLBACK_ROLES
from aggregator.search import MAX_DAYS, REMOTE_MODES, SORTS, InvalidQuery, PostingFilter

MAX_VALUES = 20
MAX_Q = 200
STATUSES = ("open", "closed", "all")


@lru_cache(maxsize=1)
def _taxonomy() -> Any:
    try:
        from aggregator.normalize.taxonomy import load_taxonomy  # type: ignore[import-not-found,unused-ignore]

        return load_taxonomy()
    except Exception:  # the taxonomy module may be absent or broken: fall back to roles only
        return None


def known_values(kind: str) -> tuple[str, ...] | None:
    """Valid names of ``kind`` (role or skill); None when any value is accepted."""
    tax = _taxonomy()
    if tax is not None:
        names = getattr(tax, kind + "s", None)
        if names:
            return tuple(names.keys() if isinstance(names, dict) else names)
    return FALLBACK_ROLES if kind == "role" else None


def _suggest(kind: str, value: str, valid: tuple[str, ...]) -> str | None:
    tax = _taxonomy()
    if tax is not None:
        try:
            found = tax.suggest(kind, value)
            if found:
                return str(found[0] if isinstance(found, list | tuple) else found)
        except Exception:  # a taxonomy without suggestions: use difflib below
            pass
    close = difflib.get_close_matches(value.lower(), valid, n=1, cutoff=0.5)
    return close[0] if close else None


def _check_text(name: str, value: str, max_len: int = 80) -> str:
    if len(value) > max_len:
        raise InvalidQuery(f"{name}: value longer than {max_len} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidQuery(f"{name}: control characters are not allowed")
    return value.strip()


def _check_list(name: str, values: list[str], allowed: tuple[str, ...] | None = None) -> list[str]:
    if len(values) > MAX_VALUES:
        raise InvalidQuery(f"{name}: at most {MAX_VALUES} values, got {len(values)}")
    out: list[str] = []
    for raw in values:
        value = _check_text(name, raw)
        if not value:
            continue
        if allowed is not None and value not in allowed:
            value = _canonical(name, value, allowed)
        if value not in out:
            out.append(value)
    return out


def _canonical(name: str, value: str, allowed: tuple[str, ...]) -> str:
    lowered = value.lower().replace("-", "_").replace(" ", "_")
    if lowered in allowed:
        return lowered
    tax = _taxonomy()
    if tax is not None and name in ("role", "skill"):
        try:
            found = tax.canonical(name, value)
        except Exception:  # an unexpected value must not become a server error
            found = None
        if found and str(found) in allowed:
            return str(found)
    if name in ("role", "skill"):
        suggestion = _suggest(name, value, allowed)
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        raise InvalidQuery(f"unknown {name} {value!r}{hint}")
    raise InvalidQuery(f"unknown {name} {value!r}: use one of {', '.join(allowed)}")


def _days(name: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_DAYS:
        raise InvalidQuery(f"{name}: days must be between 0 and {MAX_DAYS}")
    return value


def build_filter(
    *,
    role: list[str] | None = None,
    skill: list[str] | None = None,
    org: list[str] | None = None,
    org_type: list[str] | None = None,
    country: list[str] | None = None,
    remote: list[str] | None = None,
    seniority: list[str] | None = None,
    source: list[str] | None = None,
    q: str = "",
    posted_within: int | None = None,
    deadline_within: int | None = None,
    has_salary: bool | None = None,
    min_salary: float | None = None,
    status: str = "open",
    sort: str = "newest",
) -> PostingFilter:
    """A validated filter, or :class:`InvalidQuery` with a message naming the bad value."""
    q = _check_text("q", q or "", MAX_Q)
    if min_salary is not None and (not math.isfinite(min_salary) or not 0 <= min_salary <= 1e9):
        raise InvalidQuery("min_salary: must be a number between 0 and 1000000000")
    if status not in STATUSES:
        raise InvalidQuery(f"unknown status {status!r}: use {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise InvalidQuery(f"unknown sort {sort!r}: use {', '.join(SORTS)}")
    countries = [c.upper() for c in _check_list("country", country or [])]
    if any(len(c) != 2 or not c.isalpha() for c in countries):
        raise InvalidQuery("country: use ISO 3166 two-letter codes such as GB or US")
    return PostingFilter(
        role=_check_list("role", role or [], known_values("role")),
        skill=_check_list("skill", skill or [], known_values("skill")),
        org=_check_list("org", org or []),
        org_type=_check_list("org_type", org_type or [], ORG_TYPES),
        country=countries,
        remote=_check_list("remote", remote or [], REMOTE_MODES),
        seniority=_check_list("seniority", seniority or []),
        source=_check_list("source", source or []),
        q=q,
        posted_within=_days("posted_within", posted_within),
        deadline_within=_days("deadline_within", deadline_within),
        has_salary=has_salary,
        min_salary=min_salary,
        status=status,
        sort=sort,
    )


TEXT = r"^[^\x00-\x1f\x7f]*$"


def _list_query(description: str, values: tuple[str, ...] | None) -> Any:
    items: dict[str, Any] = {"type": "string"}
    items.update({"enum": list(values)} if values else {"maxLength": 80, "pattern": TEXT})
    return Query(description=description, max_length=MAX_VALUES, json_schema_extra={"items": items})


RoleParam = Annotated[list[str], _list_query("Role (repeat for OR).", known_values("role"))]
SkillParam = Annotated[
    list[str], _list_query("Skill from the taxonomy (repeat for OR).", known_values("skill"))
]
OrgTypeParam = Annotated[list[str], _list_query("Organization type.", ORG_TYPES)]
RemoteParam = Annotated[list[str], _list_query("Work mode.", REMOTE_MODES)]
OrgParam = Annotated[list[str], _list_query("Organization slug or name.", None)]
SourceParam = Annotated[list[str], _list_query("Source key.", None)]
SeniorityParam = Annotated[list[str], _list_query("Seniority level.", None)]
CountryParam = Annotated[
    list[str],
    Query(
        description="ISO 3166 alpha-2 country code.",
        max_length=MAX_VALUES,
        json_schema_extra={"items": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
    ),
]
Days = Annotated[int | None, Query(ge=0, le=MAX_DAYS, description="Days.")]


def posting_filter(
    role: RoleParam = [],  # noqa: B006 - FastAPI copies defaults
    skill: SkillParam = [],  # noqa: B006
    org: OrgParam = [],  # noqa: B006
    org_type: OrgTypeParam = [],  # noqa: B006
    country: CountryParam = [],  # noqa: B006
    remote: RemoteParam = [],  # noqa: B006
    seniority: SeniorityParam = [],  # noqa: B006
    source: SourceParam = [],  # noqa: B006
    q: Annotated[
        str, Query(max_length=MAX_Q, pattern=TEXT, description="Words that must all appear.")
    ] = "",
    posted_within: Days = None,
    deadline_within: Days = None,
    has_salary: bool | None = None,
    min_salary: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
    sort: Annotated[Literal["newest", "deadline", "relevance"], Query()] = "newest",
) -> PostingFilter:
    """FastAPI dependency: the filter of the request's query string."""
    return build_filter(
        role=role,
        skill=skill,
        org=org,
        org_type=org_type,
        country=country,
        remote=remote,
        seniority=seniority,
        source=source,
        q=q,
        posted_within=posted_within,
        deadline_within=deadline_within,
        has_salary=has_salary,
        min_salary=min_salary,
        status=status,
        sort=sort,
    )
