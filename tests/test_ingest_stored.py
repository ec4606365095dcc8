"""Normalize once (issue 15 point 2): each listing keeps its normalized record and taxonomy
version, a posting is merged from what its listings stored, and employers are resolved
once (a board's items in the crawl subprocess, as the parent would)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.crawl.worker import prenormalize
from aggregator.db.models import Posting, PostingSource, Source
from aggregator.normalize import posting as normalize_posting
from aggregator.store import employers, ingest
from aggregator.store.ingest import ingest_items
from tests.test_ingest import (  # noqa: F401 (fixtures)
    NOW,
    _classifier,
    acme,
    ats_item,
    board,
    board_item,
)


@pytest.fixture(autouse=True)
def taxonomy_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """A taxonomy with a version (the classifier stub has none)."""
    monkeypatch.setattr(normalize_posting, "_default_taxonomy", lambda: TAXONOMY)


TAXONOMY = SimpleNamespace(version="test-1")


def listing(session: Session, source: Source, ext: str) -> PostingSource:
    return session.scalars(
        select(PostingSource).where(
            PostingSource.source_id == source.id, PostingSource.external_id == ext
        )
    ).one()


@pytest.fixture
def normalized_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles this process normalizes (the crawl subprocess's are not counted)."""
    calls: list[str] = []
    real = employers.normalize

    def counting(raw: Any, **kwargs: Any) -> Any:
        calls.append(raw.title)
        return real(raw, **kwargs)

    monkeypatch.setattr(employers, "normalize", counting)
    return calls


def test_a_listing_keeps_its_normalized_record_and_taxonomy_version(
    session: Session,
    acme: Source,  # noqa: F811 (the fixture)
) -> None:
    ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    ps = listing(session, acme, "1")
    assert ps.normalized is not None and ps.normalized["title"] == "Research Engineer"
    assert ps.taxonomy_version == ps.posting.taxonomy_version == "test-1"


def test_a_posting_is_merged_from_its_listings_stored_records(
    session: Session,
    acme: Source,  # noqa: F811
    board: Source,  # noqa: F811
    normalized_here: list[str],
) -> None:
    ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    ats = listing(session, acme, "1")
    # What the ATS listing stored is what the merge reads (its raw record is not used).
    ats.normalized = {**ats.normalized, "description_text": "As stored."}  # type: ignore[dict-item]
    ats.raw = {**ats.raw, "title": "Never read again"}
    normalized_here.clear()
    ingest_items(session, board, [board_item()], complete=True, now=NOW)
    assert normalized_here == ["Research Engineer"]  # the board's item only, once
    (posting,) = session.scalars(select(Posting))
    assert (posting.title, posting.description_text) == ("Research Engineer", "As stored.")
    assert posting.salary_currency == "GBP"  # filled from the board's listing


def test_a_listing_stored_without_a_record_is_normalized_again_once(
    session: Session,
    acme: Source,  # noqa: F811
    board: Source,  # noqa: F811
    normalized_here: list[str],
) -> None:
    ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    ats = listing(session, acme, "1")
    ats.normalized, ats.taxonomy_version = None, None  # stored by an older version
    normalized_here.clear()
    ingest_items(session, board, [board_item()], complete=True, now=NOW)
    assert sorted(normalized_here) == ["Research Engineer", "Research Engineer"]
    assert ats.normalized is not None and ats.taxonomy_version == "test-1"


def test_a_new_taxonomy_version_normalizes_stored_listings_again(
    session: Session,
    acme: Source,  # noqa: F811
    board: Source,  # noqa: F811
    normalized_here: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    monkeypatch.setattr(TAXONOMY, "version", "test-2")
    normalized_here.clear()
    ingest_items(session, board, [board_item()], complete=True, now=NOW)
    assert len(normalized_here) == 2  # the board item and the ATS listing made for test-1
    assert listing(session, acme, "1").taxonomy_version == "test-2"
    result = ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    assert result.unchanged == 1 and len(normalized_here) == 2  # stored for test-2 now


def test_a_board_item_of_a_known_employer_is_normalized_once_in_the_subprocess(
    session: Session,
    acme: Source,  # noqa: F811
    board: Source,  # noqa: F811
    normalized_here: list[str],
) -> None:
    directory = employers.employer_directory(employers.load_orgs(session))
    job_source = {"key": "eighty_k", "platform": "eighty_k", "org": "80,000 Hours"}
    [pre] = prenormalize({**job_source, "org_type": "board"}, [board_item().to_dict()], directory)
    assert (pre["org"], pre["org_type"]) == ("Acme AI", "lab")
    normalized_here.clear()
    result = ingest_items(session, board, [board_item()], complete=True, now=NOW, normalized=[pre])
    assert (result.new, normalized_here) == (1, [])
    (posting,) = session.scalars(select(Posting))
    assert (posting.org_name, posting.organization_id) == ("Acme AI", acme.organization_id)


def test_items_of_one_crawl_merge_into_one_new_posting(
    session: Session,
    acme: Source,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same title and place under several ids (one posting, several listings, also across
    batches); the same id twice, also across batches (one listing, the later item wins)."""
    monkeypatch.setattr(ingest, "BATCH", 2)
    items = [
        ats_item("1"),
        ats_item("2", url="https://acme.example/jobs/re", salary_text="$100,000"),
        ats_item("3", title="Ops", locations=["Paris"]),
        ats_item("3", title="Ops Lead", locations=["Paris"]),
        ats_item("1", title="Research Engineer", department="Research"),
        ats_item("5", url="https://acme.example/jobs/re-5"),  # batch 1's posting, stored
    ]
    result = ingest_items(session, acme, items, complete=True, now=NOW)
    assert (result.new, result.errors) == (2, 0)
    first, ops = session.scalars(select(Posting).order_by(Posting.id))
    assert sorted(ps.external_id for ps in first.sources) == ["1", "2", "5"]
    assert (first.salary_min, first.department) == (100000, "Research")
    assert [ps.external_id for ps in ops.sources] == ["3"] and ops.title == "Ops Lead"
    again = ingest_items(session, acme, items[1:], complete=True, now=NOW)
    assert again.new == 0 and again.errors == 0
