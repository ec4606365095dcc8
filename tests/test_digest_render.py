"""Golden files of rendered digests (regenerate: UPDATE_GOLDEN=1 pytest tests/test_digest_render.py)
and matching semantics."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from aggregator import clock
from aggregator.db.models import Organization, PostingSource, Source, Subscriber, SubscriberProfile
from aggregator.digest.build import History, digest_message, make_view, plan
from aggregator.digest.render import Renderer
from aggregator.mail.message import parsed
from aggregator.matching.index import PostingIndex
from aggregator.profiles import ProfileInput
from aggregator.settings import Settings
from tests.factories import make_posting

GOLDEN = Path(__file__).parent / "data" / "digest"
NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
VOLATILE = ("Date", "Content-Type")  # Content-Type carries a random boundary


def postings() -> list:  # type: ignore[type-arg]
    seen = NOW - timedelta(days=2)
    alpha = Source(key="alpha-greenhouse", platform="greenhouse")
    items = [
        make_posting(
            id=1, title="Research Engineer, Interpretability", org="Alpha <Lab> & Co",
            skills=["interpretability", "pytorch"], countries=["GB"], remote="hybrid",
            salary_min=90000, salary_max=120000, salary_currency="GBP", salary_period="year",
            first_seen_at=seen, apply_url="https://boards.example.com/alpha/1?a=1&b=2",
        ),
        make_posting(
            id=2, title="Scheming evals <script>alert(1)</script>", org="Beta",
            role="research_scientist", extra_roles=["research_engineer"], skills=["evals"],
            first_seen_at=seen - timedelta(days=1), deadline=NOW + timedelta(days=5),
        ),
        make_posting(
            id=3, title="Safety Fellowship 2027", org="Gamma Institute", role="fellowship",
            extra_roles=["research_engineer"], first_seen_at=seen, remote="remote",
            deadline=NOW + timedelta(days=40),
        ),
        make_posting(id=4, title="Office Manager", org="Beta", role="operations",
                     first_seen_at=seen),
        make_posting(id=5, title="Old RE role", first_seen_at=NOW - timedelta(days=20)),
    ]  # fmt: skip
    items[0].sources = [PostingSource(source=alpha, external_id="1", url="https://x/1")]
    items[0].organization = Organization(slug="alpha", name="Alpha <Lab> & Co")
    return items


def subscriber(**profile: object) -> Subscriber:
    sub = Subscriber(id=42, email="reader@example.org", token_version=1, frequency="weekly")
    sub.profile = SubscriberProfile(**{"roles": [], "skills": [], "locations": [],
        "remote_only": False, "include_orgs": [], "exclude_orgs": [], "keywords": [],
        "exclude_keywords": [], "seniority": [], "min_salary": None, **profile})  # fmt: skip
    return sub


def render(settings: Settings, sub: Subscriber) -> tuple[str, str, str]:
    with clock.fixed(NOW):
        return _render(settings, sub)


def _render(settings: Settings, sub: Subscriber) -> tuple[str, str, str]:
    index = PostingIndex(postings(), now=NOW)
    p = plan(index, ProfileInput.of(sub.profile), NOW - timedelta(days=7), History(), {}, 30)
    view = make_view(settings, sub, "2026-W48", p, index.postings)
    raw = digest_message(settings, sub, "2026-W48", view, Renderer(settings), index.postings)
    msg = parsed(raw)
    headers = "".join(f"{k}: {v}\n" for k, v in msg.items() if k not in VOLATILE)
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return headers, text, html


def check(name: str, actual: str) -> None:
    actual = actual.replace("\r\n", "\n")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert actual == path.read_text(), f"{name} differs (UPDATE_GOLDEN=1 to accept)"


def test_golden_research_engineer(settings: Settings) -> None:
    headers, text, html = render(settings, subscriber(roles=["research_engineer"]))
    check("research_engineer.expected.headers", headers)
    check("research_engineer.expected.txt", text)
    check("research_engineer.expected.html", html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Alpha &lt;Lab&gt; &amp; Co" in html
    assert text.count("Scheming evals") == 1  # closing soon, not repeated
    assert "Old RE role" not in text and "Office Manager" not in text
    assert "@media (prefers-color-scheme: dark)" in html and "background-image" not in html


def test_profile_semantics(settings: Settings) -> None:
    index = PostingIndex(postings(), now=NOW)
    since = NOW - timedelta(days=7)

    def ids(**kw: object) -> list[int]:
        return sorted(m.posting_id for m in index.match(ProfileInput(**kw), since=since))  # type: ignore[arg-type]

    assert ids() == [1, 2, 3, 4]  # empty = any
    assert ids(roles=["operations", "fellowship"]) == [3, 4]  # OR within a facet
    assert ids(roles=["research_engineer"], skills=["evals"]) == [2]  # AND across facets
    assert ids(remote_only=True) == [3]
    assert ids(locations=["GB"]) == [1]
    assert ids(include_orgs=["alpha"]) == [1]
    assert ids(exclude_orgs=["beta"]) == [1, 3]
    assert ids(keywords=["fellowship", "manager"]) == [3, 4]
    assert ids(roles=["research_engineer"], exclude_keywords=["evals"]) == [1, 3]
    assert ids(exclude_keywords=["!!"]) == [1, 2, 3, 4]  # no words: excludes nothing
    assert ids(keywords=["manag"]) == [4] and ids(keywords=["anager"]) == []  # word starts
    assert ids(min_salary=100000) == [1]
    ranked = index.match(ProfileInput(roles=["research_engineer"], skills=["interpretability"]))
    assert ranked[0].posting_id == 1
    assert ranked[0].why == "role: Research engineer; skills: Interpretability"


def test_empty_plan_is_skipped() -> None:
    index = PostingIndex(postings(), now=NOW)
    p = plan(index, ProfileInput(roles=["policy"]), NOW - timedelta(days=7), History(), {}, 30)
    assert p.empty


@pytest.mark.parametrize("cap", [1, 2])
def test_cap_and_see_all_link(settings: Settings, cap: int) -> None:
    index = PostingIndex(postings(), now=NOW)
    sub = subscriber()
    p = plan(index, ProfileInput(), NOW - timedelta(days=7), History(), {}, cap)
    view = make_view(settings, sub, "2026-W48", p, index.postings)
    assert len(p.matches) == cap and view.more and view.total == 4
    assert view.list_url == "https://jobs.example.org/?"


def test_locations_shown_once_and_remote_mode_once() -> None:
    from aggregator.digest.render import locations_line

    raw = ["Remote-Friendly (Travel Required)", "San Francisco, CA",
           "Remote-Friendly (Travel Required)", "san francisco,  CA", "Remote"]  # fmt: skip
    assert locations_line(raw, "remote") == (
        "Remote-Friendly (Travel Required), San Francisco, CA",
        "",  # the first place already says remote
    )
    assert locations_line(["London", "LONDON"], "hybrid") == ("London", "hybrid")
    assert locations_line([], "unspecified") == ("", "")
    assert locations_line(["Remote"], "remote") == ("", "remote")


def test_secondary_role_is_named() -> None:
    index = PostingIndex(postings(), now=NOW)
    why = {m.posting_id: m.why for m in index.match(ProfileInput(roles=["research_engineer"]))}
    assert why[1] == "role: Research engineer"
    assert why[2] == "role: Research engineer (secondary); deadline soon"


def test_top_matches_rank_like_a_full_sort() -> None:
    index = PostingIndex(postings(), now=NOW)
    profile = ProfileInput(skills=["evals", "interpretability"], keywords=["research"])
    full = index.match(profile)
    for n in range(len(full) + 1):
        top, total = index.top(profile, n)
        assert top == full[:n] and total == len(full)
    assert index.count(ProfileInput(seniority=["junior"])) == 0  # alias of "entry"


def test_subject_is_short_and_names_an_employer(settings: Settings) -> None:
    from aggregator.digest.build import subject_line

    forum = make_posting(id=9, title="[Hiring] " + "x" * 300 + "\r\nBcc: a@b", org="EA Forum")
    forum.organization = Organization(slug="ea-forum", name="EA Forum", org_type="board")
    job = make_posting(id=10, title="Research Engineer", org="Redwood Research")
    assert subject_line(14, [forum, job]) == (
        "14 new matches: Research Engineer at Redwood Research and 13 more"
    )
    only_forum = subject_line(2, [forum])
    assert len(only_forum) <= 110 and only_forum.endswith("… and 1 more")
    assert "EA Forum" not in only_forum and "\n" not in only_forum and "\r" not in only_forum
    assert subject_line(1, [job]) == "1 new match: Research Engineer at Redwood Research"
    anthropic = make_posting(id=11, title="Research Engineer", org="Anthropic")
    mats = make_posting(id=12, title="MATS Winter 2027", org="MATS", role="fellowship")
    assert subject_line(7, [anthropic, mats]) == (
        "7 new matches: Research Engineer at Anthropic, MATS Winter 2027 and 5 more"
    )
    assert subject_line(2, [anthropic, mats]) == (
        "2 new matches: Research Engineer at Anthropic and MATS Winter 2027"
    )


def test_link_maker_makes_the_same_links(settings: Settings) -> None:
    from dataclasses import replace

    from aggregator.tokens import link, link_maker, read_token

    for cfg in (settings, replace(settings, secret_key="old-key,new-key")):
        for sid, version in ((7, 3), (1, 1), (123_456_789_012, 40_000)):
            sub = Subscriber(id=sid, token_version=version)
            for purpose in ("manage", "unsubscribe"):
                url = link_maker(cfg, purpose)(sid, version)
                assert url == link(cfg, purpose, sub)
                assert read_token(cfg, purpose, url.rsplit("/", 1)[1]) == sid
    with pytest.raises(ValueError):
        link_maker(settings, "confirm")


def test_ranking_matches_a_brute_force_score() -> None:
    import random

    rng = random.Random(5)
    skills = ["evals", "interpretability", "pytorch", "rl"]
    items = [
        make_posting(id=i, title=rng.choice(["Senior RE", "RE", "Lead scientist"]),
                     role=rng.choice(["research_engineer", "policy"]),
                     skills=rng.sample(skills, rng.randrange(0, 4)),
                     first_seen_at=NOW - timedelta(hours=rng.randrange(1, 100)),
                     deadline=NOW + timedelta(days=rng.randrange(1, 40)))
        for i in range(1, 300)
    ]  # fmt: skip
    index = PostingIndex(items, now=NOW)

    def score(p: Any, profile: ProfileInput) -> tuple[float, float, int]:
        c = index.candidates[p.id]
        if profile.skills and not c.skills & set(profile.skills):
            return (1.0, 0.0, 0)  # not a match
        if profile.keywords and not any(k in c.text for k in profile.keywords):
            return (1.0, 0.0, 0)
        bonus = 5 * (c.deadline is not None and c.deadline <= NOW + timedelta(days=14))
        bonus += 3 * len(c.skills & set(profile.skills))
        bonus += sum(k in c.text for k in profile.keywords)
        return (-bonus, -c.first_seen_at.timestamp(), c.id)

    for _ in range(40):
        profile = ProfileInput(
            skills=rng.sample(skills, rng.randrange(0, 3)),
            keywords=rng.sample(["senior", "lead", "re"], rng.randrange(0, 3)),
        )
        ranked = sorted(items, key=lambda p: score(p, profile))
        expected = [p.id for p in ranked if score(p, profile)[0] <= 0]
        ids, total = index.top_ids(profile, 30)
        assert total == len(expected) and ids == expected[:30]


def test_item_loop_join_matches_jinja_and_escapes_why() -> None:
    from jinja2 import Environment

    from aggregator.digest.render import Section
    from aggregator.mail.templates import Item, ItemLoop

    source = (
        "{% for s in x %}<h2>{{ s }}</h2>\n{% for item in section.items %}\n"
        '<div class="item">{{ item.slot }}\n<p>Why: {{ item.why }}</p>\n</div>\n{% endfor %}'
        "{% endfor %}"
    )
    loop = ItemLoop(source, escape=True, trim_blocks=False)
    items = [Item(1, 'a < b & "c"'), Item(2, "plain")]
    slots = {1: "<h3>One</h3>", 2: "<h3>Two</h3>"}
    env = Environment(autoescape=True)
    jinja_items = [Item(i.posting_id, i.why, Markup(slots[i.posting_id])) for i in items]
    expected = env.from_string(
        "{% for item in section.items %}\n"
        '<div class="item">{{ item.slot }}\n<p>Why: {{ item.why }}</p>\n</div>\n{% endfor %}'
    ).render(section=Section("t", jinja_items))
    assert loop.join(slots, items) == expected
    assert "a &lt; b &amp; &#34;c&#34;" in loop.join(slots, items)
    assert "{{ section.body }}" in loop.source and "item.why" not in loop.source
    text = ItemLoop("{% for item in section.items %}{{ item.slot }}  Why: {{ item.why }}\n\n"
                    "{% endfor %}", escape=False, trim_blocks=True)  # fmt: skip
    assert text.join({1: "One\n"}, [Item(1, "a < b")]) == "One\n  Why: a < b\n\n"
    with pytest.raises(ValueError):
        ItemLoop("{% for item in section.items %}{{ item.why }}{% endfor %}", escape=True,
                 trim_blocks=False)  # fmt: skip
    with pytest.raises(ValueError):
        ItemLoop("{% for item in section.items %}{{ item.slot }}{{ item.why }}{{ item.x }}"
                 "{% endfor %}", escape=True, trim_blocks=False)  # fmt: skip


def test_explain_many_reuses_matches_per_profile_and_forgets_them_on_change() -> None:
    index = PostingIndex(postings(), now=NOW)
    profile = ProfileInput(roles=["research_engineer"], skills=["interpretability"])
    first = index.explain_many([1, 2, 999], profile)
    again = index.explain_many([2, 1], ProfileInput(roles=["research_engineer"],
                                                    skills=["interpretability"]))  # fmt: skip
    assert [m.posting_id for m in first] == [1, 2] and again == [first[1], first[0]]
    other = index.explain_many([1], ProfileInput(roles=["research_engineer"]))
    assert other[0].why != first[0].why
    index.add(make_posting(id=77, title="Research Engineer", first_seen_at=NOW))
    assert [m.posting_id for m in index.explain_many([77, 1], profile)] == [77, 1]


def test_html_is_ascii_before_encoding(settings: Settings) -> None:
    """Fragments, reasons and the template's literal text carry non-ASCII characters
    as character references already, so encoding the body is a plain copy."""
    renderer = Renderer(settings)
    index = PostingIndex(postings(), now=NOW)
    profile = ProfileInput(roles=["research_engineer"])
    p = plan(index, profile, NOW - timedelta(days=7), History(), {}, 30)
    view = make_view(settings, subscriber(roles=["research_engineer"]), "2026-W48", p,
                     index.postings)  # fmt: skip
    body, _ = renderer.render(view, index.postings)
    assert body.isascii() and "&#183;" in body
