"""The API's own documentation: a reference page that needs no network, a described
OpenAPI document that lists the feeds, totals, and refusal of unknown parameters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from aggregator.web.api_docs import type_text
from tests.web_factories import (  # noqa: F401 - fixtures
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, m, op) for path, ops in spec["paths"].items() for m, op in ops.items()]


def _walk(schema: Any, where: str, missing: list[str]) -> None:
    """Every property of every (nested) object schema must say what it is."""
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if not str(prop.get("description", "")).strip():
                missing.append(f"{where}.{name}")
            _walk(prop, f"{where}.{name}", missing)
        for key in ("items", "anyOf", "allOf", "oneOf", "additionalProperties"):
            _walk(schema.get(key), where, missing)
    elif isinstance(schema, list):
        for item in schema:
            _walk(item, where, missing)


def test_every_field_and_parameter_is_described(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    missing: list[str] = []
    for name, schema in spec["components"]["schemas"].items():
        _walk(schema, name, missing)
    for path, method, op in _operations(spec):
        for param in op.get("parameters", []):
            if not str(param.get("description", "")).strip():
                missing.append(f"{method.upper()} {path} ?{param['name']}")
        for status, response in op["responses"].items():
            if not response.get("description"):
                missing.append(f"{method.upper()} {path} -> {status}")
    assert not missing, missing
    assert spec["components"]["schemas"]["PostingRecord"]["properties"]["title"]["description"]


def test_feeds_and_export_are_in_the_spec(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    media = {
        path: set(op["get"]["responses"]["200"]["content"]) for path, op in spec["paths"].items()
    }
    assert media["/feeds/postings.atom"] == {"application/atom+xml"}
    assert media["/feeds/deadlines.ics"] == {"text/calendar"}
    assert media["/api/postings.jsonl"] == {"application/x-ndjson"}
    # The feeds take the list's filters.
    names = {p["name"] for p in spec["paths"]["/feeds/postings.atom"]["get"]["parameters"]}
    assert {"role", "skill", "q", "country"} <= names


def test_reference_page_renders_without_network(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.text
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        assert f"{path}</code>" in html, path
    assert "PostingRecord" in html and "How many postings match the filter" in html
    # Nothing loaded from elsewhere, no inline script (the CSP allows neither).
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/htmx.min.js" defer>']
    assert "'self'" in response.headers["content-security-policy"]


def test_type_text_reads_like_prose() -> None:
    assert type_text({"type": "array", "items": {"type": "string"}}) == "list of string"
    assert type_text({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}) == (
        "X or null"
    )
    assert type_text({"enum": ["a", "b"]}) == "one of: a, b"


def test_list_has_total_of_all_pages(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/api/postings?limit=2").json()
    assert len(page["items"]) == 2
    assert page["total"] == 5
    assert client.get("/api/postings?role=fellowship").json()["total"] == 1
    assert client.get("/api/postings?status=all&limit=1").json()["total"] == 6
    assert (
        client.get("/api/postings?limit=2").json()["total"]
        == client.get("/api/facets").json()["total"]
    )


@pytest.mark.parametrize("bogus", ["phd=no", "skils=python", "page=2"])
def test_unknown_parameters_are_refused_everywhere(
    app: FastAPI, client: TestClient, seeded: Seeded, bogus: str
) -> None:
    spec = client.get("/openapi.json").json()
    for path, method, _ in _operations(spec):
        url = path.replace("{posting_id}", str(seeded.interp.id))
        assert client.request(method, url).status_code == 200, url
        response = client.request(method, f"{url}?{bogus}")
        assert response.status_code == 422, url
        assert repr(bogus.split("=")[0]) in response.json()["detail"], url


def test_known_parameters_still_pass(client: TestClient, seeded: Seeded) -> None:
    for url in (
        "/api/postings?phd_required=no&cursor=&limit=5",
        "/api/facets?ml_experience_required=yes",
        "/feeds/postings.atom?role=fellowship",
        "/feeds/deadlines.ics?q=safety",
        "/api/postings.jsonl?skill=python",
    ):
        response = client.get(url)
        assert response.status_code in (200, 422), url
        if response.status_code == 422:
            assert "unknown parameter" not in response.text, url
