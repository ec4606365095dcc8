"""Feed parsing (ATS and forum feeds) and the bespoke HTML spiders on fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from spiders.feed import FeedSpider, is_opportunity
from spiders.govai import GovaiSpider
from spiders.mats import MatsSpider
from spiders.redwood import RedwoodSpider
from tests.spider_helpers import DATA, check, expected, items_of, response


def feed(**options: Any) -> FeedSpider:
    src = {"key": "f", "org": "Example Org", "org_type": "nonprofit", "url": "https://f/x.rss"}
    return FeedSpider(source={**src, "options": options})


def test_teamtailor_feed_is_complete() -> None:
    platform = feed()
    items = platform.parse_body((DATA / "feed/teamtailor.xml").read_bytes())
    for item, want in zip(items, expected("feed/expected.json")["teamtailor"], strict=True):
        check(item, want)
    assert platform.is_complete()


def test_forum_feed_keeps_opportunities_and_never_closes() -> None:
    platform = feed(filter="opportunities")
    items = platform.parse_body((DATA / "feed/forum.xml").read_bytes())
    for item, want in zip(items, expected("feed/expected.json")["forum"], strict=True):
        check(item, want)
    assert platform.feed_type == "forum" and not platform.is_complete()


@pytest.mark.parametrize(
    ("title", "keep"),
    [
        ("MATS Winter 2027: applications open", True),
        ("Announcing the Example Residency", True),
        ("Request for proposals: AI evals", True),
        ("Why I changed my mind about timelines", False),
        ("A review of the book", False),
        ("Apply for the Example Fund", True),  # an imperative call
        ("Example Org is looking for funding", False),  # asks readers for money
        ("Experiences from both sides of the job market", False),
        ("Invitation to lead a project at the Example Camp", True),  # an invitation
        ("How do I get into alignment research", False),  # a question, not a call
    ],
)
def test_opportunity_filter(title: str, keep: bool) -> None:
    assert is_opportunity(title) is keep


def test_a_deadline_with_its_date_in_the_body_makes_an_announcement() -> None:
    body = "<p>Our spring cohort is forming. The deadline is March 3rd, so do not wait.</p>"
    assert is_opportunity("MARS", body)
    assert not is_opportunity("MARS", "<p>Our spring cohort is forming.</p>")


def test_the_structure_of_a_call_adds_up_without_its_usual_words() -> None:
    """A date beside "apply", what the organisers offer, the program's dates ahead: each is
    weak alone, together they are a call; an essay that mentions applying has none."""
    plans = "<p>The program will run from July to September. We provide housing.</p>"
    assert not is_opportunity("Summer lab", plans)  # plans alone: a report could say so
    call = plans + "<p>Every application that reaches us by 14 May is read.</p>"
    assert is_opportunity("Summer lab", call)
    essay = "<p>Many people apply to programs like this. Some of them found it helpful.</p>"
    assert not is_opportunity("Summer lab", essay)


def test_a_cue_counts_once_however_often_it_matches() -> None:
    """'We are looking for' also contains 'are looking for': one cue, not two."""
    assert not is_opportunity("New project", "<p>We are looking for people who care.</p>")
    assert is_opportunity("New project", "<p>We are looking for people. Apply here.</p>")


def test_how_to_apply_in_any_words_and_a_closed_call() -> None:
    """A call says how to apply in the words of its own organisation; a closed one is over."""
    body = "<p>To apply, please send a CV and a cover letter.</p>"
    assert is_opportunity("Research Assistant", body)
    assert not is_opportunity("Research Assistant", "<p>We worked on a project.</p>")
    short = "<p>Please send your CV.</p>"
    assert is_opportunity("Research Assistant position", short)
    closed = short + "<p>Applications have now closed.</p>"
    assert not is_opportunity("Research Assistant position", closed)


def test_a_conference_is_not_an_opportunity() -> None:
    body = "<p>Sign up to attend; apply for a place.</p>"
    assert not is_opportunity("Technical Safety Unconference", body)
    assert is_opportunity("Technical Safety Bootcamp", body)


def test_a_personal_essay_counts_against_an_announcement() -> None:
    call = "<p>Applications for the next cohort.</p>"
    essay = call.replace("</p>", " " + "I think I learned a lot, and I liked it. " * 3 + "</p>")
    assert is_opportunity("Research Fellow", call)
    assert not is_opportunity("Research Fellow", essay)
    story = call.replace("</p>", " I applied last year.</p>")  # an account of applying
    assert not is_opportunity("Research Fellow", story)


@pytest.mark.parametrize(
    "body", [b"<html><body>Not a feed</body></html>", b"", b"\x00\x01garbage", b'{"a": 1}']
)
def test_not_a_feed_fails_clearly(body: bytes) -> None:
    platform = feed()
    assert platform.parse_body(body) == []
    assert platform.failure and "not an RSS/Atom feed" in platform.failure


def test_empty_but_valid_feed_is_fine() -> None:
    platform = feed()
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert platform.parse_body(body) == [] and platform.failure is None


@pytest.mark.parametrize(
    ("cls", "path", "url", "want"),
    [
        (
            MatsSpider,
            "mats/apply.html",
            "https://www.matsprogram.org/apply",
            [
                {
                    "title": "MATS Winter 2027 Cohort",
                    "url": "https://www.matsprogram.org/apply/winter-2027",
                    "locations": ["Berkeley, CA; London, UK"],
                    "deadline": "2026-10-02",
                    "employment_type": "Fellowship",
                },
                {"title": "MATS Extension Phase", "deadline": None, "locations": ["London, UK"]},
            ],
        ),
        (
            GovaiSpider,
            "govai/opportunities.html",
            "https://www.governance.ai/opportunities",
            [
                {
                    "title": "Research Scholar",
                    "url": "https://www.governance.ai/post/research-scholar",
                    "locations": ["Oxford, UK / Remote"],
                    "deadline": "2026-12-01",
                    "employment_type": "Fellowship",
                }
            ],
        ),
        (
            RedwoodSpider,
            "redwood/careers.html",
            "https://www.redwoodresearch.org/careers",
            [
                {
                    "title": "Member of Technical Staff",
                    "url": "https://www.redwoodresearch.org/careers/mts",
                    "locations": ["Berkeley, CA"],
                    "employment_type": "Full-time",
                }
            ],
        ),
    ],
)
def test_bespoke_html_spiders(cls: Any, path: str, url: str, want: list[dict[str, Any]]) -> None:
    spider = cls(source={"key": "k", "org": "Org", "org_type": "program"})
    (req,) = spider.first_requests()
    assert req.url == url and cls.custom_settings["ROBOTSTXT_OBEY"] is True
    items = items_of(spider.parse_listing(response(DATA / path, url, html=True)))
    assert len(items) == len(want)
    for item, w in zip(items, want, strict=True):
        check(item, w)
        assert item.external_id == item.url and item.org == "Org"
    assert spider.is_complete()


def test_bespoke_layout_change_fails_instead_of_closing() -> None:
    spider = MatsSpider(source={"key": "k", "org": "MATS", "url": "https://m/apply"})
    page = response(b"<html><body><p>Redesigned!</p></body></html>", "https://m/apply", html=True)
    assert list(spider.parse_listing(page)) == []
    assert spider.failure and "layout may have changed" in spider.failure
