"""A small, varied posting set for the web, API and feed tests, plus app/client fixtures.

``seed(session)`` builds organizations, sources, postings with role/skill/country tags,
salaries, deadlines, change history and one hostile posting whose title and description
carry ``<script>`` and ``onerror`` payloads (the description as it would look if the
sanitizer had missed it, so the browser test proves the page does not run it either).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.db.models import Posting, PostingChange, utcnow
from aggregator.settings import Settings
from aggregator.web.app import create_app
from tests.factories import make_org, make_posting

XSS_TITLE = "<script>window.__xss=1;alert('t')</script>Evil <img src=x onerror=alert(1)>"
XSS_HTML = (
    "<p>Great job</p><script>window.__xss=2;alert('d')</script>"
    '<img src=x onerror="window.__xss=3;alert(\'i\')"><a href="javascript:alert(4)">x</a>'
)


@dataclass
class Seeded:
    interp: Posting
    policy: Posting
    fellowship: Posting
    closed: Posting
    evil: Posting
    old: Posting


def seed(session: Session) -> Seeded:
    now = utcnow()
    lab = make_org(session, "example-lab", "Example Lab", "lab")
    gov = make_org(session, "gov-institute", "Gov AI Institute", "government")
    interp = make_posting(
        session,
        title="Research Engineer, Interpretability",
        org="Example Lab",
        organization=lab,
        org_type="lab",
        role="research_engineer",
        skills=["interpretability", "python"],
        countries=["GB"],
        locations=["London, UK"],
        remote="hybrid",
        salary_min=90000,
        salary_max=120000,
        salary_currency="GBP",
        salary_period="year",
        deadline=now + timedelta(days=5),
        first_seen_at=now - timedelta(days=2),
        source_key="example-greenhouse",
        description_html="<p>Work on <strong>mechanistic interpretability</strong>.</p>",
        description_text="Work on mechanistic interpretability.",
        classification={
            "role": "research_engineer",
            "roles": [{"role": "research_engineer", "confidence": 0.92}],
            "evidence": [
                {
                    "label": "role",
                    "value": "research_engineer",
                    "field": "title",
                    "phrase": "research engineer",
                },
                {
                    "label": "skill",
                    "value": "interpretability",
                    "field": "body",
                    "phrase": "mechanistic interpretability",
                },
            ],
        },
    )
    interp.changes = [
        PostingChange(field="deadline", old_value=None, new_value="in 5 days", changed_at=now)
    ]
    policy = make_posting(
        session,
        title="AI Policy Analyst",
        org="Gov AI Institute",
        organization=gov,
        org_type="government",
        role="policy",
        skills=["ai_governance"],
        countries=["US"],
        remote="remote",
        first_seen_at=now - timedelta(days=10),
        source_key="gov-feed",
        description_text="Shape AI governance.",
    )
    fellowship = make_posting(
        session,
        title="Summer Safety Fellowship",
        org="Example Lab",
        organization=lab,
        org_type="lab",
        role="fellowship",
        skills=["python", "alignment_theory"],
        countries=["US", "GB"],
        remote="remote",
        deadline=now + timedelta(days=20),
        first_seen_at=now - timedelta(days=1),
        source_key="example-greenhouse",
        description_text="A fellowship in alignment research, python required.",
    )
    closed = make_posting(
        session,
        title="Old Research Scientist",
        org="Example Lab",
        organization=lab,
        role="research_scientist",
        status="closed",
        first_seen_at=now - timedelta(days=50),
    )
    evil = make_posting(
        session,
        title=XSS_TITLE,
        org="Evil <b>Org</b>",
        role="software_engineer",
        skills=["python"],
        first_seen_at=now - timedelta(days=3),
        description_html=XSS_HTML,
        description_text="evil",
        url="javascript:alert(5)",
        apply_url="javascript:alert(6)",
        deadline=now + timedelta(days=9),
    )
    old = make_posting(
        session,
        title="Operations Manager",
        org="Other Org",
        role="operations",
        first_seen_at=now - timedelta(days=40),
    )
    session.commit()
    return Seeded(interp, policy, fellowship, closed, evil, old)


@pytest.fixture(name="web_settings")
def web_settings_fixture(settings: Settings) -> Settings:
    return replace(settings, subscribe_rate_limit=50)


@pytest.fixture(name="app")
def app_fixture(web_settings: Settings) -> FastAPI:
    return create_app(web_settings)


@pytest.fixture(name="client")
def client_fixture(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(name="seeded")
def seeded_fixture(session: Session) -> Seeded:
    return seed(session)
