"""Test helpers that build postings (with tags) and subscribers directly with the ORM."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aggregator.db.models import (
    Organization,
    Posting,
    PostingSource,
    PostingTag,
    Source,
    Subscriber,
    SubscriberProfile,
    utcnow,
)

_seq = itertools.count(1)


def make_posting(
    session: Session | None = None,
    *,
    title: str = "Research Engineer",
    org: str = "Example Lab",
    role: str = "research_engineer",
    skills: tuple[str, ...] | list[str] = (),
    countries: tuple[str, ...] | list[str] = (),
    extra_roles: tuple[str, ...] | list[str] = (),
    programs: tuple[str, ...] | list[str] = (),
    mentors: tuple[str, ...] | list[str] = (),
    teams: tuple[str, ...] | list[str] = (),
    first_seen_at: datetime | None = None,
    source_key: str | None = None,
    **fields: Any,
) -> Posting:
    """A Posting with its tags (role, skill, country, program, mentor, team); added (and
    flushed) when a session is given."""
    n = fields.get("id") or next(_seq)  # an explicit id keeps URLs deterministic
    now = first_seen_at or utcnow() - timedelta(hours=1)
    url = fields.pop("url", f"https://jobs.example.com/{n}")
    # The column defaults a stored posting gets, so unflushed postings read the same.
    for name, default in (
        ("status", "open"),
        ("remote", "unspecified"),
        ("seniority", "unspecified"),
        ("phd_required", "unspecified"),
        ("ml_experience_required", "unspecified"),
        ("safety_relevance", "adjacent"),
        ("deadline_rolling", False),
    ):
        fields.setdefault(name, default)
    posting = Posting(
        org_name=org,
        title=title,
        normalized_title=title.lower(),
        dedup_key=f"{org.lower()}|{title.lower()}|{n}",
        url=url,
        canonical_url=url,
        role=role,
        countries=[c.upper() for c in countries],
        locations=fields.pop("locations", list(countries)),
        first_seen_at=now,
        last_seen_at=now,
        **fields,
    )
    tags = [PostingTag(kind="role", value=r) for r in dict.fromkeys([role, *extra_roles])]
    tags += [PostingTag(kind="skill", value=s) for s in skills]
    tags += [PostingTag(kind="country", value=c.upper()) for c in countries]
    for kind, values in (("program", programs), ("mentor", mentors), ("team", teams)):
        tags += [PostingTag(kind=kind, value=v) for v in values]
    posting.tags = tags
    if session is not None:
        if source_key:
            source = session.query(Source).filter_by(key=source_key).one_or_none()
            if source is None:
                # A source belongs to the organization it lists, as the registry makes it.
                source = Source(key=source_key, platform="test", organization=posting.organization)
                session.add(source)
            posting.sources = [
                PostingSource(source=source, external_id=str(n), url=url, first_seen_at=now)
            ]
        session.add(posting)
        session.flush()
    return posting


def make_org(session: Session, slug: str, name: str, org_type: str = "lab") -> Organization:
    org = Organization(slug=slug, name=name, org_type=org_type)
    session.add(org)
    session.flush()
    return org


def make_subscriber(
    session: Session,
    email: str | None = None,
    *,
    status: str = "active",
    frequency: str = "weekly",
    timezone: str = "UTC",
    created_at: datetime | None = None,
    **profile: Any,
) -> Subscriber:
    n = next(_seq)
    subscriber = Subscriber(
        email=email or f"user{n}@example.org",
        status=status,
        frequency=frequency,
        timezone=timezone,
        created_at=created_at or utcnow() - timedelta(days=30),
        confirmed_at=None if status == "pending" else utcnow() - timedelta(days=30),
    )
    subscriber.profile = SubscriberProfile(**profile)
    session.add(subscriber)
    session.flush()
    return subscriber
