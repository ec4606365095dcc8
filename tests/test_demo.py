"""The offline demo: the bundled [sample data] payloads, their replay server, and
``aisafety-jobs demo --no-serve`` end to end (a subprocess in a temporary folder)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from aggregator.crawl.registry import parse_registry
from aggregator.db.models import Posting, PostingSource, PostingTag, Source, Subscriber
from aggregator.demo.run import PERSONAS, reset_data_dir
from aggregator.demo.server import DemoServer, data_dir, render
from aggregator.presentation.labels import label
from spiders.platforms import discover_platforms

NOW = datetime(2027, 3, 1, 10, tzinfo=UTC)


def _payload(path: str) -> object:
    name = json.loads((data_dir() / "routes.json").read_text())[path][0]
    return json.loads((data_dir() / name).read_text())


def expected_per_platform() -> dict[str, int]:
    """Postings each platform's sources list, counted from the payload files."""
    routes = json.loads((data_dir() / "routes.json").read_text())
    counts = {"greenhouse": 0, "lever": 0, "ashby": 0}
    for path in routes:
        if path.startswith("/greenhouse/"):
            counts["greenhouse"] += len(_payload(path)["jobs"])  # type: ignore[index]
        elif path.startswith("/lever/"):
            counts["lever"] += len(_payload(path))  # type: ignore[arg-type]
        elif path.startswith("/ashby/"):
            counts["ashby"] += len(_payload(path)["jobs"])  # type: ignore[index]
    hits = _payload("/80k/1/indexes/jobs_prod/query")["hits"]  # type: ignore[index]
    # the forum feed has 12 posts, 8 of which announce opportunities (the filter keeps them)
    counts |= {"eighty_k": len(hits), "feed": 8, "jsonld": 7, "mats": 3, "govai": 5}
    counts["redwood"] = 4
    return counts


# -- the dataset and the replay server ---------------------------------------------------


def test_render_fills_every_placeholder_relative_to_now() -> None:
    text = '{"a": "{{iso:-3}}", "b": "{{epoch:+2}}", "c": "{{epoch_ms:0}}", "d": "{{server}}/x"}'
    data = json.loads(render(text, base_url="http://127.0.0.1:9", now=NOW))
    assert datetime.fromisoformat(data["a"]) == NOW - timedelta(days=3)
    assert data["b"] == int((NOW + timedelta(days=2)).timestamp())
    assert data["c"] == int(NOW.timestamp()) * 1000
    assert data["d"] == "http://127.0.0.1:9/x"
    assert render("{{date:+1}} {{long:+1}}", base_url="", now=NOW) == "2027-03-02 2 March 2027"
    assert render("{{rfc822:0}}", base_url="", now=NOW) == "Mon, 01 Mar 2027 10:00:00 GMT"


def test_every_route_is_served_filled_in_and_well_formed() -> None:
    routes = json.loads((data_dir() / "routes.json").read_text())
    with DemoServer(now=NOW) as server:
        for path, (_, ctype) in routes.items():
            with urllib.request.urlopen(server.base_url + path + "?mode=json") as resp:
                body = resp.read().decode()
            assert "{{" not in body, path
            if ctype == "application/json":
                json.loads(body)
        # the Algolia query of the 80k board is a POST
        request = urllib.request.Request(
            server.base_url + "/80k/1/indexes/jobs_prod/query", data=b'{"query": ""}'
        )
        with urllib.request.urlopen(request) as resp:
            assert json.loads(resp.read())["hits"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.base_url + "/no/such/page")
        assert missing.value.code == 404


def test_dataset_is_marked_as_sample_data_and_never_goes_stale() -> None:
    assert "[sample data]" in (data_dir() / "README.md").read_text()
    assert _payload("/greenhouse/v1/boards/anthropic/jobs")["_sample_data"] is True  # type: ignore[index]
    for name in ("forum__feed.xml", "mats__apply.html", "palisade__careers.html"):
        assert "[sample data]" in (data_dir() / "site" / name).read_text()
    with DemoServer(now=NOW) as server:
        hits = json.loads(server.body("/80k/1/indexes/jobs_prod/query")[0])["hits"]  # type: ignore[index]
    closing = [h["closes_at"] for h in hits if h["closes_at"]]
    soon = NOW + timedelta(days=14)
    assert all(c > NOW.timestamp() for c in closing)
    assert any(c < soon.timestamp() for c in closing)
    assert all(h["posted_at"] <= NOW.timestamp() for h in hits)


def test_the_demo_registry_is_valid_and_stays_on_the_local_server() -> None:
    text = (data_dir() / "sources.template.toml").read_text()
    configs = parse_registry(
        tomllib.loads(text.replace("{{server}}", "http://127.0.0.1:1")), discover_platforms()
    )
    assert len({c.platform for c in configs}) >= 7
    assert all(c.url and c.url.startswith("http://127.0.0.1:1/") for c in configs)


def test_reset_removes_only_what_the_demo_created(tmp_path: Path) -> None:
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "old.eml").write_text("x")
    (tmp_path / "aisafety-jobs.db").write_text("x")
    (tmp_path / "notes.txt").write_text("keep me")
    reset_data_dir(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# -- aisafety-jobs demo --no-serve, end to end -------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("aisafety-jobs")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from aggregator.cli.main import main; main()"]


@pytest.mark.slow
def test_demo_command_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    (folder / "outbox").mkdir(parents=True)
    (folder / "outbox" / "stale.eml").write_text("from an earlier run")
    (folder / "aisafety-jobs.db").write_text("not a database: the demo starts fresh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISAFETY_JOBS_")}
    # settings that would be dangerous if the demo used them: it must override both
    env["AISAFETY_JOBS_DATABASE_URL"] = "postgresql+psycopg://nobody@192.0.2.1:1/none"
    env["AISAFETY_JOBS_MAIL_URL"] = "smtp://192.0.2.1:25"
    result = subprocess.run(
        [*_command(), "demo", "--no-serve", "--data-dir", str(folder)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    platforms = expected_per_platform()
    sources = len(tomllib.loads((folder / "sources.toml").read_text())["sources"])
    assert f"sources crawled: {sources} ({sources} succeeded)" in out
    assert "duplicates merged: 6 postings" in out
    assert "digest files written: 3" in out
    programs = r"^programs: MATS open \(closes [0-9-]+\), Pivotal Research Fellowship expected "
    assert re.search(programs, out, re.M)
    assert re.search(r"^program follows: .* follows MATS; 'now open' emails written: 1$", out, re.M)
    assert re.search(
        r"^shared by the community: approved submission 1: Evals Research Resident · "
        r"Open Evals Collective \(http://127\.0\.0\.1:\d+/postings/\d+\)$",
        out,
        re.M,
    ), out
    for role in ("research_engineer", "research_scientist", "policy", "fellowship"):
        shown = re.escape(label(role, "role"))  # labelled as everywhere else
        assert re.search(rf"^\s+{shown}\s+\d+$", out, re.M), role
    web_url = re.search(
        r"^web UI \(the digests link to it\): (http://127\.0\.0\.1:\d+)$", out, re.M
    )
    assert web_url is not None

    engine = create_engine(f"sqlite:///{folder / 'aisafety-jobs.db'}")
    try:
        with Session(engine) as session:
            per_platform = dict(
                session.execute(
                    select(Source.platform, func.count(PostingSource.id))
                    .join(PostingSource, PostingSource.source_id == Source.id)
                    .group_by(Source.platform)
                ).all()
            )
            assert per_platform == {**platforms, "community": 1}  # the approved shared link
            total = session.scalar(select(func.count(Posting.id)))
            assert total == sum(platforms.values()) - 6 + 1  # six ATS postings also on 80k
            merged = session.scalars(
                select(Posting).where(
                    Posting.title == "Research Engineer, Interpretability",
                    Posting.org_name == "Anthropic",
                )
            ).one()
            assert sorted(s.source.key for s in merged.sources) == ["anthropic", "eighty_k_board"]
            kinds = set(session.scalars(select(PostingTag.kind).distinct()))
            assert {"role", "skill", "country"} <= kinds
            emails = set(session.scalars(select(Subscriber.email).where(
                Subscriber.status == "active")))  # fmt: skip
            assert emails == {p.email for p in PERSONAS}
    finally:
        engine.dispose()

    (opened,) = sorted((folder / "outbox").glob("program-notice.*.eml"))
    notice = message_from_bytes(opened.read_bytes(), policy=policy.default)
    assert str(notice["To"]) == PERSONAS[0].email
    assert str(notice["Subject"]).startswith("MATS is open: applications close ")
    assert str(notice["List-Unsubscribe"]).startswith(f"<{web_url.group(1)}/unfollow/")
    digests = sorted(set((folder / "outbox").glob("*.eml")) - {opened})
    assert len(digests) == 3 and not (folder / "outbox" / "stale.eml").exists()
    recipients = set()
    for path in digests:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        recipients.add(str(msg["To"]))
        assert str(msg["List-Unsubscribe"]).startswith(f"<{web_url.group(1)}/unsubscribe/")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "new match" in str(msg["Subject"]).lower()  # "7 new matches: ..."
    assert recipients == {p.email for p in PERSONAS}


def test_demo_refuses_an_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    result = subprocess.run(
        [*_command(), "demo", "--no-serve", "--data-dir", str(blocker / "demo")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_demo_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*_command(), "demo", "--data-dir", str(tmp_path / "d"), "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_the_summary_labels_roles_as_everywhere_else(tmp_path: Path) -> None:
    from aggregator.demo.run import DemoReport
    from aggregator.settings import Settings

    report = DemoReport(
        data_dir=tmp_path,
        sources_file=tmp_path / "sources.toml",
        database=tmp_path / "db",
        outbox=tmp_path / "outbox",
        web_url="http://127.0.0.1:1/",
        payload_url="http://127.0.0.1:2/",
        settings=Settings(),
        by_role={"phd_or_postdoc": 2, "research_engineer": 3},
    )
    lines = report.lines()
    assert f"  {label('research_engineer', 'role'):<28} 3" in lines
    assert any(line.strip().startswith(label("phd_or_postdoc", "role")) for line in lines)
    assert not any("phd_or_postdoc" in line for line in lines)
