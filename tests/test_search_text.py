"""Full-text search (FTS5 on SQLite, tsvector on PostgreSQL): stemming, prefix, ranking,
index kept in sync by the database, hostile text never breaks the query syntax."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.migrate import (
    MIGRATIONS,
    alembic_config,
    current_revision,
    include_name,
    upgrade_database,
)
from aggregator.db.models import Posting, utcnow
from aggregator.matching.index import PostingIndex
from aggregator.search import PostingFilter, count_postings, estimates, search_postings, text
from aggregator.search.text import fts5_query, query_words, tsquery_text
from aggregator.subscriptions import ProfileInput
from tests.factories import make_posting


def found(session: Session, q: str, **kw: object) -> list[str]:
    page = search_postings(session, PostingFilter(q=q, **kw), limit=50)  # type: ignore[arg-type]
    return [p.title for p in page.items]


SEED = [  # title, organization, description; oldest first
    ("Research Engineer, Interpretability", "Example Lab", "Mechanistic work on language models."),
    ("Operations Manager", "Safety Institute", "Evaluations logistics; IT and research support."),
    ("Policy Fellow", "Gov Org", "Write about AI governance."),
]


def _seed(session: Session) -> None:
    now = utcnow()
    for age, (title, org, body) in zip((3, 2, 1), SEED, strict=True):
        make_posting(
            session,
            title=title,
            org=org,
            description_text=body,
            first_seen_at=now - timedelta(days=age),
        )
    session.commit()


def test_query_words_and_quoting() -> None:
    assert query_words('interp "OR" NEAR(a b) -x*') == (
        ["interp", "or", "near", "a", "b", "x"],
        False,
    )
    assert query_words("safety interp") == (["safety", "interp"], True)
    assert query_words("safety ") == (["safety"], False)
    assert query_words("!!! ... \"'*:&|()") == ([], False)
    assert query_words("a_b cde") == (["a", "b", "cde"], True)
    assert fts5_query(["near", 'x"y']) == '"near" AND "x""y"'
    assert fts5_query(["near", "xyz"], True) == '"near" AND "xyz"*'
    assert tsquery_text(["it", "interpr"], True) == "'it' & 'interpr':*"
    assert len(query_words(" ".join(["w"] * 50))[0]) == 10


def test_stemming_prefix_and_every_word(session: Session) -> None:
    _seed(session)
    assert found(session, "evaluation") == ["Operations Manager"]  # stem of "evaluations"
    assert found(session, "interpre") == ["Research Engineer, Interpretability"]  # prefix
    assert found(session, "interpre ") == []  # a finished word is not a prefix
    assert found(session, "logis") == ["Operations Manager"]  # prefix in the description
    assert found(session, "MODEL mechanistic") == ["Research Engineer, Interpretability"]
    assert found(session, "mechanistic governance") == []  # every word must match
    assert found(session, "safety institute") == ["Operations Manager"]  # organization
    assert found(session, "it") == ["Operations Manager"]  # stop words are searchable
    assert found(session, "...") == found(session, "")  # only punctuation: no text filter
    assert count_postings(session, PostingFilter(q="research")) == 2


def test_relevance_ranks_title_over_organization_over_description(session: Session) -> None:
    _seed(session)
    make_posting(session, title="Research Lead", org="Other", description_text="Lead.")
    session.commit()
    ranked = found(session, "research", sort="relevance")
    assert set(ranked[:2]) == {"Research Lead", "Research Engineer, Interpretability"}
    assert ranked[-1] == "Operations Manager"  # description only
    assert found(session, "research", sort="newest")[0] == "Research Lead"
    assert found(session, "!!", sort="relevance") == found(session, "", sort="newest")


def test_index_follows_inserts_updates_and_deletes(session: Session) -> None:
    _seed(session)
    posting = session.query(Posting).filter_by(title="Policy Fellow").one()
    session.execute(
        update(Posting)
        .where(Posting.id == posting.id)
        .values(title="Alignment Scientist", description_text="Scalable oversight.")
    )
    session.commit()
    assert found(session, "alignment oversight") == ["Alignment Scientist"]
    assert found(session, "governance") == []
    session.execute(update(Posting).where(Posting.id == posting.id).values(status="closed"))
    session.commit()  # a change of other columns keeps the index entry
    assert found(session, "alignment", status="all") == ["Alignment Scientist"]
    session.execute(delete(Posting).where(Posting.id == posting.id))
    session.commit()
    assert found(session, "alignment", status="all") == []
    assert found(session, "evaluation") == ["Operations Manager"]


def test_orm_attribute_change_is_indexed(session: Session) -> None:
    _seed(session)
    posting = session.query(Posting).filter_by(title="Operations Manager").one()
    posting.title = "Chief of Staff"
    session.commit()
    assert found(session, "chief staff") == ["Chief of Staff"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60), sort=st.sampled_from(["newest", "relevance"]))
def test_any_text_is_a_valid_query(session: Session, q: str, sort: str) -> None:
    if "\x00" in q:  # the web layer refuses NUL; PostgreSQL cannot store it
        q = q.replace("\x00", "")
    page = search_postings(session, PostingFilter(q=q, sort=sort), limit=5)
    assert isinstance(page.items, list)


def test_text_search_is_hidden_from_autogenerate_and_downgrades(engine: Engine) -> None:
    assert not include_name("postings_fts_data", "table", {})
    assert not include_name("search_vector", "column", {"table_name": "postings"})
    assert include_name("search_vector", "column", {"table_name": "other"})
    assert not include_name("ix_postings_search_vector", "index", {"table_name": "postings"})
    assert include_name("postings", "table", {})
    config = alembic_config(engine)
    command.downgrade(config, "0001")
    try:
        assert current_revision(engine) == "0001"
        tables = set(inspect(engine).get_table_names())
        columns = {c["name"] for c in inspect(engine).get_columns("postings")}
        assert "postings_fts" not in tables and "search_vector" not in columns
    finally:
        upgrade_database(engine)
    assert current_revision(engine) == ScriptDirectory(str(MIGRATIONS)).get_current_head()


@pytest.mark.parametrize("few", [0, 10**9], ids=["per-row", "fetched"])
def test_text_plans_agree(session: Session, monkeypatch: pytest.MonkeyPatch, few: int) -> None:
    _seed(session)
    for i in range(12):
        make_posting(session, title=f"Research Assistant {i}", description_text="Evaluations.")
    session.commit()
    queries = ("research", "evaluations it", "none", "resea", "it evalu", "assis")
    expected = {q: found(session, q) for q in queries}
    assert expected["resea"] == expected["research"] and expected["assis"]
    monkeypatch.setattr(text, "FEW_MATCHES", few)
    # Few completions: exact indexed terms; many: an FTS5 prefix query. Same answers.
    monkeypatch.setattr(text, "MAX_COMPLETIONS", 16 if few else 0)
    estimates.clear()
    try:
        for q, titles in expected.items():
            assert found(session, q) == titles
            page = search_postings(session, PostingFilter(q=q), limit=5)
            cursor, seen = page.next_cursor, [p.title for p in page.items]
            while cursor:
                page = search_postings(session, PostingFilter(q=q), limit=5, cursor=cursor)
                cursor, seen = page.next_cursor, seen + [p.title for p in page.items]
            assert seen == titles
    finally:
        estimates.clear()


def test_huge_or_odd_descriptions_are_stored_and_searchable(session: Session) -> None:
    # A tsvector holds at most 1 MB: the index takes the first 100,000 characters.
    words = " ".join(f"w{i}x" for i in range(40_000))
    make_posting(session, title="Huge", description_text=f"{'z' * 3000} kernel {words} tail")
    make_posting(session, title="Odd", description_text="naïve ＡＩ 安全 ok")
    session.commit()
    assert found(session, "kernel w1x") == ["Huge"]
    assert found(session, "安全") == ["Odd"]
    assert found(session, "ok naïve") == ["Odd"]


def test_synonyms_and_acronyms(session: Session) -> None:
    now = utcnow()
    for age, (title, org, body) in enumerate(
        [
            ("Research Scientist", "AI Security Institute", "Evaluations of frontier models."),
            ("Engineer", "Center for AI Standards and Innovation", "Measurement science."),
            ("Fellow", "Example Lab", "Mechanistic interpretability of transformers."),
            ("Analyst", "Policy Shop", "Work with the UK AISI and partners."),
            ("Assistant", "Example Lab", "Mech interp tooling; evals infrastructure."),
        ]
    ):
        make_posting(
            session,
            title=title,
            org=org,
            description_text=body,
            first_seen_at=now - timedelta(days=age + 1),
        )
    session.commit()
    assert set(found(session, "AISI")) == {"Research Scientist", "Engineer", "Analyst"}
    assert set(found(session, "aisi ")) == {"Research Scientist", "Engineer", "Analyst"}
    assert found(session, "CAISI") == ["Engineer"]  # one way: not the UK institute
    assert set(found(session, "mech interp")) == {"Fellow", "Assistant"}
    assert set(found(session, "mechanistic interpretability")) == {"Fellow", "Assistant"}
    assert set(found(session, "interp")) == {"Fellow", "Assistant"}
    assert set(found(session, "evals")) == {"Research Scientist", "Assistant"}
    # Phrases match in order: the same words elsewhere in the text are not the phrase.
    assert found(session, "interp frontier") == []
    assert found(session, "aisi measurement") == ["Engineer"]
    assert count_postings(session, PostingFilter(q="aisi")) == 3
    # An alert made from the search (its text as a keyword) matches what the search finds.
    index = PostingIndex.load(session)
    for q in ("AISI", "CAISI", "mech interp", "interp", "evals", "aisi measurement", "Fellow"):
        matches, _ = index.top(ProfileInput(keywords=[q]))
        assert {index.postings[m.posting_id].title for m in matches} == set(found(session, q)), q


def test_synonym_table_is_well_formed() -> None:
    from aggregator.synonyms import expand, synonyms

    table = synonyms()
    assert ("aisi",) in table and ("ai", "security", "institute") in table[("aisi",)]
    for phrase, alternatives in table.items():
        assert phrase not in alternatives and alternatives, phrase
    assert expand(["mech", "interp", "jobs"]) == [
        (("mech", "interp"), *table[("mech", "interp")]),
        (("jobs",),),
    ]


def test_a_search_sorts_by_relevance_unless_told() -> None:
    from aggregator.search.validate import build_filter

    assert build_filter(q="interp").sort == "relevance"
    assert build_filter(q="  ...").sort == "newest"
    assert build_filter().sort == "newest"
    assert build_filter(q="interp", sort="newest").sort == "newest"
    # Shareable URLs leave out the default and keep an explicit other order.
    assert build_filter(q="interp").to_params() == [("q", "interp")]
    assert build_filter(q="interp", sort="newest").to_params() == [
        ("q", "interp"),
        ("sort", "newest"),
    ]
    assert build_filter(sort="relevance").to_params() == [("sort", "relevance")]


def test_relevance_ranks_the_newest_matches_and_pages_through_all(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    for i in range(9):  # ids grow with i; the best match (word in the title) every third
        title = f"Safety role {i}" if i % 3 == 0 else f"Role {i}"
        make_posting(
            session,
            title=title,
            description_text="We work on safety.",
            first_seen_at=now - timedelta(hours=9 - i),
        )
    session.commit()
    estimates.clear()
    monkeypatch.setattr(text, "RANK_WINDOW", 4)  # ranks the 4 newest matches (ids 6-9)
    try:
        seen: list[str] = []
        cursor = None
        while True:
            f = PostingFilter(q="safety", sort="relevance")
            page = search_postings(session, f, limit=2, cursor=cursor)
            seen += [p.title for p in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(found(session, "safety", sort="newest"))  # all, once
        assert seen[0] == "Safety role 6"  # the newest 4 ranked: title match first
        assert set(seen[:4]) == {"Role 5", "Safety role 6", "Role 7", "Role 8"}
        assert seen[4:] == ["Role 4", "Safety role 3", "Role 2", "Role 1", "Safety role 0"]
    finally:
        estimates.clear()
