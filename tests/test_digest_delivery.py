"""Exactly once under crashes and concurrency; never twice; skipped weeks; changes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, PostingChange
from aggregator.digest.send import send_digests
from aggregator.mail import NullTransport
from aggregator.settings import Settings
from tests.factories import make_posting, make_subscriber
from tests.test_mail_smtp import free_port

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
MAIN = "from aggregator.cli.main import main; main()"


class SlowHandler:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def seed(session: Session, subscribers: int) -> None:
    make_posting(session, first_seen_at=NOW - timedelta(days=1))
    for i in range(subscribers):
        make_subscriber(session, f"s{i}@example.org", roles=["research_engineer"])
    session.commit()


def test_killed_sender_loses_and_duplicates_nothing(
    session: Session, settings: Settings, engine: Engine
) -> None:
    seed(session, 12)
    handler = SlowHandler(0.3)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    env = dict(
        os.environ, AISAFETY_JOBS_DATA_DIR=settings.data_dir,
        AISAFETY_JOBS_DATABASE_URL=settings.database_url, AISAFETY_JOBS_SECRET_KEY="k",
        AISAFETY_JOBS_MAIL_URL=f"smtp://127.0.0.1:{port}",
    )  # fmt: skip
    cmd = [sys.executable, "-c", MAIN, "digest", "send", "--now", NOW.isoformat()]
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(handler.recipients) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        first = len(handler.recipients)
        assert 4 <= first < 12
        rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
    finally:
        controller.stop()
    session.expire_all()
    statuses = [d.status for d in session.scalars(select(Digest))]
    assert len(statuses) == 12
    assert statuses.count("sent") + statuses.count("unknown") == 12
    assert len(handler.recipients) == len(set(handler.recipients))  # nobody got two
    assert len(handler.recipients) >= statuses.count("sent")


@pytest.mark.postgres
def test_concurrent_senders_duplicate_nothing(
    db_backend: str, session: Session, settings: Settings, engine: Engine
) -> None:
    if db_backend != "postgres":
        pytest.skip("SKIP LOCKED needs PostgreSQL (run with --db=postgres)")
    seed(session, 40)
    from aggregator.digest.send import plan_digests, send_claimed

    plan_digests(session, settings, now=NOW)
    sent: list[str] = []
    lock = threading.Lock()

    class Recording(NullTransport):
        def send(self, msg: Any) -> None:
            time.sleep(0.005)
            with lock:
                sent.append(str(msg["To"]))

    results = []

    def worker(n: int) -> None:
        results.append(send_claimed(engine, settings, Recording(), now=NOW, worker=f"w{n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 40 and len(set(sent)) == 40
    assert sum(r.sent for r in results) == 40
    assert sum(1 for r in results if r.sent) > 1  # work was actually shared


def test_never_twice_and_skipped_week(session: Session, settings: Settings, engine: Engine) -> None:
    posting = make_posting(session, first_seen_at=NOW - timedelta(days=1))
    sub = make_subscriber(session, roles=["research_engineer"])
    session.commit()
    t = NullTransport()
    assert send_digests(settings, engine, now=NOW, transport=t).sent == 1
    # an edit to the posting next week does not make it new again
    posting.title = "Research Engineer (edited)"
    session.add(PostingChange(posting_id=posting.id, field="title", old_value="a",
                              new_value="b", changed_at=NOW + timedelta(days=2)))  # fmt: skip
    session.commit()
    week2 = send_digests(settings, engine, now=NOW + timedelta(days=7), transport=t)
    assert (week2.sent, week2.skipped) == (0, 1)
    rows = {d.period: d.status for d in session.scalars(select(Digest))}
    assert rows == {"2026-W48": "sent", "2026-W49": "skipped"}
    # closing early is reported as an update to a posting already sent
    posting.status = "closed"
    session.add(PostingChange(posting_id=posting.id, field="status", old_value="open",
                              new_value="closed", changed_at=NOW + timedelta(days=9)))  # fmt: skip
    session.commit()
    week3 = send_digests(settings, engine, now=NOW + timedelta(days=14), transport=t)
    assert week3.sent == 1 and t.count == 2
    d3 = session.scalars(select(Digest).where(Digest.period == "2026-W50")).one()
    assert d3.posting_ids == [] and d3.subscriber_id == sub.id


def test_not_due_before_send_time_and_pending_never_mailed(
    session: Session, settings: Settings, engine: Engine
) -> None:
    make_posting(session, first_seen_at=NOW - timedelta(days=1))
    make_subscriber(session, roles=["research_engineer"], timezone="America/New_York")
    make_subscriber(session, roles=["research_engineer"], status="pending",
                    created_at=NOW - timedelta(hours=1))  # fmt: skip
    session.commit()
    t = NullTransport()
    # 09:30 UTC is 04:30 in New York: not yet due
    assert send_digests(settings, engine, now=NOW, transport=t).sent == 0
    assert send_digests(settings, engine, now=NOW + timedelta(hours=4), transport=t).sent == 1
    assert t.count == 1


def test_period_option_and_outbox_recovery(
    session: Session, settings: Settings, engine: Engine
) -> None:
    seed(session, 2)
    from aggregator.digest.send import plan_digests, recover_stale
    from aggregator.mail import transport_from_url

    plan_digests(session, settings, now=NOW, period="2026-W47")
    rows = list(session.scalars(select(Digest)))
    assert {d.period for d in rows} == {"2026-W47"}
    for d in rows:  # a sender that died mid-batch (pid 999999999 does not exist)
        d.status, d.claimed_by, d.claimed_at = "sending", "x:999999999:y", NOW
    rows[0].claimed_by = f"{os.uname().nodename[:60]}:999999999:y"
    session.commit()
    cfg = replace(settings, mail_url=f"outbox://{settings.data_dir}/outbox")
    transport = transport_from_url(cfg.resolved_mail_url)
    assert recover_stale(session, cfg, transport, NOW) == 1  # other host: still fresh
    assert recover_stale(session, cfg, transport, NOW + timedelta(hours=2)) == 1
    session.expire_all()
    assert {d.status for d in session.scalars(select(Digest))} == {"pending"}
    assert send_digests(cfg, engine, now=NOW).sent == 2


def test_dead_sender_journal_returns_untried_rows(
    session: Session, settings: Settings, engine: Engine
) -> None:
    from aggregator.digest.send import Journal, claim, plan_digests, recover_stale

    seed(session, 3)
    plan_digests(session, settings, now=NOW)
    dead = f"{os.uname().nodename[:60]}:999999999:abc"  # this host, no such process
    ids = claim(session, dead, NOW, 10)
    assert len(ids) == 3
    Journal(settings, dead).write(ids[0])  # handed to the transport, maybe sent
    assert recover_stale(session, settings, NullTransport(), NOW) == 3
    session.expire_all()
    status = {d.id: d.status for d in session.scalars(select(Digest))}
    assert status == {ids[0]: "unknown", ids[1]: "pending", ids[2]: "pending"}
    assert not Journal(settings, dead).path.exists()
    assert send_digests(settings, engine, now=NOW, transport=NullTransport()).sent == 2


def test_worker_processes_compose_each_digest_once(
    session: Session,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from email import message_from_bytes
    from email.policy import default

    from aggregator.digest import compose

    seed(session, 230)  # claims of 10, 20, 40, then 80 and 80: above the pool threshold
    compose._WORKER = None
    received: list[Any] = []

    class Recording(NullTransport):
        def send(self, msg: Any) -> None:
            received.append(message_from_bytes(msg.as_bytes(), policy=default))

    spool = tmp_path / "shm"
    spool.mkdir()
    monkeypatch.setattr(compose, "_SHM", str(spool))  # the workers' messages pass here
    cfg = replace(settings, digest_processes=2)
    summary = send_digests(cfg, engine, now=NOW, transport=Recording())
    assert summary.sent == 230 and len(received) == 230
    assert not list(spool.iterdir())  # every spool file read, the folder removed
    assert compose._WORKER is not None  # the forked workers were used
    assert compose._WORKER[3].startswith(str(spool))
    assert len({str(m["To"]) for m in received}) == 230
    for msg in received[::40]:
        html = msg.get_body(("html",)).get_content()
        assert 'style="' in html and msg["List-Unsubscribe-Post"]
        assert str(msg["Message-ID"]).startswith("<digest.")
    assert not list((Path(settings.data_dir) / "digest-journal").glob("*.log"))


def test_wider_window_while_workers_compose_loses_nothing(
    session: Session, settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next batch is claimed while the workers compose the current one; when it
    needs an older window, the busy pool finishes its batch and a new pool takes over."""
    from aggregator.digest import compose

    make_posting(session, title="Recent", first_seen_at=NOW - timedelta(days=1))
    make_posting(session, title="Older", first_seen_at=NOW - timedelta(days=5))
    subs = [make_subscriber(session, f"w{i}@example.org", roles=["research_engineer"])
            for i in range(320)]  # fmt: skip
    session.flush()
    for sub in subs[:160]:  # these got a digest two days ago: a narrower window
        session.add(Digest(subscriber_id=sub.id, period="2026-W47", status="sent",
                           posting_ids=[], created_at=NOW - timedelta(days=2)))  # fmt: skip
    session.commit()
    stops: list[Any] = []
    real_stop = compose._stop
    monkeypatch.setattr(compose, "_stop", lambda pool: (stops.append(pool), real_stop(pool)))
    received: list[str] = []

    class Recording(NullTransport):
        def send(self, msg: Any) -> None:
            received.append(str(msg["To"]))

    cfg = replace(settings, digest_processes=2)
    summary = send_digests(cfg, engine, now=NOW, transport=Recording())
    assert summary.sent == 320 and sorted(received) == sorted(s.email for s in subs)
    assert len(set(stops)) == 2  # the narrow window's pool, then the wide one's
