"""The one validation of a postings filter: web query strings, the CLI's ``postings`` flags
and subscriber profiles all go through :func:`check_values` and :func:`build_filter`.

Every value is bounded: at most ``MAX_VALUES`` values per list, short strings, no control
characters, day counts within ten years. Roles and skills are taxonomy names (aliases and
any case or spacing accepted; an unknown one is refused with the nearest valid name);
countries are ISO 3166 codes or names; the other vocabularies take their fixed values.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import fields
from typing import Any

from aggregator.db.models import ORG_TYPES
from aggregator.db.visibility import STATUSES as VISIBLE_STATUSES
from aggregator.normalize.flags import (
    ML_VALUES,
    PHD_VALUES,
    RELEVANCE_VALUES,
    SENIORITY_ALIASES,
    SENIORITY_LEVELS,
)
from aggregator.normalize.locations import REMOTE_MODES, country_code
from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.search.filters import MAX_DAYS, SORTS, InvalidQuery, PostingFilter, default_sort

MAX_VALUES = 20
MAX_TEXT = 80
MAX_Q = 200
MAX_SALARY = 1e9
STATUSES = (*VISIBLE_STATUSES, "all")
# Fixed vocabularies of list facets (roles and skills come from the taxonomy; org, source
# and country take any bounded text, countries checked as such).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "org_type": ORG_TYPES,
    "remote": REMOTE_MODES,
    "seniority": SENIORITY_LEVELS,
    "phd_required": PHD_VALUES,
    "ml_experience_required": ML_VALUES,
    "relevance": (*RELEVANCE_VALUES, "all"),  # none given: core and adjacent
}
ALIASES: dict[str, dict[str, str]] = {
    "seniority": SENIORITY_ALIASES,
    "remote": {"on_site": "onsite"},
}


def choices(name: str) -> tuple[str, ...] | None:
    """The valid values of the list facet ``name``; None when any bounded text is."""
    if name in ("role", "skill"):
        taxonomy = load_taxonomy()
        return tuple(taxonomy.roles if name == "role" else taxonomy.skills)
    return VOCABULARIES.get(name)


def check_text(name: str, value: str, max_len: int = MAX_TEXT) -> str:
    if len(value) > max_len:
        raise InvalidQuery(f"{name}: value longer than {max_len} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidQuery(f"{name}: control characters are not allowed")
    return value.strip()


def _slug(value: str) -> str:
    return "_".join(value.lower().replace("-", " ").replace("_", " ").split())


def canonical_value(name: str, value: str) -> str:
    """The canonical form of one value of the list facet ``name``, or
    :class:`InvalidQuery` saying why it is not one (with the nearest valid value)."""
    if name == "country":
        code = country_code(value.upper() if len(value) == 2 else value)
        if code is None:
            raise InvalidQuery(f"unknown country {value!r}: use an ISO code such as GB or a name")
        return code
    if name in ("role", "skill"):
        taxonomy = load_taxonomy()
        found = taxonomy.canonical(name, value)
        if found is not None:
            return found
        near = taxonomy.suggest(name, value)
        hint = (
            f"did you mean {near!r}?"
            if near
            else f"known {name}s: {', '.join(choices(name) or ())}"
        )
        raise InvalidQuery(f"unknown {name} {value!r}; {hint}")
    allowed = VOCABULARIES.get(name)
    if allowed is None:
        return value
    slug = ALIASES.get(name, {}).get(_slug(value), _slug(value))
    if slug in allowed:
        return slug
    close = difflib.get_close_matches(slug, allowed, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InvalidQuery(f"unknown {name} {value!r}: {hint}use one of {', '.join(allowed)}")


def check_values(name: str, values: list[str]) -> list[str]:
    """The canonical values of the list facet ``name`` (duplicates and blanks dropped), or
    :class:`InvalidQuery` naming the first bad one."""
    if len(values) > MAX_VALUES:
        raise InvalidQuery(f"{name}: at most {MAX_VALUES} values, got {len(values)}")
    out: list[str] = []
    for raw in values:
        value = check_text(name, str(raw))
        if value:
            value = canonical_value(name, value)
            if value not in out:
                out.append(value)
    return out


def check_days(name: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_DAYS:
        raise InvalidQuery(f"{name}: days must be between 0 and {MAX_DAYS}")
    return value


def check_salary(value: Any) -> float | None:
    if value is None:
        return None
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise InvalidQuery(f"min_salary: must be a number, got {value!r}") from None
    if not math.isfinite(amount) or not 0 <= amount <= MAX_SALARY:
        raise InvalidQuery(f"min_salary: must be a number between 0 and {MAX_SALARY:.0f}")
    return amount


_LISTS = tuple(f.name for f in fields(PostingFilter) if f.default_factory is list)


def build_filter(**values: Any) -> PostingFilter:
    """A validated :class:`PostingFilter` from its field values (any subset; names are
    the API's query parameters), or :class:`InvalidQuery` naming the bad value."""
    unknown = sorted(set(values) - {f.name for f in fields(PostingFilter)})
    if unknown:
        raise InvalidQuery(f"unknown filter {unknown[0]!r}")
    status = values.pop("status", None) or "open"
    sort = values.pop("sort", None) or default_sort(str(values.get("q") or ""))
    if status not in STATUSES:
        raise InvalidQuery(f"unknown status {status!r}: use {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise InvalidQuery(f"unknown sort {sort!r}: use {', '.join(SORTS)}")
    checked: dict[str, Any] = {
        name: check_values(name, list(values.pop(name) or [])) for name in _LISTS if name in values
    }
    return PostingFilter(
        **checked,
        q=check_text("q", values.pop("q", "") or "", MAX_Q),
        posted_within=check_days("posted_within", values.pop("posted_within", None)),
        deadline_within=check_days("deadline_within", values.pop("deadline_within", None)),
        min_salary=check_salary(values.pop("min_salary", None)),
        status=status,
        sort=sort,
        **values,  # has_salary
    )
