"""Forum announcements point to the thing itself: merged with the employer's posting by
the page they link to (tracking parameters stripped), else shown under the organization
they announce with its page as the apply link; the forum stays a source."""

from __future__ import annotations

from datetime import UTC, datetime

import classifier_stub
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Organization, Posting, Source
from aggregator.items import RawPosting
from aggregator.normalize.announcements import apply_link, is_opportunity
from aggregator.normalize.urls import canonical_url
from aggregator.settings import Settings
from aggregator.store.ingest import ingest_items
from aggregator.web.app import create_app

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
POST = "https://forum.effectivealtruism.org/posts/Hire456/we-re-hiring"
LEVER = "https://jobs.lever.co/apollo/123"


@pytest.fixture(autouse=True)
def _classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    classifier_stub.install(monkeypatch)


@pytest.fixture
def sources(session: Session) -> tuple[Source, Source]:
    apollo = Organization(slug="apollo-research", name="Apollo Research", org_type="nonprofit",
                          homepage="https://www.apolloresearch.ai")  # fmt: skip
    forum_org = Organization(slug="ea-forum", name="EA Forum", org_type="board")
    lever = Source(key="lever:apollo", platform="lever", organization=apollo)
    forum = Source(key="ea_forum", platform="feed", organization=forum_org)
    session.add_all([lever, forum])
    session.commit()
    return lever, forum


def forum_item(body_link: str, title: str = "We're hiring research engineers") -> RawPosting:
    return RawPosting(
        source_key="ea_forum", external_id=POST, org="EA Forum", title=title, url=POST,
        apply_url=apply_link(f'<p>See <a href="https://x.com/apollo">us</a>; apply '
                             f'<a href="{body_link}">here</a>.</p>', POST),
        description_html="<p>Apollo Research is hiring a research engineer.</p>",
        extras={"feed_type": "forum", "via": "EA Forum"},
    )  # fmt: skip


def lever_item() -> RawPosting:
    return RawPosting(source_key="lever:apollo", external_id="123", org="Apollo Research",
                      title="Research Engineer", url=LEVER,
                      description_html="<p>Evals research.</p>")  # fmt: skip


def test_apply_link_skips_forums_social_media_and_papers() -> None:
    body = (
        '<a href="https://forum.effectivealtruism.org/posts/1">x</a>'
        '<a href="https://twitter.com/a">t</a><a href="https://arxiv.org/abs/1">p</a>'
        '<a href="mailto:a@b.org">m</a><a href="https://www.matsprogram.org/apply">apply</a>'
    )
    assert apply_link(body, POST) == "https://www.matsprogram.org/apply"
    assert apply_link("<p>no links</p>", POST) is None
    assert apply_link("", POST) is None


def test_canonical_urls_through_w3lib_keep_the_project_rules() -> None:
    assert canonical_url(f"{LEVER}/apply?utm_source=ea&lever-source=x#top") == LEVER
    assert canonical_url("HTTP://WWW.Example.org:80//a/./b/?z=1&a=%7e") == (
        "https://example.org/a/b?a=~&z=1"
    )
    assert canonical_url("https://job-boards.greenhouse.io/acme/jobs/1") == (
        "https://boards.greenhouse.io/acme/jobs/1"
    )
    assert canonical_url("not a url") == "not a url"


@pytest.mark.parametrize("forum_first", [True, False], ids=["forum-first", "employer-first"])
def test_announcement_merges_with_the_employer_posting(
    session: Session, sources: tuple[Source, Source], forum_first: bool
) -> None:
    lever, forum = sources
    runs = [(forum, forum_item(LEVER + "?utm_source=ea_forum")), (lever, lever_item())]
    for source, item in runs if forum_first else runs[::-1]:
        result = ingest_items(session, source, [item], complete=False, now=NOW)
        assert result.errors == 0, result.error_messages
        session.commit()
    (posting,) = session.scalars(select(Posting)).all()
    assert posting.org_name == "Apollo Research" and posting.url == LEVER
    assert posting.title == "Research Engineer"  # the employer's own listing wins
    assert sorted(ps.source.key for ps in posting.sources) == ["ea_forum", "lever:apollo"]


def test_unmatched_announcement_shows_the_organization_and_its_page(
    session: Session, sources: tuple[Source, Source], settings: Settings
) -> None:
    _, forum = sources
    ingest_items(session, forum, [forum_item("https://www.apolloresearch.ai/careers?ref=ea")],
                 complete=False, now=NOW)  # fmt: skip
    session.commit()
    (posting,) = session.scalars(select(Posting)).all()
    assert posting.org_name == "Apollo Research"  # not "EA Forum"
    assert posting.apply_url == "https://www.apolloresearch.ai/careers"  # tracking stripped
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/postings/{posting.id}").text
    assert 'href="https://www.apolloresearch.ai/careers"' in page
    assert "announced on" in page and f'href="{POST}"' in page and "EA Forum</a>" in page


# Keyword traps (GUIDELINE: the post itself announces something open to apply to), in
# sentences written here.
@pytest.mark.parametrize(
    ("title", "body"),
    [
        # A list, calendar or board of many opportunities is where to find them.
        ("A calendar of alignment workshops and schools",
         "June: application deadline for a summer school in Prague. July: a workshop."),
        ("A list of safety programs you can apply to",
         "Programs, fellowships and courses with their usual deadlines."),
        ("Introducing a board for impactful jobs",
         "Anyone can submit listings, and you can sign up for email alerts."),
        # "We are not hiring", advice on applying, a round's results.
        ("We are not hiring right now", "We are not currently hiring; we will post when we are."),
        ("Advice for applying to safety fellowships",
         "Having read many applications: apply early and be concrete. Deadlines are strict."),
        ("Announcing the grantees of our spring round",
         "We are happy to share the recipients of this round's funding."),
        # Topic words and the technical verb are not a call.
        ("The role of interpretability in alignment",
         "We apply sparse probing to three models and discuss applications to monitoring."),
        ("Hiring is the bottleneck for safety teams",
         "Teams struggle to evaluate applications; mentorship is scarce."),
    ],
)  # fmt: skip
def test_posts_about_opportunities_are_not_announcements(title: str, body: str) -> None:
    assert not is_opportunity(title, body).value


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Our team is hiring a research engineer",
         "Apply here by May 3. The role is also on a job board."),
        ("Hiring research engineers for evaluations",
         "Our lab is hiring. You can apply on our website."),
        ("Positions in safety research", "Applications are open until June 1."),
        ("Hiring: operations manager", "Applications are reviewed weekly."),
    ],
)  # fmt: skip
def test_calls_stay_announcements(title: str, body: str) -> None:
    assert is_opportunity(title, body).value


def test_a_title_naming_opportunities_needs_the_body_unless_it_is_a_call() -> None:
    essay = "I think selection is noisy and good people are lost."
    assert not is_opportunity("Fellowship programs are too selective", essay).value
    assert is_opportunity("Fellowship programs for the summer", "Applications are open.").value
    assert is_opportunity("Apply for the Example Fund", essay).value  # the title is a call
    assert is_opportunity("Announcing the Example Residency").value  # no body: the title decides


@pytest.mark.parametrize(
    "call",
    [
        "If you are interested, please email the organisers.",
        "Successful applicants will be paired with a mentor; participants will receive a grant.",
        "Participants will receive a stipend and we will cover travel.",
    ],
)
def test_what_happens_to_a_reader_who_answers_makes_a_call(call: str) -> None:
    body = "A spring sprint on evaluations. The application takes ten minutes."
    assert not is_opportunity("Spring sprint", body).value
    assert is_opportunity("Spring sprint", f"{body} {call}").value


def test_opinion_and_first_person_titles_are_essays() -> None:
    story = "I started the fellowship in June. The application process was long."
    assert not is_opportunity("My first month as a research fellow", story).value
    opinion = "The fellowship launched last month. Fellows get a stipend; I find it low."
    assert not is_opportunity("Thoughts on the new safety fellowship", opinion).value
    # ... but a person hiring in their own name is still a call.
    hiring = "Part-time. Send your CV by email."
    assert is_opportunity("I'm hiring a research assistant", hiring).value


def test_a_short_post_offering_pay_supports_its_title() -> None:
    paid = "A paid summer internship on evaluations with our engineers. $6,500/month, remote."
    assert is_opportunity("Internship opportunity: evaluations", paid).value
    assert not is_opportunity("Opportunities and risks of agents", "Agents will do much.").value
