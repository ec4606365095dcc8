"""The JSON API: filters, keyset pagination, bounded parameters, detail, facets, export."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from tests.factories import make_posting
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_lists_open_postings_newest_first(client: TestClient, seeded: Seeded) -> None:
    got = titles(client.get("/api/postings"))
    assert got[0] == "Summer Safety Fellowship"
    assert "Old Research Scientist" not in got
    assert len(got) == 5


def test_role_and_skill_filters_or_within_and_across(client: TestClient, seeded: Seeded) -> None:
    got = titles(client.get("/api/postings?role=research_engineer&role=fellowship"))
    assert set(got) == {"Research Engineer, Interpretability", "Summer Safety Fellowship"}
    query = "role=research_engineer&role=fellowship&skill=alignment_theory"
    got = titles(client.get(f"/api/postings?{query}"))
    assert got == ["Summer Safety Fellowship"]
    got = titles(client.get("/api/postings?skill=python&country=gb"))
    assert set(got) == {"Research Engineer, Interpretability", "Summer Safety Fellowship"}


def test_text_org_remote_salary_deadline(client: TestClient, seeded: Seeded) -> None:
    assert titles(client.get("/api/postings?q=Interpretability mechanistic")) == [
        "Research Engineer, Interpretability"
    ]
    assert titles(client.get("/api/postings?org=gov-institute")) == ["AI Policy Analyst"]
    assert titles(client.get("/api/postings?org_type=government")) == ["AI Policy Analyst"]
    assert set(titles(client.get("/api/postings?remote=remote"))) == {
        "AI Policy Analyst",
        "Summer Safety Fellowship",
    }
    assert titles(client.get("/api/postings?has_salary=true")) == [
        "Research Engineer, Interpretability"
    ]
    got = titles(client.get("/api/postings?deadline_within=7"))
    assert got == ["Research Engineer, Interpretability"]
    got = titles(client.get("/api/postings?sort=deadline&limit=3"))
    assert got[0] == "Research Engineer, Interpretability"
    assert "Operations Manager" not in titles(client.get("/api/postings?posted_within=30"))
    assert len(titles(client.get("/api/postings?status=all"))) == 6


def test_relevance_sort_puts_title_matches_first(client: TestClient, seeded: Seeded) -> None:
    # "research" is in one title and in a newer posting's description: the title wins.
    got = titles(client.get("/api/postings?q=research&sort=relevance&limit=1"))
    assert got == ["Research Engineer, Interpretability"]
    newest = titles(client.get("/api/postings?q=research&sort=newest&limit=1"))
    assert newest == ["Summer Safety Fellowship"]
    # A search without a sort ranks by relevance; without words, newest first.
    assert titles(client.get("/api/postings?q=research&limit=1")) == got
    assert titles(client.get("/api/postings?q=...&limit=1")) == ["Summer Safety Fellowship"]
    page = client.get("/api/postings?q=research&sort=relevance&limit=1").json()
    url = f"/api/postings?q=research&sort=relevance&limit=1&cursor={page['next_cursor']}"
    assert titles(client.get(url)) == ["Summer Safety Fellowship"]


@pytest.mark.parametrize("sort", ["newest", "deadline"])
def test_keyset_pagination_visits_every_posting_once(
    client: TestClient, session, sort: str
) -> None:  # type: ignore[no-untyped-def]
    for i in range(23):
        make_posting(session, title=f"Posting {i:02d}")
    session.commit()
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        url = f"/api/postings?limit=5&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 23 == len(set(seen))


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzEsMl0", "cursor"),  # valid base64 JSON, wrong shape
        ("cursor=WyIyMDI2LTAxLTAxIiwgOTk5OTk5OTk5OTk5OTk5OTk5OTldCg", "cursor"),
        ("sort=random", "sort"),
        ("q=" + "x" * 201, "q"),
        ("limit=1000000000", "limit"),
        ("limit=0", "limit"),
        ("role=reserch_engineer", "research_engineer"),
        ("remote=moon", "remote"),
        ("status=deleted", "status"),
        ("posted_within=-1", "posted_within"),
        ("posted_within=99999999999999999999", "posted_within"),
        ("min_salary=nan", "min_salary"),
        ("country=Narnia", "country"),
        ("q=a%00b", "q"),
    ],
)
def test_invalid_parameters_answer_422_with_a_message(
    client: TestClient, seeded: Seeded, query: str, needle: str
) -> None:
    response = client.get(f"/api/postings?{query}")
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and needle in detail


def test_hundred_repeated_skills_are_refused(client: TestClient, seeded: Seeded) -> None:
    query = "&".join(f"skill=s{i}" for i in range(100))
    response = client.get(f"/api/postings?{query}")
    assert response.status_code == 422
    assert "at most" in response.json()["detail"]


def test_posting_detail(client: TestClient, seeded: Seeded) -> None:
    body = client.get(f"/api/postings/{seeded.interp.id}").json()
    assert body["title"] == "Research Engineer, Interpretability"
    assert body["skills"] == ["interpretability", "python"]
    assert body["listings"][0]["source"] == "example-greenhouse"
    assert body["changes"][0]["field"] == "deadline"
    assert body["org_slug"] == "example-lab"
    assert body["web_url"].startswith("https://jobs.example.org/postings/")
    assert client.get("/api/postings/999999").status_code == 404
    assert client.get("/api/postings/99999999999999999999").status_code == 422


def test_facets_count_other_filters(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/facets?role=fellowship").json()
    roles = {v["value"]: v for v in body["role"]}
    # Disjunctive: role counts ignore the role filter itself.
    assert roles["research_engineer"]["count"] == 1
    assert roles["fellowship"]["selected"] is True
    skills = {v["value"]: v["count"] for v in body["skill"]}
    assert skills == {"python": 1, "alignment_theory": 1}
    assert body["has_salary"] == 0


def test_sources_health(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/sources").json()
    keys = {s["key"]: s for s in body}
    assert keys["example-greenhouse"]["postings"] == 2


def test_jsonl_export_streams_every_matching_posting(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/api/postings.jsonl?status=all")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == 6
    assert client.get("/api/postings.jsonl?role=nope").status_code == 422


def test_openapi_documents_models_and_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/api/postings"]["get"]
    assert "422" in op["responses"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PostingPage"
    )
    names = {p["name"] for p in op["parameters"]}
    assert {"role", "skill", "q", "cursor", "limit", "sort"} <= names
    assert not any(path.startswith("/subscribe") for path in schema["paths"])
