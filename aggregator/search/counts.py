"""Counting postings: the one function behind facet counts, list totals and stats.

Counting by SQL scans every matching posting per facet value (about a second at 50,000
postings). Instead each process keeps a :class:`CountIndex`: one bit set (a Python int,
bit ``id`` set) per filter value, loaded in one pass. A count is then an AND of a few
ints and a ``bit_count()``. Text is the only part asked of the database (the matching
ids, cached per text). The index is rebuilt when the postings change (a fingerprint
checked per use, :mod:`.fresh`) and at least every :data:`MAX_AGE` seconds.

Facet semantics are the list's: values within one facet are OR, facets are AND; the
counts of one facet apply every other active filter but not that facet's own values
("disjunctive"), so ticking a second value shows what it would add.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.db.models import (
    Organization,
    Posting,
    PostingSource,
    PostingTag,
    Source,
    utcnow,
)
from aggregator.db.visibility import RELEVANCE, relevance_values
from aggregator.search.filters import MAX_DAYS, POSTED_DATE, PostingFilter, from_first_crawl
from aggregator.search.fresh import Fresh
from aggregator.search.text import text_clause

POSTED_WITHIN = (1, 7, 30, 90)
DEADLINE_WITHIN = (7, 14, 30)
MAX_AGE = 120.0  # seconds: changes the fingerprint misses (a re-tag) show within this
TEXT_CACHE = 512
# Facets counted from the index: filter field -> index key.
LIST_FACETS = (
    "role", "skill", "country", "org", "org_type", "remote", "seniority", "phd_required",
    "ml_experience_required", "source",
)  # fmt: skip
TAG_KINDS = ("role", "skill", "country")


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Facets:
    """Counts of every facet value under the other active filters, and the total."""

    total: int
    role: list[FacetValue]
    skill: list[FacetValue]
    country: list[FacetValue]
    org: list[FacetValue]
    org_type: list[FacetValue]
    remote: list[FacetValue]
    seniority: list[FacetValue]
    phd_required: list[FacetValue]
    ml_experience_required: list[FacetValue]
    relevance: list[FacetValue]
    posted_within: list[FacetValue]
    deadline_within: list[FacetValue]
    has_salary: int


def _mask(ids: Iterable[int]) -> int:
    """The bit set of ``ids`` (built as bytes: one big-int operation, not one per id)."""
    ids = list(ids)
    if not ids:
        return 0
    buf = bytearray(max(ids) // 8 + 1)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


@dataclass
class CountIndex:
    """Bit sets of every filterable value of every posting (any status)."""

    built_at: datetime
    universe: int = 0
    by: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> mask
    org_names: dict[str, str] = field(default_factory=dict)  # lower-cased key -> display name
    slug_names: dict[str, str] = field(default_factory=dict)  # slug -> lower-cased name
    seen: list[tuple[datetime, int]] = field(default_factory=list)  # (posted date, id) sorted
    deadlines: list[tuple[datetime, int]] = field(default_factory=list)
    salaries: list[tuple[float, int]] = field(default_factory=list)  # (max or min, id) sorted
    salaried: int = 0
    rolling: int = 0  # applications rolling: a passed deadline does not expire these
    first_crawl: int = 0  # undated postings found by their source's first crawl
    _memo: dict[tuple[Any, ...], int] = field(default_factory=dict)
    _text: OrderedDict[str, int] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- masks of one filter part --------------------------------------------------

    def _union(self, facet: str, values: Iterable[str]) -> int:
        index = self.by.get(facet, {})
        out = 0
        for value in values:
            out |= index.get(value, 0)
        return out

    def _memoized(self, key: tuple[Any, ...], build: Callable[[], int]) -> int:
        mask = self._memo.get(key)
        if mask is None:
            mask = self._memo[key] = build()
        return mask

    def since_mask(self, days: int) -> int:
        """Postings posted (else first seen, but not by their source's first crawl) within
        ``days`` of the index's time."""
        return self.seen_since(self.built_at - timedelta(days=days)) & ~self.first_crawl

    def seen_since(self, when: datetime) -> int:
        """Postings posted (else first seen) at or after ``when``."""
        return self._memoized(
            ("seen_at", when),
            lambda: _mask(i for _, i in self.seen[bisect_left(self.seen, (when, -1)) :]),
        )

    def status_mask(self, status: str, now: datetime) -> int:
        """Postings of ``status`` as lists see it at ``now``: an open posting whose
        deadline passed (not rolling) is expired (see ``db.visibility``)."""
        minute = now.replace(second=0, microsecond=0)
        start = bisect_left(self.deadlines, (minute, -1))
        # Deadlines before this minute once per minute; this minute's few exactly.
        passed = self._memoized(
            ("passed", minute), lambda: _mask(i for _, i in self.deadlines[:start])
        ) | _mask(i for _, i in self.deadlines[start : bisect_left(self.deadlines, (now, -1))])
        by = self.by.get("status", {})
        if status == "closed":
            return by.get("closed", 0)
        past = by.get("open", 0) & passed & ~self.rolling
        if status == "open":
            return by.get("open", 0) & ~past
        return by.get("expired", 0) | past

    def deadline_mask(self, days: int) -> int:
        """Postings whose deadline falls within the next ``days``."""
        now, end = self.built_at, self.built_at + timedelta(days=days)

        def build() -> int:
            lo = bisect_left(self.deadlines, (now, -1))
            hi = bisect_right(self.deadlines, (end, 2**63))
            return _mask(i for _, i in self.deadlines[lo:hi])

        return self._memoized(("deadline", days), build)

    def first_deadline_from(self, when: datetime) -> datetime | None:
        """The first application deadline at or after ``when``: until then no posting
        expires, so what was worked out at ``when`` holds (None: none ever will)."""
        at = bisect_left(self.deadlines, (when, -1))
        return self.deadlines[at][0] if at < len(self.deadlines) else None

    def soonest_deadlines(
        self, session: Session, f: PostingFilter, now: datetime, limit: int
    ) -> list[int]:
        """Ids of at most ``limit`` postings matching ``f`` whose deadline falls within
        ``f.deadline_within`` days from ``now``, soonest first (then by id): the order and
        window of the list sorted by deadline. In SQL the deadline index gave the order but
        every posting with a deadline in the window was read to test the other filters (35
        ms for 200 fellowships at 50,000 postings); here they are a bit test each."""
        days = max(0, min(f.deadline_within or 0, MAX_DAYS))
        wanted = self.combine(self.parts(session, replace(f, deadline_within=None)), self.universe)
        bits = wanted.to_bytes(wanted.bit_length() // 8 + 1, "little")
        start = bisect_left(self.deadlines, (now, -1))
        end = bisect_right(self.deadlines, (now + timedelta(days=days), 2**63))
        out: list[int] = []
        for at in range(start, end):
            pid = self.deadlines[at][1]
            if pid >> 3 < len(bits) and bits[pid >> 3] >> (pid & 7) & 1:
                out.append(pid)
                if len(out) == limit:
                    break
        return out

    def salary_mask(self, minimum: float) -> int:
        return self._memoized(
            ("salary", minimum),
            lambda: _mask(i for _, i in self.salaries[bisect_left(self.salaries, (minimum, -1)) :]),
        )

    def text_mask(self, session: Session, q: str) -> int | None:
        """Postings matching the text (ids from the full-text index, cached per text);
        None when the text has no words."""
        dialect = session.get_bind().dialect.name
        clause = text_clause(q, dialect)
        if clause is None:
            return None
        key = q.strip().lower()
        with self._lock:
            if key in self._text:
                self._text.move_to_end(key)
                return self._text[key]
        mask = _mask(session.scalars(select(Posting.id).where(clause)))
        with self._lock:
            self._text[key] = mask
            while len(self._text) > TEXT_CACHE:
                self._text.popitem(last=False)
        return mask

    def parts(self, session: Session, f: PostingFilter) -> dict[str, int]:
        """The mask of every active part of ``f``, by facet name (absent: any)."""
        out: dict[str, int] = {}
        if f.status != "all":
            out["status"] = self.status_mask(f.status, utcnow())
        wanted = relevance_values(f.relevance)
        if wanted is not None:
            out["relevance"] = self._union("relevance", wanted)
        for facet in LIST_FACETS:
            values: list[str] = list(getattr(f, facet, None) or [])
            if not values:
                continue
            if facet == "org":
                out[facet] = self._union("org_select", [v.lower() for v in values])
                continue
            if facet == "country":
                values = [v.upper() for v in values]
            out[facet] = self._union(facet, values)
        text = self.text_mask(session, f.q) if f.q else None
        if text is not None:
            out["q"] = text
        if f.posted_within is not None:
            out["posted_within"] = self.since_mask(f.posted_within)
        if f.deadline_within is not None:
            out["deadline_within"] = self.deadline_mask(f.deadline_within)
        if f.has_salary is not None:
            out["has_salary"] = self.salaried if f.has_salary else self.universe & ~self.salaried
        if f.min_salary is not None:
            out["min_salary"] = self.salary_mask(f.min_salary)
        return out

    @staticmethod
    def combine(parts: dict[str, int], universe: int, leave_out: str = "") -> int:
        out = universe
        for name, mask in parts.items():
            if name != leave_out:
                out &= mask
        return out

    # -- counts --------------------------------------------------------------------

    def count(self, session: Session, f: PostingFilter) -> int:
        return self.combine(self.parts(session, f), self.universe).bit_count()

    def value_counts(self, facet: str, rest: int) -> list[tuple[str, int]]:
        """Every value of ``facet`` with its count within ``rest``, most first."""
        counted = [
            (value, (mask & rest).bit_count()) for value, mask in self.by.get(facet, {}).items()
        ]
        counted = [(v, n) for v, n in counted if n]
        counted.sort(key=lambda vn: (-vn[1], vn[0]))
        return counted

    def facets(self, session: Session, f: PostingFilter) -> Facets:
        parts = self.parts(session, f)
        universe = self.universe

        def listed(facet: str) -> list[FacetValue]:
            rest = self.combine(parts, universe, facet)
            chosen = list(getattr(f, facet) or [])
            if facet == "relevance":
                chosen = list(relevance_values(f.relevance) or RELEVANCE)
            if facet == "org":
                chosen = [self.slug_names.get(c.lower(), c.lower()) for c in chosen]
            elif facet == "country":
                chosen = [c.upper() for c in chosen]
            out = [
                FacetValue(self.org_names.get(v, v) if facet == "org" else v, n, v in chosen)
                for v, n in self.value_counts(facet, rest)
            ]
            present = {fv.value.lower() if facet == "org" else fv.value for fv in out}
            # A selected value with no matches still shows (count 0) so it can be unticked.
            out.extend(
                FacetValue(self.org_names.get(v, v) if facet == "org" else v, 0, True)
                for v in chosen
                if v not in present
            )
            return out

        def buckets(name: str, days: tuple[int, ...], mask: Callable[[int], int]) -> list[Any]:
            rest = self.combine(parts, universe, name)
            chosen = getattr(f, name)
            return [FacetValue(str(d), (rest & mask(d)).bit_count(), chosen == d) for d in days]

        return Facets(
            total=self.combine(parts, universe).bit_count(),
            role=listed("role"),
            skill=listed("skill"),
            country=listed("country"),
            org=listed("org"),
            org_type=listed("org_type"),
            remote=listed("remote"),
            seniority=listed("seniority"),
            phd_required=listed("phd_required"),
            ml_experience_required=listed("ml_experience_required"),
            relevance=listed("relevance"),
            posted_within=buckets("posted_within", POSTED_WITHIN, self.since_mask),
            deadline_within=buckets("deadline_within", DEADLINE_WITHIN, self.deadline_mask),
            has_salary=(self.combine(parts, universe, "has_salary") & self.salaried).bit_count(),
        )


def build_index(session: Session, now: datetime | None = None) -> CountIndex:
    """Load every posting's filterable values into a fresh :class:`CountIndex`."""
    now = now or utcnow()
    index = CountIndex(built_at=now)
    ids: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rolling: list[int] = []
    columns: list[Any] = [
        Posting.id, Posting.status, Posting.org_name, Organization.slug, Posting.org_type,
        Posting.remote, Posting.seniority, Posting.phd_required,
        Posting.ml_experience_required, POSTED_DATE, Posting.deadline,
        func.coalesce(Posting.salary_max, Posting.salary_min), Posting.safety_relevance,
        Posting.deadline_rolling,
    ]  # fmt: skip
    # Postings hidden by visitors' reports are in no list (db.visibility): in no count.
    stmt = (
        select(*columns)
        .outerjoin(Organization, Organization.id == Posting.organization_id)
        .where(Posting.hidden.is_(False))
    )
    every: list[int] = []
    for row in session.execute(stmt):
        pid = row[0]
        every.append(pid)
        ids["status"][row[1]].append(pid)
        name = row[2] or ""
        index.org_names.setdefault(name.lower(), name)
        ids["org"][name.lower()].append(pid)
        if row[3] and row[3] != name.lower():
            ids["org_slug"][row[3]].append(pid)
            index.slug_names[row[3]] = name.lower()
        for facet, value in zip(
            ("org_type", "remote", "seniority", "phd_required", "ml_experience_required"),
            row[4:9],
            strict=True,
        ):
            if value is not None:
                ids[facet][str(value)].append(pid)
        index.seen.append((row[9], pid))
        if row[10] is not None:
            index.deadlines.append((row[10], pid))
        if row[11] is not None:
            index.salaries.append((float(row[11]), pid))
        ids["relevance"][str(row[12])].append(pid)
        if row[13]:
            rolling.append(pid)
    tags = select(PostingTag.kind, PostingTag.value, PostingTag.posting_id).where(
        PostingTag.kind.in_(TAG_KINDS)
    )
    for kind, value, pid in session.execute(tags):
        ids[kind][value].append(pid)
    keys = select(Source.key, PostingSource.posting_id).join(
        Source, Source.id == PostingSource.source_id
    )
    for key, pid in session.execute(keys):
        ids["source"][key].append(pid)
    index.universe = _mask(every)
    index.by = {facet: {v: _mask(i) for v, i in values.items()} for facet, values in ids.items()}
    # An organization is chosen by slug or name; the facet lists names.
    select_org = dict(index.by.get("org", {}))
    for slug, mask in index.by.pop("org_slug", {}).items():
        select_org[slug] = select_org.get(slug, 0) | mask
    index.by["org_select"] = select_org
    index.seen.sort()
    index.deadlines.sort()
    index.salaries.sort()
    index.salaried = _mask(i for _, i in index.salaries)
    index.rolling = _mask(rolling)
    index.first_crawl = _mask(session.scalars(select(Posting.id).where(from_first_crawl())))
    return index


INDEXES: Fresh[CountIndex] = Fresh(lambda session: build_index(session), MAX_AGE)


def count_index(session: Session) -> CountIndex:
    """This process's current :class:`CountIndex` of the session's database."""
    return INDEXES.get(session)


def facet_counts(session: Session, f: PostingFilter) -> Facets:
    """Counts of every facet value under the other active filters, and the total."""
    return count_index(session).facets(session, f)


def count_matching(session: Session, f: PostingFilter) -> int:
    """How many postings match ``f``: the same count the facets give."""
    return count_index(session).count(session, f)
