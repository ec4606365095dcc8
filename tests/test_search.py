"""The query layer: every tag-filter plan returns the same postings in the same order."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from aggregator.db.models import Organization
from aggregator.search import (
    PostingFilter,
    Related,
    estimates,
    filters,
    related_values,
    search_postings,
    search_rows,
)
from tests.factories import make_posting

FILTERS = [
    PostingFilter(role=["fellowship"]),
    PostingFilter(role=["fellowship", "policy"], skill=["python"]),
    PostingFilter(skill=["python"], country=["gb"], q="role"),
    PostingFilter(role=["research_engineer"], skill=["jax"], sort="deadline"),
    PostingFilter(role=["grant"], skill=["rust"]),
]


def _seed(session: Session) -> None:
    roles = ["fellowship", "policy", "research_engineer", "grant"]
    skills = [["python"], ["python", "jax"], ["rust"], []]
    for i in range(40):
        make_posting(
            session,
            title=f"Role {i}",
            role=roles[i % 4],
            skills=skills[i % 3],
            countries=["GB"] if i % 2 else ["US"],
        )
    session.commit()


@pytest.mark.parametrize(
    ("dense", "drive_below"), [(1.1, 0), (1.1, 10**9), (0.0, 0)], ids=["member", "drive", "exists"]
)
def test_plans_agree(
    session: Session, monkeypatch: pytest.MonkeyPatch, dense: float, drive_below: int
) -> None:
    _seed(session)
    expected = {}
    for i, f in enumerate(FILTERS):
        expected[i] = [p.id for p in search_postings(session, f, limit=100).items]
    assert all(expected.values())
    monkeypatch.setattr(filters, "PLAN_MIN_TOTAL", 0)
    monkeypatch.setattr(filters, "DENSE", dense)
    monkeypatch.setattr(filters, "DRIVE_BELOW", drive_below)
    estimates.clear()
    for i, f in enumerate(FILTERS):
        got: list[int] = []
        cursor = None
        while True:
            page = search_postings(session, f, limit=3, cursor=cursor)
            got += [p.id for p in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert got == expected[i], f
    estimates.clear()


def test_related_values_of_rows_and_of_orm_postings_agree(session: Session) -> None:
    org = Organization(slug="example-lab", name="Example Lab")
    session.add(org)
    session.flush()
    make_posting(session, title="A", skills=["python", "jax"], source_key="b-src", organization=org)
    make_posting(session, title="B", role="policy", source_key="a-src")
    session.commit()
    rows = search_rows(session, PostingFilter()).items
    postings = search_postings(session, PostingFilter()).items
    from_rows, from_orm = related_values(session, rows), related_values(session, postings)
    assert from_rows == from_orm
    a = next(r.id for r in rows if r.title == "A")
    expected = Related(["research_engineer"], ["jax", "python"], ["b-src"], "example-lab")
    assert from_rows[a] == expected
    assert [r.org_slug for r in rows] == [from_rows[r.id].org_slug for r in rows]
