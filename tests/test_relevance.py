"""Relevance as a filter everyone uses: core and adjacent by default in lists, counts,
facets, the CLI and digests; "core" narrows, "all" widens; web and digests agree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from aggregator.cli.main import app as cli
from aggregator.matching.index import PostingIndex
from aggregator.profiles import ProfileInput, profile_filter, validate_profile
from aggregator.search import PostingFilter, search_postings
from aggregator.settings import Settings
from aggregator.web.app import create_app
from tests.factories import make_posting


@pytest.fixture
def postings(session: Session) -> None:
    make_posting(session, title="Interpretability Researcher", safety_relevance="core")
    make_posting(session, title="ML Infrastructure Engineer", safety_relevance="adjacent")
    make_posting(session, title="Enterprise Account Executive", safety_relevance="none",
                 role="operations")  # fmt: skip
    session.commit()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def api_titles(client: TestClient, query: str = "") -> list[str]:
    response = client.get("/api/postings" + query)
    assert response.status_code == 200, response.text
    return sorted(p["title"] for p in response.json()["items"])


CORE, ADJ, NONE = (
    "Interpretability Researcher",
    "ML Infrastructure Engineer",
    ("Enterprise Account Executive"),
)


@pytest.mark.usefixtures("postings")
def test_default_hides_off_topic_and_one_parameter_widens(client: TestClient) -> None:
    assert api_titles(client) == sorted([ADJ, CORE])
    assert api_titles(client, "?relevance=core") == [CORE]
    assert api_titles(client, "?relevance=none") == [NONE]
    assert api_titles(client, "?relevance=all") == sorted([CORE, ADJ, NONE])
    assert api_titles(client, "?relevance=core&relevance=none") == sorted([CORE, NONE])
    assert client.get("/api/postings?relevance=maybe").status_code == 422
    facets = client.get("/api/facets").json()["relevance"]
    assert {v["value"]: (v["count"], v["selected"]) for v in facets} == {
        "core": (1, True), "adjacent": (1, True), "none": (1, False),
    }  # fmt: skip
    page = client.get("/").text
    assert "2 openings" in page or ">2<" in page
    assert "Enterprise Account Executive" not in page
    assert "Enterprise Account Executive" in client.get("/?relevance=all").text


@pytest.mark.usefixtures("postings")
def test_cli_postings_relevance(settings: Settings) -> None:
    def run(*args: str) -> str:
        env = {"AISAFETY_JOBS_DATA_DIR": settings.data_dir, "COLUMNS": "200"}
        result = CliRunner().invoke(
            cli, ["--db", settings.database_url, "postings", "--json", *args], env=env
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert NONE not in run() and CORE in run() and ADJ in run()
    assert run("--relevance", "core").count("\n") == 1
    assert NONE in run("--relevance", "all")


@pytest.mark.usefixtures("postings")
@pytest.mark.parametrize(
    ("relevance", "expected"), [([], 2), (["core"], 1), (["adjacent", "none"], 2), (["all"], 3)]
)
def test_web_filter_and_digest_matching_agree(
    session: Session, relevance: list[str], expected: int
) -> None:
    profile = validate_profile(ProfileInput(relevance=relevance))
    web = search_postings(session, profile_filter(profile), limit=50).items
    index = PostingIndex.load(session)
    digest = [m.posting_id for m in index.match(profile)]
    assert sorted(p.id for p in web) == sorted(digest)
    assert len(web) == expected


def test_profile_relevance_is_validated_and_described() -> None:
    from aggregator.errors import UserError
    from aggregator.profiles import describe_profile

    assert validate_profile(ProfileInput(relevance=["core", "adjacent"])).relevance == []
    assert validate_profile(ProfileInput(relevance=["all"])).relevance == [
        "core", "adjacent", "none",
    ]  # fmt: skip
    described = describe_profile(validate_profile(ProfileInput(relevance=["Core"])))
    assert described == ["relevance: Core AI safety"]
    with pytest.raises(UserError, match="unknown relevance 'maybe'"):
        validate_profile(ProfileInput(relevance=["maybe"]))
    assert PostingFilter().relevance == []
