"""Digest details a subscriber can trust: salary lines only for pay, sources by name,
deadlines as "closes 12 Dec (6 days)", "Why" naming what sets an item apart."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.db.models import Organization, Source
from aggregator.digest.build import distinct_reasons
from aggregator.digest.render import closes
from aggregator.presentation.salary import format_salary
from aggregator.store.employers import source_name


def test_salary_text_only_when_it_is_about_pay() -> None:
    sentence = "Apart Research is hiring two research engineers to run evaluations."
    assert format_salary(None, None, text=sentence) == ""
    assert format_salary(None, None, text="Competitive salary") == "Competitive salary"
    assert format_salary(None, None, text="£40k–£50k") == "£40k–£50k"
    assert format_salary(15000, None, "USD", None, "$15,000 for 3 months") == (
        "$15,000 for 3 months"
    )


def test_sources_are_named_for_readers() -> None:
    board = Source(key="eighty_k_board", platform="eighty_k",
                   organization=Organization(name="80,000 Hours", org_type="board"))  # fmt: skip
    ats = Source(key="far_ai", platform="greenhouse",
                 organization=Organization(name="FAR.AI", org_type="nonprofit"))  # fmt: skip
    forum = Source(key="ea_forum", platform="feed", config={"feed_type": "forum"},
                   organization=Organization(name="EA Forum", org_type="board"))  # fmt: skip
    assert [source_name(s) for s in (board, ats, forum)] == [
        "80,000 Hours job board", "FAR.AI careers", "EA Forum",
    ]  # fmt: skip
    assert source_name(Source(key="bare", platform="lever")) == "bare"


def test_deadlines_read_as_closing_dates() -> None:
    now = datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert closes(datetime(2026, 12, 12, 23, 59, tzinfo=UTC), now) == "closes 12 Dec (6 days)"
    assert closes(datetime(2026, 12, 7, tzinfo=UTC), now) == "closes 7 Dec (tomorrow)"
    assert closes(datetime(2026, 12, 6, 18, tzinfo=UTC), now) == "closes 6 Dec (today)"


def test_why_names_only_what_sets_an_item_apart() -> None:
    whys = [
        "role: Research engineer; remote",
        "role: Research engineer; skills: Evaluations; remote",
        "role: Research engineer; remote; deadline soon",
    ]
    assert distinct_reasons(whys) == ["", "  Why: skills: Evaluations", "  Why: deadline soon"]
    assert distinct_reasons(["role: Policy"]) == ["  Why: role: Policy"]
