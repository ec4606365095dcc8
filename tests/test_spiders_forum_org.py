"""The hiring organization in forum post titles (forum feeds carry the forum as org)."""

from __future__ import annotations

import pytest

from spiders.feed import FeedSpider
from spiders.forum_org import hiring_org

CASES = [
    ("We're hiring: research engineers at Apart Research", "Apart Research"),
    ("Apollo Research is hiring for evals", "Apollo Research"),
    ("[Job] Research Engineer at Redwood Research", "Redwood Research"),
    ("Apart Research: We are hiring!", "Apart Research"),
    ("METR is looking for ML engineers", "METR"),
    ("Join Conjecture as a research engineer", "Conjecture"),
    ("Research Engineer at Anthropic (London)", "Anthropic"),
    ("UK AISI is hiring a Head of Policy", "UK AISI"),
    ("[Hiring] Senior Engineer at FAR.AI, Berkeley", "FAR.AI"),
    ("Hiring at CAIS — research scientist", "CAIS"),
    ("The Centre for the Governance of AI is hiring", "Centre for the Governance of AI"),
    ("[Job] Operations Lead (remote) at Constellation", "Constellation"),
    # No employer named: the caller keeps the forum.
    ("Why I left my job at OpenAI", None),
    ("What I learned at DeepMind", None),
    ("Applications open for MATS Winter 2026", None),
    ("We are hiring", None),
    ("Apply by Friday at noon", None),
    ("Talk at EA Global: hiring in AI safety", None),
    ("apollo research is hiring", None),
    ("", None),
]


@pytest.mark.parametrize(("title", "org"), CASES)
def test_hiring_org(title: str, org: str | None) -> None:
    assert hiring_org(title) == org


def test_hostile_titles_never_raise() -> None:
    assert hiring_org("A" * 100_000 + " is hiring") is None  # longer than any name
    assert hiring_org(None) is None  # type: ignore[arg-type]
    assert hiring_org("[" * 500 + "Job] X at Y Z") in (None, "Y Z")


FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>EA Forum</title>
<item><title>Apollo Research is hiring research engineers</title>
<link>https://forum.example.org/posts/a1/apollo</link><guid>a1</guid></item>
<item><title>Applications open: Example Fellowship</title>
<link>https://forum.example.org/posts/b2/fellowship</link><guid>b2</guid></item>
</channel></rss>"""


def test_forum_feed_names_the_employer_and_keeps_the_forum_as_via() -> None:
    source = {"key": "eaf", "org": "EA Forum", "org_type": "board", "url": "https://f/x"}
    items = FeedSpider(source={**source, "options": {"feed_type": "forum"}}).parse_body(FEED)
    assert [i.org for i in items] == ["Apollo Research", "EA Forum"]
    assert all(i.extras["via"] == "EA Forum" and i.source_key == "eaf" for i in items)
    ats = FeedSpider(source={**source, "options": {"feed_type": "ats"}}).parse_body(FEED)
    assert [i.org for i in ats] == ["EA Forum", "EA Forum"]  # an ATS feed is the employer
