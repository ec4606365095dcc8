"""Plain related values of postings (tags, source keys, organization slug) for lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from aggregator.db.models import Organization, Posting, PostingSource, PostingTag, Source


@dataclass
class Related:
    """Tag values, source keys and organization slug of one posting (plain values)."""

    roles: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    org_slug: str | None = None


def related_values(session: Session, postings: Sequence[Any]) -> dict[int, Related]:
    """:class:`Related` of each posting (ORM object or row with ``id`` and
    ``organization_id``; a row's ``org_slug`` column is used when present) in one query
    for tags and sources (and one for slugs when needed), without ORM objects."""
    ids = [p.id for p in postings]
    out = {i: Related() for i in ids}
    if not ids:
        return out
    tags = select(PostingTag.posting_id, PostingTag.kind, PostingTag.value).where(
        PostingTag.posting_id.in_(ids), PostingTag.kind.in_(("role", "skill"))
    )
    keys = (
        select(PostingSource.posting_id, literal("source"), Source.key)
        .join(Source, Source.id == PostingSource.source_id)
        .where(PostingSource.posting_id.in_(ids))
    )
    rows: list[Any] = list(session.execute(union_all(tags, keys)))
    for pid, kind, value in sorted(tuple(row) for row in rows):
        rel = out[pid]
        values = rel.roles if kind == "role" else rel.skills if kind == "skill" else rel.sources
        if value not in values:
            values.append(value)
    missing = [p for p in postings if not hasattr(p, "org_slug")]
    org_ids = {p.organization_id for p in missing if p.organization_id}
    slugs: dict[int, str] = {}
    if org_ids:
        found = select(Organization.id, Organization.slug).where(Organization.id.in_(org_ids))
        slugs = {row[0]: row[1] for row in session.execute(found)}
    for p in postings:
        rel = out[p.id]
        if hasattr(p, "org_slug"):
            rel.org_slug = p.org_slug
        elif p.organization_id:
            rel.org_slug = slugs.get(p.organization_id)
    return out


def tag_values(posting: Posting, kind: str) -> list[str]:
    return sorted(t.value for t in posting.tags if t.kind == kind)


def source_keys(posting: Posting) -> list[str]:
    return sorted({ps.source.key for ps in posting.sources if ps.source is not None})
