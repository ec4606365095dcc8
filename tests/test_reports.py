"""Report a problem: each posting page has the form (no account, CSRF-protected,
rate-limited); reports queue for maintainers ('reports list|resolve'); "expired" or
"broken link" from two different visitors hides the posting until a maintainer decides."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from aggregator.cli.main import app as cli
from aggregator.settings import Settings
from aggregator.web.app import create_app
from tests.factories import make_posting

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def visitor(app: FastAPI, ip: str) -> TestClient:
    return TestClient(app, client=(ip, 50000))


def send_report(client: TestClient, pid: int, kind: str) -> int:
    page = client.get(f"/postings/{pid}").text
    assert "report:" in page and 'value="broken_link"' in page
    token = CSRF.search(page)
    assert token is not None
    return client.post(
        f"/postings/{pid}/report", data={"csrf_token": token.group(1), "kind": kind}
    ).status_code


def listed(client: TestClient) -> list[str]:
    return [p["title"] for p in client.get("/api/postings").json()["items"]]


def cli_run(settings: Settings, *args: str) -> str:
    env = {"AISAFETY_JOBS_DATA_DIR": settings.data_dir, "COLUMNS": "200"}
    result = CliRunner().invoke(cli, ["--db", settings.database_url, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_two_visitors_hide_and_a_maintainer_decides(session: Session, settings: Settings) -> None:
    pid = make_posting(session, title="Research Engineer").id
    session.commit()
    app = create_app(settings)
    with visitor(app, "10.0.0.1") as one, visitor(app, "10.0.0.2") as two:
        assert one.post(f"/postings/{pid}/report", data={"kind": "expired"}).status_code == 403
        assert send_report(one, pid, "expired") == 200
        assert send_report(one, pid, "expired") == 200  # the same visitor counts once
        assert listed(one) == ["Research Engineer"]
        assert send_report(two, pid, "wrong_tags") == 200  # not a hiding kind
        assert listed(one) == ["Research Engineer"]
        assert send_report(two, pid, "broken_link") == 200
        assert listed(one) == []  # two visitors: hidden until a maintainer decides
        assert "under review" in one.get(f"/postings/{pid}").text
        assert send_report(two, pid, "bogus") == 422
    rows = [
        json.loads(line) for line in cli_run(settings, "reports", "list", "--json").splitlines()
    ]
    assert sorted(r["kind"] for r in rows) == ["broken_link", "expired", "wrong_tags"]
    assert all(r["hidden"] for r in rows)
    assert "resolved 3 report(s)" in cli_run(
        settings, "reports", "resolve", str(rows[0]["id"]), "--decision", "keep"
    )
    assert cli_run(settings, "reports", "list").strip() == "no reports waiting"
    with visitor(app, "10.0.0.3") as three:
        assert listed(three) == ["Research Engineer"]


def test_reports_are_rate_limited(session: Session, settings: Settings) -> None:
    pid = make_posting(session, title="Research Engineer").id
    session.commit()
    app = create_app(replace(settings, report_rate_limit=2))
    with visitor(app, "10.0.0.9") as client:
        assert [send_report(client, pid, "expired") for _ in range(3)] == [200, 200, 429]


def test_close_decision_closes(session: Session, settings: Settings) -> None:
    pid = make_posting(session, title="Gone").id
    session.commit()
    app = create_app(settings)
    for ip in ("10.1.0.1", "10.1.0.2"):
        with visitor(app, ip) as client:
            send_report(client, pid, "expired")
    out = cli_run(settings, "reports", "list", "--json")
    first = json.loads(out.splitlines()[0])
    cli_run(settings, "reports", "resolve", str(first["id"]), "--decision", "close")
    with visitor(app, "10.1.0.3") as client:
        rows = client.get("/api/postings?status=closed").json()["items"]
    assert [(p["title"], p["status"]) for p in rows] == [("Gone", "closed")]
