"""Matching new postings against subscriber profiles through inverted indexes.

The period's postings are loaded ONCE with their tags into a :class:`PostingIndex`
(role → ids, skill → ids, country → ids, org → ids, ...); each profile is then an
intersection of small id sets, never a scan of every posting per subscriber.

Profile semantics (the same as the web list): values within one facet are OR, facets
are AND, an empty facet means any. Exclusions (orgs, keywords) remove postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource, utcnow

CLOSING_SOON_DAYS = 14
PROGRAM_ROLES = ("fellowship", "residency", "course", "grant")


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


def label(value: str) -> str:
    """``research_engineer`` → ``research engineer``."""
    return value.replace("_", " ")


@dataclass(frozen=True)
class Candidate:
    """What matching needs of one posting, precomputed once."""

    id: int
    roles: frozenset[str]
    skills: frozenset[str]
    countries: frozenset[str]
    orgs: frozenset[str]  # lowercased slug and name
    remote: str
    seniority: str
    salary: float | None
    text: str  # lowercased title, org and description
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
    orgs = {posting.org_name.lower()}
    if posting.organization is not None:
        orgs.add(posting.organization.slug.lower())
    salary = posting.salary_max if posting.salary_max is not None else posting.salary_min
    return Candidate(
        id=posting.id,
        roles=frozenset(roles),
        skills=frozenset(t.value for t in posting.tags if t.kind == "skill"),
        countries=frozenset(countries),
        orgs=frozenset(orgs),
        remote=posting.remote,
        seniority=posting.seniority,
        salary=salary,
        text=" ".join((posting.title, posting.org_name, posting.description_text or "")).lower(),
        first_seen_at=posting.first_seen_at,
        deadline=posting.deadline,
    )


class PostingIndex:
    """Inverted indexes over a set of open postings."""

    def __init__(self, postings: Iterable[Posting], now: datetime | None = None):
        self.now = now or utcnow()
        self.postings: dict[int, Posting] = {}
        self.candidates: dict[int, Candidate] = {}
        self._by: dict[str, defaultdict[str, set[int]]] = {
            k: defaultdict(set) for k in ("role", "skill", "country", "org", "seniority", "remote")
        }
        for posting in postings:
            self.add(posting)

    def add(self, posting: Posting) -> None:
        c = candidate(posting)
        self.postings[c.id] = posting
        self.candidates[c.id] = c
        for kind, values in (
            ("role", c.roles),
            ("skill", c.skills),
            ("country", c.countries),
            ("org", c.orgs),
            ("seniority", {c.seniority}),
            ("remote", {c.remote}),
        ):
            for value in values:
                self._by[kind][value].add(c.id)

    @classmethod
    def load(
        cls,
        session: Session,
        *,
        since: datetime | None = None,
        ids: Iterable[int] | None = None,
        now: datetime | None = None,
    ) -> PostingIndex:
        """Open postings first seen since ``since`` (or exactly ``ids``), with their tags."""
        stmt = select(Posting).options(
            selectinload(Posting.tags),
            selectinload(Posting.organization),
            selectinload(Posting.sources).selectinload(PostingSource.source),
        )
        if ids is not None:
            stmt = stmt.where(Posting.id.in_(list(ids)))
        else:
            stmt = stmt.where(Posting.status == "open")
            if since is not None:
                stmt = stmt.where(Posting.first_seen_at >= since)
        return cls(session.scalars(stmt), now=now)

    def _union(self, kind: str, values: Iterable[str]) -> set[int]:
        index = self._by[kind]
        out: set[int] = set()
        for value in values:
            out |= index.get(value, set())
        return out

    def match(
        self,
        profile: ProfileLike,
        *,
        since: datetime | None = None,
        exclude_ids: set[int] | frozenset[int] = frozenset(),
    ) -> list[Match]:
        """Postings matching ``profile``, best first, each with why it matched."""
        facets: list[set[int]] = []
        if profile.roles:
            facets.append(self._union("role", profile.roles))
        if profile.skills:
            facets.append(self._union("skill", profile.skills))
        if profile.locations:
            facets.append(self._union("country", (v.upper() for v in profile.locations)))
        if profile.remote_only:
            facets.append(self._union("remote", ["remote"]))
        if profile.include_orgs:
            facets.append(self._union("org", (o.lower() for o in profile.include_orgs)))
        if profile.seniority:
            facets.append(self._union("seniority", profile.seniority))
        if facets:
            facets.sort(key=len)
            ids = facets[0].intersection(*facets[1:])
        else:
            ids = set(self.candidates)
        if exclude_ids:
            ids -= exclude_ids
        if profile.exclude_orgs:
            ids -= self._union("org", (o.lower() for o in profile.exclude_orgs))
        keywords = [k.lower() for k in profile.keywords or []]
        unwanted = [k.lower() for k in profile.exclude_keywords or []]
        soon = self.now + timedelta(days=CLOSING_SOON_DAYS)
        matches = []
        for pid in ids:
            c = self.candidates[pid]
            if since is not None and c.first_seen_at < since:
                continue
            if profile.min_salary is not None and (
                c.salary is None or c.salary < profile.min_salary
            ):
                continue
            hits = [k for k in keywords if k in c.text]
            if keywords and not hits:
                continue
            if unwanted and any(k in c.text for k in unwanted):
                continue
            matches.append(self._score(c, profile, hits, soon))
        matches.sort(
            key=lambda m: (
                -m.score,
                -self.candidates[m.posting_id].first_seen_at.timestamp(),
                m.posting_id,
            )
        )
        return matches

    def _score(self, c: Candidate, profile: ProfileLike, hits: list[str], soon: datetime) -> Match:
        reasons = []
        score = 0.0
        roles = sorted(c.roles.intersection(profile.roles or ()))
        if roles:
            score += 10
            reasons.append("role: " + ", ".join(label(r) for r in roles))
        skills = sorted(c.skills.intersection(profile.skills or ()))
        if skills:
            score += 3 * len(skills)
            reasons.append("skills: " + ", ".join(label(s) for s in skills))
        if profile.include_orgs:
            score += 4
            reasons.append("organization you follow")
        if profile.locations:
            wanted = {v.upper() for v in profile.locations}
            reasons.append("location: " + ", ".join(sorted(c.countries & wanted)))
        if profile.remote_only:
            reasons.append("remote")
        if hits:
            score += len(hits)
            reasons.append("keywords: " + ", ".join(hits))
        closing = c.deadline is not None and self.now <= c.deadline <= soon
        if closing:
            score += 5
            reasons.append("deadline soon")
        return Match(c.id, score, "; ".join(reasons) or "new posting", closing)
