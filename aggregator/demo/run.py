"""The offline demo, end to end: replay the recorded payloads, crawl, subscribe, digest.

:func:`run_demo` starts :class:`aggregator.demo.server.DemoServer` on 127.0.0.1,
writes ``sources.toml`` (the bundled template pointed at that server) into the demo
data dir, crawls every demo source with the real spiders and pipeline into a fresh
SQLite database there, checks two sample programs (MATS open, Pivotal expected next
month: ``programs.toml`` in the data dir, MATS's page read from the server), has the
first persona follow MATS (its "now open" email goes to the outbox), shares one link
that no source lists (served by the same server) and approves it, signs up three
confirmed sample subscribers (the personas of the domain reference), sends their
weekly digests to the outbox and returns a :class:`DemoReport`. Nothing leaves
127.0.0.1: the database and mail settings of the caller are replaced by the demo's own
(SQLite file and outbox in the data dir).
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from aggregator.db import open_database, session_factory
from aggregator.db.models import Posting, PostingSource, PostingTag, Source, utcnow
from aggregator.demo.server import DemoServer, data_dir
from aggregator.errors import UserError
from aggregator.presentation.labels import label
from aggregator.settings import Settings, ensure_data_dir
from aggregator.store.employers import COMMUNITY_SOURCE

DB_NAME = "aisafety-jobs.db"
#: how the outbox names program notices (their Message-ID: ``program-notice.<id>@…``)
PROGRAM_NOTICE_PREFIX = "program-notice."
#: what a run creates in the data dir, removed first so that every run starts fresh
OWNED = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", "outbox",
         "sources.toml", "programs.toml", "httpcache")  # fmt: skip


@dataclass(frozen=True)
class Persona:
    email: str
    label: str
    profile: dict[str, Any]


PERSONAS = (
    Persona(
        "sam.switcher@example.org",
        "software engineer switching in (no PhD, remote)",
        {"roles": ["software_engineer", "research_engineer"], "remote_only": True},
    ),
    Persona(
        "ivy.interp@example.org",
        "interpretability researcher",
        {"roles": ["research_scientist", "research_engineer"], "skills": ["interpretability"]},
    ),
    Persona(
        "pat.policy@example.org",
        "policy-minded technologist",
        {"roles": ["policy"], "skills": ["ai_governance"]},
    ),
)


@dataclass
class DemoReport:
    data_dir: Path
    sources_file: Path
    database: Path
    outbox: Path
    web_url: str
    payload_url: str
    settings: Settings
    sources: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # key: platform..
    postings: int = 0
    by_role: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    digests: list[Path] = field(default_factory=list)
    subscribers: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    follows: list[str] = field(default_factory=list)
    program_emails: list[Path] = field(default_factory=list)
    shared: str = ""
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The human summary printed by ``aisafety-jobs demo``."""
        ok = sum(1 for _, status, _ in self.sources.values() if status == "success")
        out = [f"sources crawled: {len(self.sources)} ({ok} succeeded)"]
        for key, (platform, status, items) in sorted(self.sources.items()):
            out.append(f"  {key:<28} {platform:<11} {status:<8} {items} postings")
        out.append(f"postings: {self.postings}")
        out.append("postings by role:")
        by_role = sorted(self.by_role.items(), key=_desc)
        out += [f"  {label(role, 'role'):<28} {n}" for role, n in by_role]
        out.append(f"duplicates merged: {self.merged} postings listed by more than one source")
        out.append(f"programs: {', '.join(self.programs)} (see /programs)")
        out.append(
            f"program follows: {', '.join(self.follows)}; 'now open' emails written: "
            f"{len(self.program_emails)}"
        )
        out += [f"  {p.name}" for p in self.program_emails]
        out.append(f"shared by the community: {self.shared}")
        out.append(f"subscribers: {', '.join(self.subscribers)}")
        out.append(f"digest files written: {len(self.digests)} in {self.outbox}")
        out += [f"  {p.name}" for p in self.digests]
        out.append(f"web UI (the digests link to it): {self.web_url}")
        out.append(f"database: {self.database}")
        out.append(f"finished in {self.seconds:.1f} s")
        return out


def _desc(pair: tuple[str, int]) -> tuple[int, str]:
    return (-pair[1], pair[0])


def free_port(preferred: int = 0) -> int:
    """``preferred`` when it is free on 127.0.0.1 right now, else any free port."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise UserError("no free port on 127.0.0.1")


def reset_data_dir(folder: Path) -> None:
    """Remove what an earlier demo run created there (and nothing else)."""
    for name in OWNED:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def bypass_proxies() -> None:
    """Keep 127.0.0.1 off any HTTP proxy of the environment (Scrapy and httpx read
    ``no_proxy``), so the crawl never leaves the machine."""
    for name in ("no_proxy", "NO_PROXY"):
        hosts = [h for h in os.environ.get(name, "").split(",") if h.strip()]
        os.environ[name] = ",".join([*hosts, "127.0.0.1", "localhost"])


def demo_settings(base: Settings, folder: Path, web_url: str) -> Settings:
    """``base`` pointed at the demo's own database, outbox and sources, with no delays."""
    return replace(
        base,
        production=False,
        data_dir=str(folder),
        database_url="",
        mail_url="",
        base_url=web_url,
        sources_file=str(folder / "sources.toml"),
        download_delay=0.0,
        http_cache=False,
        digest_max_items=max(base.digest_max_items, 30),
    )


def write_sources(folder: Path, payload_url: str) -> Path:
    template = (data_dir() / "sources.template.toml").read_text(encoding="utf-8")
    target = folder / "sources.toml"
    target.write_text(template.replace("{{server}}", payload_url), encoding="utf-8")
    return target


def crawl(settings: Settings, sources_file: Path) -> Any:
    """Engineer B's ``crawl_sources``: the real spiders (subprocess) and ingest pipeline."""
    from aggregator.crawl.runner import crawl_sources

    return crawl_sources(settings, None, str(sources_file), False)


DEMO_PROGRAMS = """# Sample programs for the demo [sample data]
[[programs]]
key = "mats"
name = "MATS"
org = "MATS"
url = "{server}/mats/apply"
aliases = ["ML Alignment & Theory Scholars"]
usual_open_months = [{open_month}]
summary = "[sample data] Mentored AI safety research."

[[programs.cycles]]
label = "Winter (sample)"
opens = {opens}
deadline = {deadline}

[[programs]]
key = "pivotal"
name = "Pivotal Research Fellowship"
org = "Pivotal"
url = "{server}/pivotal"
usual_open_months = [{next_month}]
summary = "[sample data] Research fellowship with mentors."
"""


def check_demo_programs(
    engine: Engine, settings: Settings, folder: Path, payload_url: str, now: datetime
) -> list[str]:
    """Two sample programs: MATS open now (and its page read), Pivotal expected next month
    (no demo posting is its call; SPAR's is, so SPAR would show open)."""
    from aggregator.db.models import Program
    from aggregator.programs.check import check_programs
    from aggregator.programs.status import program_status

    today = now.date()
    path = folder / "programs.toml"
    path.write_text(
        DEMO_PROGRAMS.format(
            server=payload_url,
            open_month=today.month,
            opens=(today - timedelta(days=5)).isoformat(),
            deadline=(today + timedelta(days=20)).isoformat(),
            next_month=today.month % 12 + 1,
        ),
        encoding="utf-8",
    )
    out = []
    with session_factory(engine)() as session:
        check_programs(settings, session, path, now=now)
        for program in session.scalars(select(Program).order_by(Program.key)):
            status = program_status(program, today)
            if status.state == "open" and status.cycle is not None:
                out.append(f"{program.name} open (closes {status.cycle.deadline.isoformat()})")
            elif status.expected_month is not None:
                out.append(f"{program.name} expected from {status.expected_month:%B %Y}")
            else:
                out.append(f"{program.name} {status.state}")
    return out


def follow_demo_program(engine: Engine, settings: Settings, now: datetime) -> list[str]:
    """The first persona follows MATS (confirmed a month ago, before its sample cycle
    opened), so its "now open" email is due and goes to the outbox; returns the subjects."""
    from aggregator.programs import follows

    with session_factory(engine)() as session:
        mats = follows.find_program(session, "mats")
        since = now - timedelta(days=30)
        follows.follow(session, settings, mats, PERSONAS[0].email, confirmed_at=since)
        follows.send_notices(settings, session, now)
    return [f"{PERSONAS[0].email} follows MATS"]


SHARED_PATH = "/community/evals-residency"


def share_demo_link(engine: Engine, settings: Settings, payload_url: str) -> str:
    """One link shared by a person (as the web form or ``submit`` would) and approved by
    a maintainer: a posting of the community source; the summary line describes it."""
    from aggregator.crawl.submit import share_link
    from aggregator.store.submissions import approve

    with session_factory(engine)() as session:
        shared = share_link(
            settings, session, payload_url + SHARED_PATH, "[sample data] seen in a Slack workspace",
            submitter="demo",
        )  # fmt: skip
        if shared.submission is None:
            raise UserError(f"the demo's shared link was not queued ({shared.outcome})")
        posting = approve(session, shared.submission.id, utcnow())
        session.commit()
        return (
            f"approved submission {shared.submission.id}: {posting.title} · {posting.org_name}"
            f" ({settings.base_url}/postings/{posting.id})"
        )


def subscribe_personas(engine: Engine, settings: Settings) -> list[str]:
    from aggregator.subscriptions import ProfileInput, subscribe

    with session_factory(engine)() as session:
        for persona in PERSONAS:
            subscribe(session, settings, persona.email, ProfileInput(**persona.profile),
                      confirmed=True)  # fmt: skip
    return [f"{p.email} ({p.label})" for p in PERSONAS]


def send_digests(engine: Engine, settings: Settings, now: datetime) -> None:
    """This week's digests, sent now whatever the weekday (every posting is new)."""
    from aggregator.digest.periods import period_for
    from aggregator.digest.send import send_digests as send

    send(settings, engine, now=now, period=period_for("weekly", "UTC", now))


def collect(engine: Engine, report: DemoReport) -> None:
    with session_factory(engine)() as session:
        open_postings = select(Posting.id).where(Posting.status == "open")
        report.postings = (
            session.scalar(select(func.count()).select_from(open_postings.subquery())) or 0
        )
        report.by_role = dict(
            session.execute(select(Posting.role, func.count()).group_by(Posting.role)).all()
        )
        report.by_platform = dict(
            session.execute(
                select(Source.platform, func.count(func.distinct(PostingSource.posting_id)))
                .join(PostingSource, PostingSource.source_id == Source.id)
                .group_by(Source.platform)
            ).all()
        )
        multi = (
            select(PostingSource.posting_id)
            .group_by(PostingSource.posting_id)
            .having(func.count(func.distinct(PostingSource.source_id)) > 1)
        )
        report.merged = session.scalar(select(func.count()).select_from(multi.subquery())) or 0
        crawled = select(Source).where(Source.key != COMMUNITY_SOURCE)  # listed on its own line
        for source in session.scalars(crawled):
            items = session.scalar(select(func.count()).where(PostingSource.source_id == source.id))
            status = "success" if source.last_success_at else "failed"
            report.sources[source.key] = (source.platform, status, items or 0)
        tagged = session.scalar(select(func.count(func.distinct(PostingTag.posting_id))))
        if report.postings and not tagged:
            raise UserError("the demo crawl stored postings without any tags")
    emails = sorted(report.outbox.glob("*.eml"))
    report.program_emails = [p for p in emails if p.name.startswith(PROGRAM_NOTICE_PREFIX)]
    report.digests = [p for p in emails if p not in report.program_emails]


def run_demo(
    base: Settings,
    folder: Path,
    *,
    web_port: int | None = None,
    echo: Callable[[str], None] = lambda line: None,
) -> tuple[DemoReport, DemoServer]:
    """Run the demo into ``folder``; the payload server is returned still running.

    The web UI port is ``web_port`` if given, else the ``web_port`` setting when it is
    free, else any free port (the digests' links point at it).
    """
    started = utcnow()
    folder = folder.expanduser().resolve()
    reset_data_dir(folder)
    port = free_port(web_port or base.web_port)
    if web_port and port != web_port:
        raise UserError(f"port {web_port} on 127.0.0.1 is in use: choose another with --port")
    web_url = f"http://127.0.0.1:{port}"
    settings = demo_settings(base, folder, web_url)
    ensure_data_dir(settings)
    bypass_proxies()
    server = DemoServer()
    payload_url = server.start()
    try:
        sources_file = write_sources(folder, payload_url)
        report = DemoReport(
            data_dir=folder, sources_file=sources_file, database=folder / DB_NAME,
            outbox=folder / "outbox", web_url=web_url, payload_url=payload_url,
            settings=settings,
        )  # fmt: skip
        echo(f"replaying the recorded [sample data] payloads at {payload_url}")
        engine = open_database(settings)
        echo("crawling the demo sources with the real spiders…")
        crawl(settings, sources_file)
        echo("sharing a link and approving it…")
        report.shared = share_demo_link(engine, settings, payload_url)
        echo("checking the sample programs…")
        report.programs = check_demo_programs(engine, settings, folder, payload_url, utcnow())
        report.follows = follow_demo_program(engine, settings, utcnow())
        report.subscribers = subscribe_personas(engine, settings)
        send_digests(engine, settings, utcnow())
        collect(engine, report)
        engine.dispose()
    except BaseException:
        server.stop()
        raise
    report.seconds = (utcnow() - started).total_seconds()
    return report, server
