"""Shared links ("submit an opportunity"): fetch from 127.0.0.1, the moderation queue and
its CLI, rejected links staying out, merging with a later crawl, and fetch errors as one
line. The web form and the admin page: ``tests/test_web_submissions.py``."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from aggregator import clock
from aggregator.cli.main import app
from aggregator.crawl.runner import crawl_sources, fetch_sources
from aggregator.crawl.submit import page_source, share_link
from aggregator.db.models import Posting, Submission
from aggregator.items import RawPosting
from aggregator.settings import Settings
from aggregator.store.employers import source_name
from aggregator.store.submissions import (
    COMMUNITY_NAME,
    SubmissionRefused,
    approve,
    community_source,
    edit,
    reject,
)
from tests.crawl_server import Reply, registry, serve
from tests.test_crawl_e2e import ROBOTS, cli_env

__all__ = ["cli_env"]

HTML = "text/html; charset=utf-8"
JOB_PAGE = b"""<html><head><title>Research Engineer, Interpretability | Example Lab</title>
<meta property="og:site_name" content="Example Lab"></head>
<body><nav>Home</nav><main><h1>Research Engineer, Interpretability</h1>
<p>Build tools for mechanistic interpretability research on large language models.</p>
<p>Apply by 31 January 2027.</p></main></body></html>"""


def json_ld_page(job: dict[str, object]) -> bytes:
    block = json.dumps({"@context": "https://schema.org", "@type": "JobPosting", **job})
    return f"""<html><head><script type="application/ld+json">{block}</script></head>
    <body><p>See the posting.</p></body></html>""".encode()


def said(result: Result) -> str:
    """What a command printed, and its one-line error (main() prints it in real runs)."""
    return result.output + (str(result.exception) if result.exception else "")


@pytest.fixture(name="fast")
def fast_fixture(settings: Settings) -> Settings:
    return replace(settings, download_delay=0.0)


def test_cli_submit_list_edit_approve_reject_round_trip(
    cli_env: list[str], session: Session
) -> None:
    routes = {
        "/robots.txt": ROBOTS,
        "/jobs/re-interp": Reply(JOB_PAGE, content_type=HTML),
        "/jobs/spam": Reply(b"<html><title>Cheap watches</title></html>", content_type=HTML),
    }
    runner = CliRunner()
    with serve(routes) as server:
        _round_trip(runner, cli_env, server, session)


def _round_trip(runner: CliRunner, cli_env: list[str], server: Any, session: Session) -> None:
    first = runner.invoke(
        app, [*cli_env, "submit", f"{server.base}/jobs/re-interp", "--notes", "from Slack"]
    )
    assert first.exit_code == 0, said(first)
    assert "queued submission" in first.output and "Research Engineer" in first.output
    again = runner.invoke(app, [*cli_env, "submit", f"{server.base}/jobs/re-interp?utm_source=x"])
    assert "already waiting for review" in again.output, said(again)
    spam = runner.invoke(app, [*cli_env, "submit", f"{server.base}/jobs/spam"])
    assert spam.exit_code == 0, said(spam)
    fetched = [h for h in server.hits if h[1].startswith("/jobs/re-interp")]
    assert len(fetched) == 1  # the duplicate was not fetched again
    listing = runner.invoke(app, [*cli_env, "submissions", "list", "--json"])
    rows = [json.loads(line) for line in listing.output.splitlines()]
    assert [r["title"] for r in rows] == ["Research Engineer, Interpretability", "Cheap watches"]
    assert rows[0]["org"] == "Example Lab" and rows[0]["notes"] == "from Slack"
    good, bad = rows[0]["id"], rows[1]["id"]
    edited = runner.invoke(
        app,
        [*cli_env, "submissions", "edit", str(good), "--role", "research_engineer",
         "--deadline", "2027-02-15"],
    )  # fmt: skip
    assert edited.exit_code == 0 and "2027-02-15" in edited.output, said(edited)
    bad_role = runner.invoke(app, [*cli_env, "submissions", "edit", str(good), "--role", "wizard"])
    assert bad_role.exit_code == 1 and "unknown role 'wizard'" in said(bad_role)
    approved = runner.invoke(app, [*cli_env, "submissions", "approve", str(good)])
    assert approved.exit_code == 0 and "approved submission" in approved.output, said(approved)
    rejected = runner.invoke(app, [*cli_env, "submissions", "reject", str(bad), "--reason", "spam"])
    assert rejected.exit_code == 0, said(rejected)
    twice = runner.invoke(app, [*cli_env, "submissions", "approve", str(bad)])
    assert twice.exit_code == 1 and "already rejected" in said(twice)
    assert (
        "no submissions (pending)" in runner.invoke(app, [*cli_env, "submissions", "list"]).output
    )
    session.expire_all()
    posting = session.scalars(select(Posting)).one()
    assert posting.title == "Research Engineer, Interpretability"
    assert posting.role == "research_engineer" and posting.deadline is not None
    assert posting.deadline.date().isoformat() == "2027-02-15"
    assert [source_name(ps.source) for ps in posting.sources] == [COMMUNITY_NAME]
    # A rejected link does not come back; an approved one is pointed at. Neither is fetched.
    hits = len(server.hits)
    refused = runner.invoke(app, [*cli_env, "submit", f"{server.base}/jobs/spam/"])
    listed = runner.invoke(app, [*cli_env, "submit", f"{server.base}/jobs/re-interp"])
    assert len(server.hits) == hits
    assert refused.exit_code == 1 and "turned down" in said(refused), said(refused)
    assert len(said(refused).strip().splitlines()) == 1
    assert f"already listed as posting {posting.id}" in listed.output, said(listed)


def test_json_ld_is_used_and_a_later_crawl_merges(
    fast: Settings, session: Session, tmp_path: Path
) -> None:
    job = {
        "title": "AI Safety Fellow",
        "hiringOrganization": {"@type": "Organization", "name": "Safety Institute"},
        "description": "<p>A six-month research fellowship on AI control.</p>",
        "validThrough": "2027-03-01",
    }
    listing = b'<html><body><a href="/careers/fellow">AI Safety Fellow</a></body></html>'
    routes = {
        "/robots.txt": ROBOTS,
        "/careers/fellow": Reply(json_ld_page(job), content_type=HTML),
    }
    with serve(routes) as server:
        url = f"{server.base}/careers/fellow"
        shared = share_link(fast, session, url, submitter="test")
        assert shared.outcome == "queued" and shared.submission is not None
        submission = shared.submission
        assert (submission.title, submission.org_name) == ("AI Safety Fellow", "Safety Institute")
        assert submission.deadline is not None and submission.deadline.year == 2027
        posting = approve(session, submission.id, submission.created_at)
        session.commit()
        # The employer's own careers page is crawled later and lists the same page.
        routes["/careers/"] = Reply(listing, content_type=HTML)
        sources = registry(
            tmp_path, server.base,
            [{"key": "safety_institute", "org": "Safety Institute", "platform": "jsonld",
              "path": "/careers/", "link_pattern": "/careers/fellow"}],
        )  # fmt: skip
        [result] = crawl_sources(fast, sources_file=sources)
    assert result.status == "success", result
    session.expire_all()
    postings = session.scalars(select(Posting)).all()
    assert [p.id for p in postings] == [posting.id]  # one posting, both sources
    names = sorted(source_name(ps.source) for ps in postings[0].sources)
    assert names == sorted([COMMUNITY_NAME, "Safety Institute careers"])
    assert postings[0].organization is not None
    assert postings[0].organization.name == "Safety Institute"


FAILING_PAGES = {
    "/gone": (None, "HTTP 404 from"),
    "/data.json": (Reply(b"{}", content_type="application/json"), "not an HTML page"),
    "/big": (Reply(b"<html>" + b"x" * (3 * 1024 * 1024), content_type=HTML), "size limit"),
    # Far past the 0.5 s timeout: a loaded machine can stall the crawl's reactor for
    # seconds (the oversize page is read in the same crawl), and an arrived reply wins.
    "/slow": (Reply(JOB_PAGE, content_type=HTML, delay=15.0), "timed out"),
    "/private/job": (Reply(JOB_PAGE, content_type=HTML), "Forbidden by robots.txt"),
}


def test_fetch_errors_are_one_clear_line(fast: Settings, session: Session) -> None:
    """404, non-HTML, oversize, timeout and robots.txt: one line each, nothing queued.
    The pages are fetched in one crawl subprocess; one goes through ``share_link``."""
    quick = replace(fast, download_timeout_seconds=0.5, crawl_concurrency=1)
    robots = Reply(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    routes = {path: reply for path, (reply, _) in FAILING_PAGES.items() if reply}
    with serve({"/robots.txt": robots, **routes}) as server:
        configs = [page_source(server.base + path, key=f"page_{i}")
                   for i, path in enumerate(FAILING_PAGES)]  # fmt: skip
        results = fetch_sources(quick, configs)
        with pytest.raises(SubmissionRefused) as caught:
            share_link(quick, session, server.base + "/gone", submitter="test")
    for config, (_, expected) in zip(configs, FAILING_PAGES.values(), strict=True):
        result = results[config.key]
        message = str(result["message"])
        assert result["status"] == "failed" and not result["items"], result
        assert expected in message and "\n" not in message, message
    refused = str(caught.value)
    assert (
        refused.startswith(f"could not read {server.base}/gone: HTTP 404") and "\n" not in refused
    )
    assert session.scalar(select(Submission)) is None


def test_bad_links_and_edits_are_one_line(session: Session, fast: Settings) -> None:
    with pytest.raises(SubmissionRefused, match="not an http"):
        share_link(fast, session, "javascript:alert(1)", submitter="test")
    with pytest.raises(SubmissionRefused, match="not an http"):
        share_link(fast, session, "file:///etc/passwd", submitter="test")
    community_source(session)
    with pytest.raises(Exception, match="no submission 99"):
        edit(session, 99, {"title": "x"})
    with pytest.raises(Exception, match="no submission 99"):
        reject(session, 99, "", clock.now())


def test_maintainer_edits_win_and_survive_reclassify(session: Session) -> None:
    from aggregator.store.reclassify import reclassify
    from aggregator.store.submissions import enqueue

    page = RawPosting(
        source_key="community", external_id="https://example.org/jobs/ops",
        org="example.org", title="Operations Lead",
        url="https://example.org/jobs/ops",
        description_html="<p>Run operations for an AI safety research team.</p>",
    )  # fmt: skip
    now = clock.now()
    queued = enqueue(session, page.url, "  via a newsletter ", page, "test", now)
    assert queued.role != "fellowship" and queued.notes == "via a newsletter"
    edit(
        session, queued.id, {"org": "Example Org", "role": "fellowship", "title": "Operations Lead"}
    )
    assert sorted(queued.edits) == ["org", "role"]  # an unchanged title is not an edit
    with pytest.raises(Exception, match="deadline must be a date"):
        edit(session, queued.id, {"deadline": "next week"})
    posting = approve(session, queued.id, now)
    session.commit()
    assert (posting.org_name, posting.role) == ("Example Org", "fellowship")
    reclassify(session)
    session.commit()
    session.expire_all()
    assert session.get(Posting, posting.id).role == "fellowship"  # type: ignore[union-attr]
