"""The item contract between sources and the rest of the system.

Every spider, whatever its platform, yields :class:`RawPosting` items. They carry the
posting exactly as the source gave it; spiders never classify. Normalization
(:mod:`aggregator.normalize`) turns them into postings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RawPosting:
    """One posting as a source listed it.

    Timestamps are strings as given (ISO 8601, RFC 822, or epoch seconds/milliseconds
    converted by the spider to ISO 8601 when the unit is known). ``salary`` is
    structured (``{"min", "max", "currency", "period"}``; any key may be missing) when
    the source has structured pay, else ``salary_text`` carries the text.
    """

    source_key: str
    external_id: str
    org: str
    title: str
    url: str
    apply_url: str | None = None
    description_html: str = ""
    locations: list[str] = field(default_factory=list)
    remote_hint: str | None = None
    employment_type: str | None = None
    department: str | None = None
    posted_at: str | None = None
    updated_at: str | None = None
    deadline: str | None = None
    salary: dict[str, Any] | None = None
    salary_text: str | None = None
    country_hints: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawPosting:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
