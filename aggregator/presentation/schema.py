"""The one public posting: the same field names, shapes and RFC 3339 times in the CLI's
``postings --json``, ``/api/postings`` (and each posting's detail), the JSONL export,
the Atom and iCalendar feeds and the digests.

Times are UTC and serialize as ``2026-12-04T00:25:18Z``. ``roles`` and ``skills`` are
taxonomy names (labels come from :func:`aggregator.presentation.labels.label`); the
``salary_*`` fields are as the source stated them (the display line comes from
:func:`aggregator.presentation.salary.format_salary`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from aggregator.db.models import utcnow
from aggregator.db.visibility import current_status
from aggregator.search import Related, source_keys, tag_values


class PostingRecord(BaseModel):
    """One posting as every output shows it."""

    id: int = Field(description="The posting's id on this site (stable across crawls).")
    title: str = Field(description="The title as the organization gives it.")
    org_name: str = Field(description="The hiring or offering organization.")
    org_slug: str | None = Field(description="The organization's page: /orgs/<slug>")
    org_type: str | None = Field(
        description="lab, nonprofit, government, academic, program, funder or board"
    )
    url: str = Field(description="The posting at its source")
    apply_url: str | None = Field(description="Where to apply, when not the posting itself")
    web_url: str = Field(description="The posting on this site")
    locations: list[str] = Field(description="Locations as the posting states them")
    cities: list[str] = Field(description="City names found in the locations")
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes")
    remote: str = Field(description="remote, hybrid, onsite or unspecified")
    employment_type: str | None = Field(description="Full-time, part-time, contract and so on")
    department: str | None = Field(description="The team or department, when stated")
    role: str = Field(description="The primary role (a taxonomy name)")
    roles: list[str] = Field(description="Every role of the posting (taxonomy names)")
    skills: list[str] = Field(description="Skills and research areas (taxonomy names)")
    seniority: str = Field(description="Seniority level, or unspecified")
    phd_required: str = Field(
        description="Whether a PhD is asked for: yes, preferred, no or unspecified"
    )
    ml_experience_required: str = Field(
        description="Whether ML experience is asked for: yes, no or unspecified"
    )
    safety_relevance: str = Field(description="core, adjacent or none")
    salary_min: float | None = Field(description="Lowest stated pay, in salary_currency")
    salary_max: float | None = Field(description="Highest stated pay, in salary_currency")
    salary_currency: str | None = Field(description="ISO 4217 code")
    salary_period: str | None = Field(description="YEAR, MONTH, WEEK, DAY or HOUR")
    salary_text: str | None = Field(description="The pay as the posting words it")
    deadline: datetime | None = Field(description="Application deadline (UTC), if stated")
    deadline_rolling: bool = Field(description="Applications are reviewed as they arrive")
    posted_at: datetime | None = Field(description="When the source says it was posted (UTC)")
    first_seen_at: datetime = Field(description="When this site first found it (UTC)")
    last_seen_at: datetime = Field(description="When a source last listed it (UTC)")
    closed_at: datetime | None = Field(description="When it stopped being listed (UTC)")
    status: str = Field(description="open, closed or expired")
    sources: list[str] = Field(description="Keys of the sources that list it")

    @field_validator(
        "deadline", "posted_at", "first_seen_at", "last_seen_at", "closed_at", mode="after"
    )
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # Whole seconds in UTC: one spelling of a time in every output.
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0)

    @classmethod
    def of(cls, p: Any, base_url: str, rel: Related | None = None) -> PostingRecord:
        """The record of ``p``: a stored posting, or a row of the list columns together
        with its :class:`Related` values (which spare loading relationships)."""
        if rel is None:
            rel = Related(
                roles=tag_values(p, "role"),
                skills=tag_values(p, "skill"),
                sources=source_keys(p),
                org_slug=p.organization.slug if p.organization else None,
            )
        return cls(
            id=p.id,
            title=p.title,
            org_name=p.org_name,
            org_slug=rel.org_slug,
            org_type=p.org_type,
            url=p.url,
            apply_url=p.apply_url,
            web_url=f"{base_url.rstrip('/')}/postings/{p.id}",
            locations=[str(v) for v in p.locations or []],
            cities=[str(v) for v in p.cities or []],
            countries=[str(v) for v in p.countries or []],
            remote=p.remote,
            employment_type=p.employment_type,
            department=p.department,
            role=p.role,
            roles=rel.roles,
            skills=rel.skills,
            seniority=p.seniority,
            phd_required=p.phd_required,
            ml_experience_required=p.ml_experience_required,
            safety_relevance=p.safety_relevance,
            salary_min=p.salary_min,
            salary_max=p.salary_max,
            salary_currency=p.salary_currency,
            salary_period=p.salary_period,
            salary_text=p.salary_text,
            deadline=p.deadline,
            deadline_rolling=bool(p.deadline_rolling),
            posted_at=p.posted_at,
            first_seen_at=p.first_seen_at,
            last_seen_at=p.last_seen_at,
            closed_at=p.closed_at,
            status=current_status(p, utcnow()),  # past its deadline: expired
            sources=rel.sources,
        )
