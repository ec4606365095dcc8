"""Digest delivery under faults: every message is counted per recipient at a real SMTP
server on 127.0.0.1; senders are killed with SIGKILL as real subprocesses (issue 14,
points 2-5 and the delivery side of 11)."""

from __future__ import annotations

import signal
import socket
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, Subscriber
from aggregator.digest import compose
from aggregator.digest.send import send_digests
from aggregator.settings import Settings
from tests.factories import make_posting, make_subscriber
from tests.faults.conftest import run_cli, start_cli
from tests.faults.smtp_server import FaultySmtp

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")


def seed(session: Session, count: int) -> list[str]:
    """``count`` subscribers, each due one weekly digest; their addresses in id order."""
    make_posting(session, first_seen_at=NOW - timedelta(days=1), skills=["interpretability"])
    emails = [make_subscriber(session, roles=["research_engineer"]).email for _ in range(count)]
    session.commit()
    return emails


def statuses(session: Session) -> Counter[str]:
    session.expire_all()
    return Counter(session.scalars(select(Digest.status)))


def on(settings: Settings, server: FaultySmtp, **changes: object) -> Settings:
    return replace(settings, mail_url=server.url, mail_from="Jobs <d@jobs.example.org>", **changes)


def test_hard_bounces_do_not_stop_the_run(
    session: Session, settings: Settings, engine: Engine, smtp_faults: FaultySmtp
) -> None:
    """Point 5: ten 550s in a row mark ten subscribers bounced; everyone else gets theirs."""
    emails = seed(session, 40)
    for address in emails[:12]:
        smtp_faults.rcpt_replies[address] = "550 5.1.1 No such user"
    summary = send_digests(on(settings, smtp_faults), engine, now=NOW)
    assert not summary.stopped
    assert (summary.sent, summary.bounced) == (28, 12)
    assert smtp_faults.received == Counter(emails[12:])
    bounced = session.scalars(select(Subscriber.email).where(Subscriber.status == "bounced"))
    assert set(bounced) == set(emails[:12])


def test_long_4xx_outage_loses_no_digest(
    session: Session, settings: Settings, engine: Engine, smtp_faults: FaultySmtp
) -> None:
    """Point 3: 451 to every RCPT for six ticks (90 min at 15 min each), then recovery:
    nobody's digest is failed for good, everyone gets exactly one."""
    emails = seed(session, 40)
    cfg = on(settings, smtp_faults)
    smtp_faults.outage = True
    for tick in range(6):
        summary = send_digests(cfg, engine, now=NOW + timedelta(minutes=15 * tick))
        assert summary.sent == 0 and summary.failed == 0
    assert statuses(session) == {"pending": 40}
    smtp_faults.outage = False
    summary = send_digests(cfg, engine, now=NOW + timedelta(hours=2))
    assert summary.sent == 40
    assert smtp_faults.received == Counter(emails)


def test_some_4xx_recipients_back_off_while_the_run_goes_on(
    session: Session, settings: Settings, engine: Engine, smtp_faults: FaultySmtp
) -> None:
    """Point 3: a few greylisted recipients wait for their backoff; the rest are sent."""
    emails = seed(session, 30)
    for address in emails[:12]:
        smtp_faults.rcpt_replies[address] = "451 4.7.1 Greylisted, try later"
    cfg = on(settings, smtp_faults)
    summary = send_digests(cfg, engine, now=NOW)
    assert (summary.sent, summary.retrying, summary.stopped) == (18, 12, False)
    smtp_faults.rcpt_replies.clear()
    assert send_digests(cfg, engine, now=NOW + timedelta(hours=1)).sent == 12
    assert smtp_faults.received == Counter(emails)


def test_connection_lost_after_data_is_unknown_never_doubled(
    session: Session, settings: Settings, engine: Engine, smtp_faults: FaultySmtp
) -> None:
    """Point 4: the server stores ten messages and drops the connection before its reply:
    those rows are reported ``unknown`` and never resent; nobody gets two."""
    emails = seed(session, 40)
    smtp_faults.drop_after_data.update(emails[5:40:4])
    smtp_faults.drop_after_data.add(emails[39])
    cfg = on(settings, smtp_faults)
    done = run_cli(cfg, "digest", "send", "--now", NOW.isoformat())
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sent 30, ") and ", unknown 10" in done.stdout
    later = send_digests(cfg, engine, now=NOW + timedelta(hours=3))
    assert smtp_faults.dropped == 10 and later.sent == 0
    assert smtp_faults.received == Counter(emails)  # all stored once, 0 doubled
    assert statuses(session) == {"sent": 30, "unknown": 10}


@pytest.mark.parametrize("connections", [1, 2])
def test_killed_sender_recovered_from_another_host_loses_nothing(
    session: Session,
    settings: Settings,
    engine: Engine,
    smtp_faults: FaultySmtp,
    monkeypatch: pytest.MonkeyPatch,
    connections: int,
) -> None:
    """Point 2 (and 11): ``digest send`` is killed (SIGKILL) as the 150th message is stored,
    in the middle of a batch composed by worker processes. A re-run from another host after
    the stale window reads the dead sender's journal: what went out is ``sent``, what was
    in flight is ``unknown`` (delivered or not: never resent), the rest is sent now."""
    emails = seed(session, 300)
    cfg = on(settings, smtp_faults, smtp_connections=connections)
    proc = start_cli(
        cfg, "digest", "send", "--now", NOW.isoformat(),
        AISAFETY_JOBS_SMTP_CONNECTIONS=str(connections), AISAFETY_JOBS_DIGEST_PROCESSES="2",
    )  # fmt: skip
    smtp_faults.kill_at = (150, proc.pid)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert smtp_faults.total >= 150
    left = statuses(session)
    assert left["sending"] > 0
    spools = [*Path(compose._SHM).glob(f"{compose.SPOOL_PREFIX}{proc.pid}-*"),
              *Path(tempfile.gettempdir()).glob(f"{compose.SPOOL_PREFIX}{proc.pid}-*")]  # fmt: skip
    assert spools  # the killed run's workers' spool

    monkeypatch.setattr(socket, "gethostname", lambda: "after-restart")
    summary = send_digests(cfg, engine, now=NOW + timedelta(hours=2))
    final = statuses(session)
    assert set(final) <= {"sent", "unknown"}
    assert 1 <= final["unknown"] <= connections  # in flight when killed
    assert summary.unknown == 0 and summary.recovered == left["sending"]
    assert not smtp_faults.doubled()  # 0 doubled
    lost = set(emails) - set(smtp_faults.received)
    unknown = session.scalars(
        select(Subscriber.email).join(Digest).where(Digest.status == "unknown")
    )
    assert lost <= set(unknown)  # 0 lost except possibly an in-flight unknown
    assert not list((Path(cfg.data_dir) / "digest-journal").glob("*"))  # journal cleaned
    assert not [p for p in spools if p.exists()]  # spool cleaned


def test_slow_server_timeouts_are_unknown_and_stop_the_run(
    session: Session, settings: Settings, engine: Engine, smtp_faults: FaultySmtp
) -> None:
    """A server slower than ``smtp_timeout_seconds`` to confirm DATA stores each message
    after the sender gave up: those are ``unknown`` (not resent), the run stops after ten,
    and the rest go out once the server is fast again — each recipient gets one."""
    emails = seed(session, 14)
    smtp_faults.delay = 1.0
    cfg = on(settings, smtp_faults, smtp_timeout_seconds=0.3, smtp_connections=1)
    slow = send_digests(cfg, engine, now=NOW)
    assert slow.stopped and slow.unknown == 10
    smtp_faults.delay = 0
    later = send_digests(cfg, engine, now=NOW + timedelta(hours=2))
    assert later.sent == 4
    assert smtp_faults.received == Counter(emails)
    assert statuses(session) == {"sent": 4, "unknown": 10}
