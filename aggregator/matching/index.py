"""Matching new postings against subscriber profiles through precomputed bit sets.

The period's postings are loaded ONCE with their tags into a :class:`PostingIndex`.
Each posting gets a bit position in newest-first order (first seen descending, then
id), and every facet value (role, skill, country, org, seniority, remote mode) is one
Python integer used as a bit set. A profile is then a handful of ANDs of integers,
its match count is ``int.bit_count()``, and the newest matches are the lowest bits, so
no per-subscriber SQL, sorting or scoring of every match is needed: only postings with
a ranking bonus (skills, keywords, closing soon) are scored, and "why it matched" is
written only for the postings actually shown.

Profile semantics (the same as the web list): values within one facet are OR, facets
are AND, an empty facet means any. Exclusions (orgs, keywords) remove postings.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource, Source, utcnow
from aggregator.db.visibility import live, relevance_values
from aggregator.matching.bitsets import counter, equal, lowest_bits
from aggregator.matching.candidates import (
    CLOSING_SCORE,
    CLOSING_SOON_DAYS,
    FACETS,
    KEYWORD_SCORE,
    SENIORITY_ALIASES,
    SKILL_SCORE,
    Candidate,
    Match,
    ProfileLike,
    Wanted,
    candidate,
    explain,
)
from aggregator.matching.keywords import keyword_in, keyword_terms


class PostingIndex:
    """Bit-set indexes over a set of open postings (rebuilt lazily after ``add``)."""

    def __init__(self, postings: Iterable[Posting], now: datetime | None = None):
        self.now = now or utcnow()
        self.postings: dict[int, Posting] = {}
        self.candidates: dict[int, Candidate] = {}
        self._built = False
        self._order: list[Candidate] = []  # bit position → candidate
        self._pos: dict[int, int] = {}  # posting id → bit position
        self._seen_desc: list[float] = []  # -first_seen timestamp by position (ascending)
        self._by: dict[str, dict[str, int]] = {}
        self._all = self._closing = 0
        self._closing_ids: set[int] = set()
        self._cache: dict[tuple[str, Any], int] = {}
        self._explained: dict[Wanted, dict[int, Match]] = {}  # profiles recur: reuse
        for posting in postings:
            self.add(posting)

    def add(self, posting: Posting) -> None:
        c = candidate(posting)
        self.postings[c.id] = posting
        self.candidates[c.id] = c
        self._built = False

    def _build(self) -> None:
        order = sorted(self.candidates.values(), key=lambda c: (-c.first_seen_at.timestamp(), c.id))
        self._order = order
        self._pos = {c.id: pos for pos, c in enumerate(order)}
        self._seen_desc = [-c.first_seen_at.timestamp() for c in order]
        by: dict[str, defaultdict[str, int]] = {k: defaultdict(int) for k in FACETS}
        soon = self.now + timedelta(days=CLOSING_SOON_DAYS)
        closing = 0
        for pos, c in enumerate(order):
            bit = 1 << pos
            for kind, values in (
                ("role", c.roles), ("skill", c.skills), ("country", c.countries),
                ("org", c.orgs), ("seniority", (c.seniority,)), ("remote", (c.remote,)),
                ("relevance", (c.relevance,)),
            ):  # fmt: skip
                index = by[kind]
                for value in values:
                    index[value] |= bit
            if c.deadline is not None and self.now <= c.deadline <= soon:
                closing |= bit
        self._by = {k: dict(v) for k, v in by.items()}
        self._all, self._closing = (1 << len(order)) - 1, closing
        self._closing_ids = {order[pos].id for pos in lowest_bits(closing, len(order))}
        self._cache, self._explained = {}, {}
        self._built = True

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
            selectinload(Posting.sources)
            .selectinload(PostingSource.source)
            .selectinload(Source.organization),
        )
        if ids is not None:
            stmt = stmt.where(Posting.id.in_(list(ids)))
        else:
            stmt = stmt.where(live(now or utcnow()))
            if since is not None:
                stmt = stmt.where(Posting.first_seen_at >= since)
        return cls(session.scalars(stmt), now=now)

    # -- bit sets ------------------------------------------------------------------

    def _union(self, kind: str, values: Iterable[str]) -> int:
        index = self._by[kind]
        out = 0
        for value in values:
            out |= index.get(value, 0)
        return out

    def _text_mask(self, keyword: str) -> int:
        key = ("text", keyword)
        mask = self._cache.get(key)
        if mask is None:
            mask = 0
            for pos, c in enumerate(self._order):
                if keyword_in(keyword, c.text):
                    mask |= 1 << pos
            self._cache[key] = mask
        return mask

    def _salary_mask(self, minimum: float) -> int:
        key = ("salary", minimum)
        mask = self._cache.get(key)
        if mask is None:
            mask = 0
            for pos, c in enumerate(self._order):
                if c.salary is not None and c.salary >= minimum:
                    mask |= 1 << pos
            self._cache[key] = mask
        return mask

    def _since_mask(self, since: datetime) -> int:
        # positions are newest first: those seen at or after ``since`` are a prefix
        return (1 << bisect.bisect_right(self._seen_desc, -since.timestamp())) - 1

    def _ids_mask(self, ids: Iterable[int]) -> int:
        mask = 0
        for pid in ids:
            pos = self._pos.get(pid)
            if pos is not None:
                mask |= 1 << pos
        return mask

    def mask(
        self,
        profile: ProfileLike,
        *,
        since: datetime | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> int:
        """The bit set of the postings ``profile`` matches."""
        if not self._built:
            self._build()
        m = self._all
        relevance = relevance_values(tuple(profile.relevance or ()))
        if relevance is not None:
            m &= self._union("relevance", relevance)
        if profile.roles:
            m &= self._union("role", profile.roles)
        if profile.skills:
            m &= self._union("skill", profile.skills)
        if profile.locations:
            m &= self._union("country", (v.upper() for v in profile.locations))
        if profile.remote_only:
            m &= self._by["remote"].get("remote", 0)
        if profile.include_orgs:
            m &= self._union("org", (o.lower() for o in profile.include_orgs))
        if profile.seniority:
            levels = (SENIORITY_ALIASES.get(v, v) for v in profile.seniority)
            m &= self._union("seniority", levels)
        if not m:
            return 0
        if since is not None:
            m &= self._since_mask(since)
        if exclude_ids:
            m &= ~self._ids_mask(exclude_ids)
        if profile.exclude_orgs:
            m &= ~self._union("org", (o.lower() for o in profile.exclude_orgs))
        if profile.min_salary is not None and m:
            m &= self._salary_mask(float(profile.min_salary))
        if profile.keywords and m:
            wanted = 0
            for k in profile.keywords:
                wanted |= self._text_mask(k.lower())
            m &= wanted
        for k in profile.exclude_keywords or ():
            if not m:
                break
            if keyword_terms(k):  # one without words excludes nothing
                m &= ~self._text_mask(k.lower())
        return m

    # -- ranking -------------------------------------------------------------------

    def top_ids(
        self,
        profile: ProfileLike,
        limit: int | None = None,
        *,
        since: datetime | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> tuple[list[int], int]:
        """The ids of the best ``limit`` matches (all when None), best first, and the
        number of all matches."""
        m = self.mask(profile, since=since, exclude_ids=exclude_ids)
        total = m.bit_count()
        if limit is None:
            limit = total
        if not m or limit <= 0:
            return [], total
        skills = [self._by["skill"].get(s, 0) & m for s in profile.skills or ()]
        words = [self._text_mask(k.lower()) & m for k in profile.keywords or ()]
        chosen: list[int] = []
        for tier in self._tiers(m, skills, words):
            chosen += lowest_bits(tier, limit - len(chosen))
            if len(chosen) == limit:
                break
        return [self._order[pos].id for pos in chosen], total

    def _tiers(self, m: int, skills: list[int], words: list[int]) -> list[int]:
        """``m`` split by ranking bonus (closing soon, skills, keywords matched), best
        first: bit-sliced counters give every count level as one mask, so no posting
        is scored on its own."""
        skill_bits, word_bits = counter(skills), counter(words)
        closing = self._closing & m
        by_score: dict[int, int] = defaultdict(int)
        for n_skills in range(len(skills) + 1):
            with_skills = equal(skill_bits, n_skills, m)
            if not with_skills:
                continue
            for n_words in range(len(words) + 1):
                tier = with_skills & equal(word_bits, n_words, m)
                if tier:
                    score = SKILL_SCORE * n_skills + KEYWORD_SCORE * n_words
                    by_score[score + CLOSING_SCORE] |= tier & closing
                    by_score[score] |= tier & ~closing
        return [by_score[score] for score in sorted(by_score, reverse=True)]

    def top(
        self,
        profile: ProfileLike,
        limit: int | None = None,
        *,
        since: datetime | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> tuple[list[Match], int]:
        """The best ``limit`` matches (all when None), each with why it matched, and
        the number of all matches."""
        ids, total = self.top_ids(profile, limit, since=since, exclude_ids=exclude_ids)
        return self.explain_many(ids, profile), total

    def match(
        self,
        profile: ProfileLike,
        *,
        since: datetime | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> list[Match]:
        """Every posting matching ``profile``, best first, each with why it matched."""
        return self.top(profile, None, since=since, exclude_ids=exclude_ids)[0]

    def count(
        self,
        profile: ProfileLike,
        *,
        since: datetime | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> int:
        return self.mask(profile, since=since, exclude_ids=exclude_ids).bit_count()

    def explain_many(self, ids: Iterable[int], profile: ProfileLike) -> list[Match]:
        """Why ``profile`` matches each posting of ``ids`` that this index holds."""
        if not self._built:
            self._build()
        wanted = Wanted.of(profile)
        if len(self._explained) > 5_000:
            self._explained.clear()
        done = self._explained.setdefault(wanted, {})
        out = []
        for i in ids:
            match = done.get(i)
            if match is None:
                c = self.candidates.get(i)
                if c is None:
                    continue
                match = done[i] = explain(c, wanted, c.id in self._closing_ids)
            out.append(match)
        return out
