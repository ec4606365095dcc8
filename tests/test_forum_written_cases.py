"""Forum posts written here in the voices of EA Forum, LessWrong and the Alignment Forum
(``data/forum_written_cases.jsonl``; GUIDELINE: ``is_opportunity`` when the post announces
something a reader can apply to, open when posted): announcements with no signal word in
the title, calls for mentees and leads, grant rounds, courses, prizes, jobs inside updates;
and keyword traps (retrospectives, funders' reports, posts about hiring or grants, lists,
closed calls, recaps, technical "apply" / "fellow" / "program"). Each opportunity carries
the roles a reader could fairly file it under."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aggregator.evaluation import load_jsonl
from aggregator.normalize.announcements import is_opportunity
from aggregator.normalize.classifier import classify

CASES = load_jsonl(Path(__file__).parent / "data" / "forum_written_cases.jsonl")
# Still missed: a giveaway in no words of a call, a paid commission offered by a title
# and a "pitch form" only, a community funding round whose call is "registrations open on"
# a date, and a call for contributors whose title names a newsletter (a newsletter's issue
# is a trap).
KNOWN_MISSES = {
    "Compute credits for safety researchers",
    "We'll pay you to write about AI governance",
    "Vote with $100 on the projects that helped you",
    "Looking for newsletter contributors",
}
ROLE_FLOOR = 130  # of 147 opportunities (the rules with the learned model, December 2026)


def test_the_written_cases_are_balanced() -> None:
    opportunities = sum(case["is_opportunity"] for case in CASES)
    assert len(CASES) >= 290 and 0.45 <= opportunities / len(CASES) <= 0.55


@pytest.mark.parametrize("case", CASES, ids=[case["title"] for case in CASES])
def test_written_forum_posts(case: dict[str, Any]) -> None:
    if case["title"] in KNOWN_MISSES:
        pytest.xfail("known miss")
    assert is_opportunity(case["title"], case["body"]).value is case["is_opportunity"]


def test_roles_of_written_opportunities_hold() -> None:
    opportunities = [case for case in CASES if case["is_opportunity"]]
    right = sum(
        classify(title=case["title"], description_text=case["body"]).role in case["roles"]
        for case in opportunities
    )
    assert right >= ROLE_FLOOR, f"{right}/{len(opportunities)}"
