"""From a source's :class:`RawPosting` to the normalized fields of a :class:`Posting`.

:func:`normalize` is pure (no database): it cleans text, parses salary, dates and
locations, classifies the posting with the taxonomy, and computes the dedup key and a
hash of everything a user sees. The crawl pipeline, ``ingest_items`` and the
``classify`` command all go through it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

from aggregator.errors import UserError
from aggregator.items import RawPosting
from aggregator.normalize.dates import parse_datetime, parse_deadline
from aggregator.normalize.fields import (
    MAX_URL,
    distinct_locations,
    http_url,
    location_key,
    normalize_employment_type,
    normalize_title,
)
from aggregator.normalize.locations import parse_locations
from aggregator.normalize.mentors import mentor_names, team_names
from aggregator.normalize.program_calls import ProgramNames, bundled_program_names, program_calls
from aggregator.normalize.salary import parse_salary
from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.normalize.taxonomy_model import Taxonomy
from aggregator.normalize.text import (
    clean_line,
    html_to_text,
    looks_like_html,
    sanitize_html,
    text_to_html,
)
from aggregator.normalize.urls import canonical_url

# ``extras`` key of a role a maintainer chose for a shared link (it beats the classifier).
ROLE_OVERRIDE = "maintainer_role"


class InvalidItem(UserError):
    """A source record that cannot become a posting (no title, no usable URL...)."""


@dataclass
class NormalizedPosting:
    org_name: str
    org_type: str | None
    title: str
    normalized_title: str
    dedup_key: str
    url: str
    canonical_url: str
    apply_url: str | None = None
    description_html: str = ""
    description_text: str = ""
    locations: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    remote: str = "unspecified"
    employment_type: str | None = None
    department: str | None = None
    role: str = "other"
    roles: list[dict[str, Any]] = field(default_factory=list)  # [{role, confidence}]
    skills: list[str] = field(default_factory=list)
    seniority: str = "unspecified"
    phd_required: str = "unspecified"
    ml_experience_required: str = "unspecified"
    safety_relevance: str = "adjacent"
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    salary_text: str | None = None
    posted_at: datetime | None = None
    source_updated_at: datetime | None = None
    deadline: datetime | None = None
    deadline_rolling: bool = False
    classification: dict[str, Any] = field(default_factory=dict)
    # Keys of the programs whose call this is, and the mentors and teams it names
    # (kept as posting tags: what follows and program detection look up).
    programs: list[str] = field(default_factory=list)
    mentors: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    taxonomy_version: str | None = None
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (datetimes as ISO 8601). Lists and dicts are copied one level
        deep: their contents are plain JSON values (much cheaper than ``asdict``)."""
        out = {name: getattr(self, name) for name in _FIELD_NAMES}
        for name in _DATETIME_FIELDS:
            if isinstance(out[name], datetime):
                out[name] = out[name].isoformat()
        for name in _CONTAINER_FIELDS:
            if isinstance(out[name], list | dict):
                out[name] = out[name].copy()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NormalizedPosting:
        """The inverse of :meth:`to_dict`; ValueError/TypeError on a malformed dict."""
        values = {name: data[name] for name in _FIELD_NAMES if name in data}
        for name in _DATETIME_FIELDS:
            if isinstance(values.get(name), str):
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in fields(NormalizedPosting))
_CONTAINER_FIELDS = tuple(
    f.name for f in fields(NormalizedPosting) if f.default_factory in (list, dict)
)
_DATETIME_FIELDS = ("posted_at", "source_updated_at", "deadline")
# Fields whose change a user would notice; they make up the content hash.
VISIBLE_FIELDS = (
    "org_name", "title", "url", "apply_url", "description_html", "locations", "remote",
    "employment_type", "salary_min", "salary_max", "salary_currency", "salary_period",
    "salary_text", "deadline", "deadline_rolling", "role", "skills", "seniority",
)  # fmt: skip


def content_hash(posting: NormalizedPosting) -> str:
    data = {name: getattr(posting, name) for name in VISIBLE_FIELDS}
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _run_classifier(**kwargs: Any) -> Any:
    from aggregator.normalize.classifier import classify

    return classify(**kwargs)


def _taxonomy_version(taxonomy: Any, classification: dict[str, Any]) -> str | None:
    version = getattr(taxonomy, "version", None) or classification.get("taxonomy_version")
    return str(version)[:40] if version else None


def _shallow(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _json_default(obj: Any) -> Any:
    """Dataclasses one level at a time (much cheaper than ``asdict``'s deep copies)."""
    return _shallow(obj) if is_dataclass(obj) and not isinstance(obj, type) else str(obj)


def _classification_fields(result: Any) -> dict[str, Any]:
    roles = [
        {"role": str(r.role), "confidence": round(float(r.confidence), 3)}
        for r in getattr(result, "roles", []) or []
    ]
    details = _shallow(result) if is_dataclass(result) else {}
    details.setdefault("roles", roles)
    details.setdefault("evidence", getattr(result, "evidence", None))
    return {
        "role": str(getattr(result, "role", None) or "other"),
        "roles": roles,
        "skills": sorted({str(s) for s in getattr(result, "skills", []) or []}),
        "seniority": str(getattr(result, "seniority", None) or "unspecified"),
        "phd_required": str(getattr(result, "phd_required", None) or "unspecified"),
        "ml_experience_required": str(
            getattr(result, "ml_experience_required", None) or "unspecified"
        ),
        "safety_relevance": str(getattr(result, "safety_relevance", None) or "adjacent"),
        "classification": json.loads(json.dumps(details, default=_json_default)),
    }


def normalize(
    raw: RawPosting,
    *,
    org_type: str | None = None,
    now: datetime | None = None,
    taxonomy: Taxonomy | None = None,
    strict: bool = True,
    programs: ProgramNames | None = None,
) -> NormalizedPosting:
    """Normalize and classify one record; :class:`InvalidItem` when it is unusable.

    With ``strict=False`` (the ``classify`` command) a missing org or URL is allowed.
    ``programs`` is the phrase set of program names (default: ``config/programs.toml``).
    """
    now = now or datetime.now(UTC)
    ident = f"item {str(raw.external_id)[:80]!r}"
    title = clean_line(raw.title if isinstance(raw.title, str) else None, 500)
    if not title:
        raise InvalidItem(f"{ident}: no title")
    org = clean_line(raw.org if isinstance(raw.org, str) else None, 200)
    url = http_url(raw.url)
    if strict and not org:
        raise InvalidItem(f"{ident}: no organization name")
    if strict and url is None:
        raise InvalidItem(f"{ident}: no usable http(s) URL (got {str(raw.url)[:100]!r})")
    description = raw.description_html if isinstance(raw.description_html, str) else ""
    if description and not looks_like_html(description):
        description = text_to_html(description)
    description_html = sanitize_html(description)
    description_text = html_to_text(description_html, sanitized=True)
    raw_locations = raw.locations if isinstance(raw.locations, list) else []
    locations = distinct_locations(raw_locations)
    place = parse_locations(
        locations,
        remote_hint=raw.remote_hint,
        country_hints=raw.country_hints if isinstance(raw.country_hints, list) else [],
        description_text=description_text,
    )
    salary = parse_salary(raw.salary, raw.salary_text, description_text)
    deadline = parse_deadline(raw.deadline, description_text, now)
    employment_type = normalize_employment_type(raw.employment_type)
    department = clean_line(raw.department, 300) or None
    if taxonomy is None:
        taxonomy = _default_taxonomy()
    result = _run_classifier(
        title=title,
        description_text=description_text,
        department=department,
        org_type=org_type,
        employment_type=employment_type,
        org=org or None,
        taxonomy=taxonomy,
    )
    labels = _classification_fields(result)
    chosen = raw.extras.get(ROLE_OVERRIDE) if isinstance(raw.extras, dict) else None
    if isinstance(chosen, str) and chosen in getattr(taxonomy, "roles", ()):
        others = [r for r in labels["roles"] if r["role"] != chosen]
        labels.update(role=chosen, roles=[{"role": chosen, "confidence": 1.0}, *others])
    normalized_title = normalize_title(title)
    apply_url = http_url(raw.apply_url)
    # A forum announcement stands for the page it points to: deduplicated by that page, it
    # merges with the employer's own posting whichever of the two is crawled first.
    announced = isinstance(raw.extras, dict) and raw.extras.get("feed_type") == "forum"
    dedup_url = apply_url if announced and apply_url else url
    posting = NormalizedPosting(
        org_name=org,
        org_type=org_type,
        title=title,
        normalized_title=normalized_title[:500],
        dedup_key=f"{normalized_title}|{location_key(place.cities, place.countries)}"[:700],
        url=url or "",
        canonical_url=canonical_url(dedup_url)[:MAX_URL] if dedup_url else "",
        apply_url=apply_url,
        description_html=description_html,
        description_text=description_text,
        locations=locations,
        cities=place.cities,
        countries=place.countries,
        remote=place.remote,
        employment_type=employment_type,
        department=department,
        salary_min=salary.min if salary else None,
        salary_max=salary.max if salary else None,
        salary_currency=salary.currency if salary else None,
        salary_period=salary.period if salary else None,
        salary_text=(salary.text or "")[:500] or None if salary else None,
        posted_at=parse_datetime(raw.posted_at),
        source_updated_at=parse_datetime(raw.updated_at),
        deadline=deadline.when,
        deadline_rolling=deadline.rolling,
        taxonomy_version=None,
        programs=program_calls(
            programs or bundled_program_names(),
            title,
            description_text,
            role=labels["role"],
            forum=announced,
        ),
        mentors=mentor_names(description_text),
        teams=team_names(description_text, department),
        **labels,
    )
    posting.taxonomy_version = _taxonomy_version(taxonomy, posting.classification)
    posting.content_hash = content_hash(posting)
    return posting


def _default_taxonomy() -> Taxonomy:
    return load_taxonomy()
