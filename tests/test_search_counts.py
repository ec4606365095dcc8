"""The count index behind facets, list totals and stats agrees with the SQL filter, and
sees changes to postings."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.orm import Session

from aggregator.db.models import utcnow
from aggregator.search import PostingFilter, count_postings, search_rows
from aggregator.search.counts import count_index, count_matching, facet_counts
from aggregator.store import reports
from tests.factories import make_org, make_posting

ROLES = ["research_engineer", "policy", "fellowship", "operations"]
SKILLS = ["interpretability", "evals", "python"]


def _seed(session: Session) -> None:
    rng = random.Random(5)
    now = utcnow()
    lab = make_org(session, "far-ai", "FAR AI")
    for i in range(120):
        deadline = now + timedelta(days=rng.randint(-20, 40)) if rng.random() < 0.4 else None
        make_posting(
            session,
            title=rng.choice(["Interpretability researcher", "Policy fellow", "Ops lead"]),
            org=rng.choice(["FAR AI", "Apollo Research", "UK AISI"]),
            organization_id=lab.id if i % 3 == 0 else None,
            role=rng.choice(ROLES),
            skills=rng.sample(SKILLS, rng.randint(0, 2)),
            countries=rng.sample(["GB", "US", "DE"], rng.randint(0, 2)),
            remote=rng.choice(["remote", "hybrid", "onsite", "unspecified"]),
            seniority=rng.choice(["junior", "senior", "unspecified"]),
            phd_required=rng.choice(["yes", "preferred", "no", "unspecified"]),
            ml_experience_required=rng.choice(["yes", "no", "unspecified"]),
            safety_relevance=rng.choice(["core", "adjacent", "none"]),
            status=rng.choice(["open", "open", "open", "closed", "expired"]),
            deadline=deadline,
            deadline_rolling=rng.random() < 0.2,
            salary_min=rng.choice([None, 50_000.0, 120_000.0]),
            first_seen_at=now - timedelta(days=rng.randint(0, 120)),
        )
    session.commit()


FILTERS = [
    PostingFilter(),
    PostingFilter(status="all"),
    PostingFilter(status="expired"),
    PostingFilter(status="closed", relevance=["all"]),
    PostingFilter(relevance=["core"]),
    PostingFilter(role=["policy", "fellowship"], skill=["evals"]),
    PostingFilter(country=["GB"], remote=["remote", "hybrid"]),
    PostingFilter(org=["far-ai"]),
    PostingFilter(org=["Apollo Research"], seniority=["senior"]),
    PostingFilter(phd_required=["no", "unspecified"], ml_experience_required=["yes"]),
    PostingFilter(q="interpretability"),
    PostingFilter(posted_within=30, has_salary=True),
    PostingFilter(deadline_within=14, min_salary=100_000),
    PostingFilter(has_salary=False, status="all"),
]


def test_counts_agree_with_the_sql_filter(session: Session) -> None:
    _seed(session)
    for f in FILTERS:
        expected = count_postings(session, f)
        assert count_matching(session, f) == expected, f
        facets = facet_counts(session, f)
        assert facets.total == expected, f
        # Disjunctive: a role's count is the SQL count with that role alone chosen.
        for value in facets.role[:3]:
            assert value.count == count_postings(session, replace(f, role=[value.value])), value
        for value in facets.phd_required:
            alone = replace(f, phd_required=[value.value])
            assert value.count == count_postings(session, alone), value


def test_counts_follow_changes(session: Session) -> None:
    _seed(session)
    before = count_matching(session, PostingFilter(role=["policy"]))
    make_posting(session, role="policy", safety_relevance="core")
    session.commit()
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 1
    closing = make_posting(session, role="policy", safety_relevance="core")
    session.commit()
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 2
    closing.status = "closed"
    session.commit()
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 1
    hidden = make_posting(session, role="policy", safety_relevance="core")
    session.commit()
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 2
    # Two visitors report it: in no list until a maintainer decides.
    for visitor in ("a", "b"):
        hidden_now = reports.report(session, hidden, "expired", visitor, utcnow())
    assert hidden_now
    session.commit()
    for status in ("open", "all"):
        f = PostingFilter(role=["policy"], status=status)
        assert count_matching(session, f) == count_postings(session, f), status
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 1
    report_id = reports.pending_reports(session)[0].id
    reports.resolve(session, report_id, "keep", utcnow())  # shown again
    session.commit()
    assert count_matching(session, PostingFilter(role=["policy"])) == before + 2


def test_soonest_deadlines_are_the_list_sorted_by_deadline(session: Session) -> None:
    """The deadline feed's postings from the index: the same ids in the same order as
    the list sorted by deadline, within the same window."""
    _seed(session)
    session.commit()
    now = utcnow()
    index = count_index(session)
    for f in (
        PostingFilter(deadline_within=30),
        PostingFilter(role=["policy", "fellowship"], deadline_within=366),
        PostingFilter(status="all", skill=["evals"], deadline_within=10),
        PostingFilter(q="policy", country=["GB"], deadline_within=366),
        PostingFilter(deadline_within=0),
    ):
        f = replace(f, sort="deadline")
        listed = [row.id for row in search_rows(session, f, limit=500, now=now).items]
        assert index.soonest_deadlines(session, f, now, 500) == listed, f
        assert index.soonest_deadlines(session, f, now, 3) == listed[:3], f
