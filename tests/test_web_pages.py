"""Server-rendered pages: list with facets and shareable URLs, posting, org, sources, stats."""

from __future__ import annotations

from starlette.testclient import TestClient

from aggregator.web.security import CSP
from tests.web_factories import (  # noqa: F401 - fixtures
    XSS_TITLE,
    Seeded,
    app_fixture,
    client_fixture,
    seeded_fixture,
    web_settings_fixture,
)


def test_list_shows_facets_with_counts_and_feed_links(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/?role=fellowship&role=research_engineer")
    assert page.status_code == 200
    html = page.text
    assert "2 openings" in html
    assert 'name="role" value="fellowship" checked' in html
    assert 'href="/feeds/postings.atom?role=fellowship&amp;role=research_engineer"' in html
    assert 'href="/feeds/deadlines.ics?role=fellowship&amp;role=research_engineer"' in html
    assert 'href="/subscribe?role=fellowship&amp;role=research_engineer"' in html
    assert '<span class="count">1</span>' in html


def test_every_filter_is_a_shareable_url(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/?skill=python&remote=remote&q=fellowship&posted_within=7").text
    assert "1 opening" in html and "Summer Safety Fellowship" in html
    assert "Research Engineer, Interpretability" not in html


def test_bad_filter_is_a_page_not_a_500(client: TestClient) -> None:
    page = client.get("/?role=astronaut")
    assert page.status_code == 422
    assert "unknown role" in page.text and "<html" in page.text


def test_pagination_links(client: TestClient, session) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_posting

    for i in range(25):
        make_posting(session, title=f"Role {i}")
    session.commit()
    first = client.get("/?role=research_engineer")
    assert 'rel="next"' in first.text
    next_url = first.text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url)
    assert second.status_code == 200 and "First page" in second.text


def test_security_headers_and_escaping(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/")
    assert page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert "<script>window.__xss" not in page.text
    assert "&lt;script&gt;" in page.text
    detail = client.get(f"/postings/{seeded.evil.id}").text
    assert "<script>window.__xss=1" not in detail  # the title is escaped
    assert 'href="javascript:' not in detail  # scraped URLs must be http(s)
    assert "<title>&lt;script&gt;" in detail
    assert XSS_TITLE not in detail


def test_posting_page_has_evidence_sources_history(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/postings/{seeded.interp.id}").text
    assert "<strong>mechanistic interpretability</strong>" in html  # sanitized HTML kept
    # Confidence and evidence sit behind a disclosure, in a visitor's words.
    why = html.split('<details class="why">')[1].split("</details>")[0]
    assert "<summary>Why these tags?</summary>" in why
    assert "how sure: 92%" in why and "“research engineer” in the title" in why
    assert "“mechanistic interpretability” in the description" in why
    assert "confidence" not in html.split('<details class="why">')[0]
    # The source shows as its organization, not its key.
    listed = html.split("<h2>Listed by</h2>")[1].split("</ul>")[0]
    assert "Example Lab" in listed and "example-greenhouse" not in listed
    for internal in ("facet", "Q:", "(body)", "eighty_k"):
        assert internal not in html.split("<main")[1], internal
    assert "Change history" in html
    assert "£90,000–£120,000 a year" in html
    assert "Apply on the organization" in html
    assert client.get("/postings/424242").status_code == 404
    assert client.get("/postings/abc").status_code == 422


def test_org_sources_stats_pages(client: TestClient, seeded: Seeded) -> None:
    org = client.get("/orgs/example-lab")
    assert org.status_code == 200 and "Summer Safety Fellowship" in org.text
    assert client.get("/orgs/nope").status_code == 404
    assert client.get("/orgs/%00bad").status_code in (404, 422)
    sources = client.get("/sources")
    assert "example-greenhouse" in sources.text and "gov-feed" in sources.text
    stats = client.get("/stats")
    assert stats.status_code == 200
    assert stats.text.count('<svg class="chart"') == 3
    assert "<rect" in stats.text


def test_htmx_and_css_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert '<script src="/static/htmx.min.js"' in html
    assert '"includeIndicatorStyles": false' in html
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert " style=" not in html  # CSP forbids inline styles


def test_filters_people_use(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/").text
    # Roles and skills in groups, all visible (no scroll box), with counts.
    assert '<details class="facet full" open>' in html
    assert "<legend>Jobs</legend>" in html and "<legend>Programs</legend>" in html
    assert "<legend>Research areas</legend>" in html
    # Education, ML experience and AI-safety focus filters; countries by name.
    assert 'name="phd_required"' in html and 'name="ml_experience_required"' in html
    assert 'name="relevance"' in html
    assert ">United Kingdom<" in html and ">GB<" not in html
    # Organizations: a type-ahead over every organization.
    assert 'list="org-options"' in html and '<datalist id="org-options">' in html
    assert "facet" not in html.split("<main", 1)[1].replace('class="facet', "")


def test_counts_agree_between_list_filter_and_stats(client: TestClient, seeded: Seeded) -> None:
    api = client.get("/api/facets").json()
    listed = client.get("/api/postings?limit=100").json()["items"]
    assert api["total"] == len(listed)
    roles = {v["value"]: v["count"] for v in api["role"]}
    for role, n in roles.items():
        assert len([p for p in listed if role in p["roles"]]) == n
    stats = client.get("/stats").text
    assert f"<strong>{api['total']}</strong> open postings" in stats
    orgs = len(api["org"])
    assert f"<strong>{orgs}</strong> organizations hiring" in stats


def test_search_sorts_by_best_match_until_another_order_is_picked(
    client: TestClient, seeded: Seeded
) -> None:
    html = client.get("/?q=interp").text
    # The default order's option sends nothing, so typing a search switches to best match.
    assert '<option value="" selected>Best match</option>' in html
    assert '<option value="newest" >Newest</option>' in html
    assert "Research Engineer, Interpretability" in html  # "interp": prefix and synonym
    html = client.get("/?q=interp&sort=newest").text
    assert '<option value="newest" selected>Newest</option>' in html
    assert '<option value="" >Best match</option>' in html  # back to the default
    html = client.get("/").text
    assert '<option value="" selected>Newest</option>' in html
