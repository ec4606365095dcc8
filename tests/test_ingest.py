"""ingest_items(): dedup across sources, lifecycle, change log, tags; reclassify()."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import classifier_stub
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.db.models import Organization, Posting, PostingChange, PostingSource, Source
from aggregator.items import RawPosting
from aggregator.store.ingest import ingest_items, reclassify

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
ATS_URL = "https://boards.greenhouse.io/acme/jobs/{}"


@pytest.fixture(autouse=True)
def _classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    classifier_stub.install(monkeypatch)


@pytest.fixture
def acme(session: Session) -> Source:
    org = Organization(slug="acme-ai", name="Acme AI", org_type="lab")
    source = Source(key="greenhouse:acme", platform="greenhouse", organization=org)
    session.add(source)
    session.flush()
    return source


@pytest.fixture
def board(session: Session) -> Source:
    org = Organization(slug="80000-hours", name="80,000 Hours", org_type="board")
    source = Source(key="eighty_k", platform="eighty_k", organization=org)
    session.add(source)
    session.flush()
    return source


def ats_item(ext: str = "1", **changes: object) -> RawPosting:
    raw = RawPosting(
        source_key="greenhouse:acme",
        external_id=ext,
        org="Acme AI",
        title="Research Engineer",
        url=ATS_URL.format(ext),
        description_html="<p>Interpretability research.</p>",
        locations=["London, UK"],
    )
    return replace(raw, **changes)  # type: ignore[arg-type]


def board_item(ext: str = "80k-1", **changes: object) -> RawPosting:
    raw = RawPosting(
        source_key="eighty_k",
        external_id=ext,
        org="Acme AI, Inc.",
        title="Research Engineer",
        url=ATS_URL.format("1") + "?utm_source=80000hours&utm_medium=board",
        description_html="<p>Short board blurb.</p>",
        locations=["London, UK"],
        deadline="2027-01-15",
        salary_text="£65,000-£75,000",
    )
    return replace(raw, **changes)  # type: ignore[arg-type]


def postings(session: Session) -> list[Posting]:
    return list(session.scalars(select(Posting).order_by(Posting.id)))


def changes(session: Session, field: str) -> list[tuple[str | None, str | None]]:
    rows = session.scalars(select(PostingChange).where(PostingChange.field == field))
    return [(c.old_value, c.new_value) for c in rows]


def test_new_then_unchanged(session: Session, acme: Source) -> None:
    items = [ats_item("1"), ats_item("2", title="Policy Researcher", locations=["Berlin"])]
    result = ingest_items(session, acme, items, complete=True, now=NOW)
    assert (result.items, result.new, result.errors) == (2, 2, 0)
    first, second = postings(session)
    assert first.organization_id == acme.organization_id and first.org_name == "Acme AI"
    assert first.org_type == "lab" and first.first_seen_at == NOW
    assert first.status == "open" and first.role == "research_engineer"
    assert {(t.kind, t.value) for t in first.tags} >= {
        ("role", "research_engineer"), ("country", "GB"), ("skill", "interpretability"),
    }  # fmt: skip
    assert first.sources[0].raw["external_id"] == "1"
    assert second.countries == ["DE"]
    again = ingest_items(session, acme, items, complete=True, now=LATER)
    assert (again.new, again.updated, again.unchanged, again.closed) == (0, 0, 2, 0)
    assert postings(session)[0].last_seen_at == LATER
    assert postings(session)[0].first_seen_at == NOW
    session.expire_all()  # the seen times as stored (written without the ORM), not as held
    assert [(p.last_seen_at, p.sources[0].last_seen_at) for p in postings(session)] == [
        (LATER, LATER), (LATER, LATER),
    ]  # fmt: skip


def test_updates_are_logged(session: Session, acme: Source) -> None:
    ingest_items(session, acme, [ats_item(deadline="2027-01-15")], complete=True, now=NOW)
    changed = ats_item(
        deadline="2027-02-01", title="Senior Research Engineer", salary_text="$150k-$200k"
    )
    result = ingest_items(session, acme, [changed], complete=True, now=LATER)
    assert result.updated == 1
    assert changes(session, "deadline") == [
        ("2027-01-15T23:59:59+00:00", "2027-02-01T23:59:59+00:00")
    ]
    assert changes(session, "title") == [("Research Engineer", "Senior Research Engineer")]
    assert changes(session, "salary") == [(None, "$150,000–$200,000 a year")]
    assert postings(session)[0].seniority == "senior"


def test_close_and_reopen(session: Session, acme: Source) -> None:
    ingest_items(session, acme, [ats_item("1"), ats_item("2", title="Ops")], complete=True, now=NOW)
    partial = ingest_items(session, acme, [ats_item("1")], complete=False, now=LATER)
    assert partial.closed == 0 and all(p.status == "open" for p in postings(session))
    done = ingest_items(session, acme, [ats_item("1")], complete=True, now=LATER)
    assert done.closed == 1
    ops = postings(session)[1]
    assert (ops.status, ops.closed_at) == ("closed", LATER)
    assert ops.sources[0].removed_at == LATER
    back = ingest_items(session, acme, [ats_item("1"), ats_item("2", title="Ops")],
                        complete=True, now=LATER + timedelta(days=1))  # fmt: skip
    assert back.reopened == 1 and back.closed == 0
    assert (ops.status, ops.closed_at, ops.sources[0].removed_at) == ("open", None, None)
    assert changes(session, "status") == [("open", "closed"), ("closed", "open")]


@pytest.mark.parametrize("board_first", [False, True])
def test_ats_and_board_merge(
    session: Session, acme: Source, board: Source, board_first: bool
) -> None:
    runs = [(acme, ats_item()), (board, board_item())]
    for source, item in reversed(runs) if board_first else runs:
        ingest_items(session, source, [item], complete=True, now=NOW)
    (posting,) = postings(session)
    assert {ps.source.key for ps in posting.sources} == {"greenhouse:acme", "eighty_k"}
    assert posting.organization_id == acme.organization_id
    # display fields from the employer's ATS, gaps filled from the board
    assert posting.url == ATS_URL.format("1")
    assert posting.description_text == "Interpretability research."
    assert posting.deadline == datetime(2027, 1, 15, 23, 59, 59, tzinfo=UTC)
    assert (posting.salary_min, posting.salary_currency) == (65000, "GBP")
    # the ATS stops listing it: still open while the board lists it
    result = ingest_items(session, acme, [], complete=True, now=LATER)
    assert result.closed == 0 and posting.status == "open"
    assert ingest_items(session, board, [], complete=True, now=LATER).closed == 1


def test_board_matches_on_org_and_title_without_url(
    session: Session, acme: Source, board: Source
) -> None:
    ingest_items(session, acme, [ats_item()], complete=True, now=NOW)
    other_url = board_item(url="https://acme.example/careers/research-engineer")
    ingest_items(session, board, [other_url], complete=True, now=NOW)
    assert len(postings(session)) == 1


def test_repost_with_new_id_on_same_url(session: Session, acme: Source) -> None:
    ingest_items(session, acme, [ats_item("1")], complete=True, now=NOW)
    repost = ats_item("99", url=ATS_URL.format("1") + "?gh_src=x", title="Research Engineer II")
    result = ingest_items(session, acme, [repost], complete=True, now=LATER)
    assert (result.new, result.closed) == (0, 0)
    (posting,) = postings(session)
    assert posting.title == "Research Engineer II" and posting.status == "open"
    assert sorted(ps.external_id for ps in posting.sources) == ["1", "99"]


def test_same_title_two_cities_stay_two(session: Session, acme: Source) -> None:
    items = [ats_item("1", locations=["London, UK"]), ats_item("2", locations=["Berlin"])]
    assert ingest_items(session, acme, items, complete=True, now=NOW).new == 2


def test_one_careers_url_for_several_roles(session: Session, acme: Source) -> None:
    page = "https://acme.example/careers"
    items = [ats_item("a", url=page), ats_item("b", url=page, title="Operations Lead")]
    assert ingest_items(session, acme, items, complete=True, now=NOW).new == 2
    again = ingest_items(session, acme, items, complete=True, now=LATER)
    assert (again.new, again.unchanged) == (0, 2)


def test_bad_items_are_errors_and_change_nothing(session: Session, acme: Source) -> None:
    ingest_items(session, acme, [ats_item("1")], complete=True, now=NOW)
    bad = [
        ats_item("1", title=""),  # a broken update of a stored posting
        ats_item("2", url="javascript:alert(1)"),
        ats_item("", title="No id"),
        ats_item("3", title="Fine", locations=["Paris"]),
    ]
    result = ingest_items(session, acme, bad, complete=True, now=LATER)
    assert (result.items, result.errors, result.new, result.closed) == (4, 3, 1, 0)
    assert "greenhouse:acme item '1': item '1': no title" in result.error_messages[0]
    assert "no usable http(s) URL" in result.error_messages[1]
    assert "no external id" in result.error_messages[2]
    stored = postings(session)[0]
    assert (stored.title, stored.status) == ("Research Engineer", "open")


def test_many_items_few_queries(session: Session, acme: Source) -> None:
    items = [ats_item(str(i), title=f"Role {i}") for i in range(60)]
    assert ingest_items(session, acme, items, complete=True, now=NOW).new == 60
    again = ingest_items(session, acme, items, complete=True, now=LATER)
    assert again.unchanged == 60
    count = session.scalar(select(func.count()).select_from(PostingSource))
    assert count == 60


def test_reclassify_applies_a_new_taxonomy(
    session: Session, acme: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_items(session, acme, [ats_item("1"), ats_item("2", title="Ops")], complete=True, now=NOW)
    assert reclassify(session, now=LATER) == 0
    monkeypatch.setitem(classifier_stub.RULES, "ops", "operations")
    assert reclassify(session, now=LATER) == 1
    ops = postings(session)[1]
    assert ops.role == "operations"
    assert ("role", "operations") in {(t.kind, t.value) for t in ops.tags}
    assert ("role", "other") not in {(t.kind, t.value) for t in ops.tags}
    assert changes(session, "title") == []


def test_a_storage_failure_only_loses_that_item(
    session: Session, acme: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aggregator.store import changes

    real_row = changes.new_posting_row

    def failing_row(data: object, *args: object, **kwargs: object) -> dict[str, object]:
        if getattr(data, "title", "") == "Boom":
            raise RuntimeError("database said no")
        return real_row(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(changes, "new_posting_row", failing_row)
    items = [ats_item(str(i), title=f"Role {i}") for i in range(5)]
    items.insert(2, ats_item("boom", title="Boom"))
    result = ingest_items(session, acme, items, complete=True, now=NOW)
    assert (result.new, result.errors) == (5, 1)
    assert "item 'boom': cannot store: database said no" in result.error_messages[0]
    assert sorted(p.title for p in postings(session)) == [f"Role {i}" for i in range(5)]
    assert session.scalar(select(func.count()).select_from(PostingSource)) == 5
