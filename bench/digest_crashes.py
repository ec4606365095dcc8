"""Crash survival of `digest send`: kill -9 at random points, recover, count every message.

    .venv/bin/python bench/digest_crashes.py [--subscribers 2000] [--rounds 6]
        [--connections 2]

Each round seeds a fresh SQLite database with --subscribers due weekly digests, runs the
real ``aisafety-jobs digest send`` as a subprocess against the misbehaving SMTP server
of tests/faults (on 127.0.0.1, counting messages per recipient) and kills it with
SIGKILL: odd rounds the moment the server stores a random n-th message (before its
reply), even rounds a random moment after the first message arrived (any phase of a
busy run: claiming, composing, sending, writing rows). Then a second run recovers — as
another host after the one-hour stale window on odd rounds, on the same host at once on
even rounds — and sends the rest.
Printed per round and in total: recipients with no message (lost), with more than one
(doubled), rows ``unknown`` (in flight at the kill; never resent) and whether those
were in fact delivered.
"""

from __future__ import annotations

import argparse
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from aggregator.db.engine import open_database, session_factory
from aggregator.db.models import Digest, Subscriber
from aggregator.digest.send import send_digests
from aggregator.settings import Settings, load_settings
from tests.factories import make_posting, make_subscriber
from tests.faults.conftest import cli_env
from tests.faults.smtp_server import FaultySmtp

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")
CLI = str(Path(sys.executable).with_name("aisafety-jobs"))


def seed(settings: Settings, subscribers: int) -> None:
    engine = open_database(settings)
    with session_factory(engine)() as session:
        for i in range(5):
            make_posting(session, title=f"Research Engineer {i}", skills=["interpretability"],
                         first_seen_at=NOW - timedelta(days=1))  # fmt: skip
        for _ in range(subscribers):
            make_subscriber(session, roles=["research_engineer"])
        session.commit()
    engine.dispose()


def one_round(n: int, args: argparse.Namespace, rng: random.Random) -> dict[str, int]:
    folder = Path(tempfile.mkdtemp(prefix="aisj-crash-bench-"))
    server = FaultySmtp().start()
    settings = load_settings(overrides={
        "data_dir": str(folder), "database_url": f"sqlite:///{folder / 'db.sqlite'}",
        "secret_key": "bench", "base_url": "https://jobs.example.org", "mail_url": server.url,
        "mail_from": "Jobs <d@jobs.example.org>", "smtp_connections": args.connections,
    }, environ={})  # fmt: skip
    try:
        seed(settings, args.subscribers)
        env = cli_env(settings, AISAFETY_JOBS_SMTP_CONNECTIONS=str(args.connections))
        proc = subprocess.Popen([CLI, "digest", "send", "--now", NOW.isoformat()], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        by_message = n % 2 == 1
        if by_message:
            server.kill_at = (rng.randint(1, args.subscribers - 1), proc.pid)
        else:  # a random moment once sending began: any phase of a busy run
            for _ in range(6000):  # bounded: at most 10 minutes
                if server.total or proc.poll() is not None:
                    break
                time.sleep(0.1)
            time.sleep(rng.uniform(0, args.max_delay))
            proc.kill()
        proc.wait(timeout=600)
        killed = proc.returncode == -signal.SIGKILL
        at_kill = server.total
        engine = open_database(settings)
        if by_message:  # another host, after the stale window
            with mock.patch.object(socket, "gethostname", return_value="after-restart"):
                summary = send_digests(settings, engine, now=NOW + timedelta(hours=2))
        else:  # this host, at once: the dead process is seen dead
            summary = send_digests(settings, engine, now=NOW)
        with session_factory(engine)() as session:
            rows = session.execute(select(Subscriber.email, Digest.status).join(Digest)).all()
        engine.dispose()
        status = Counter(s for _, s in rows)
        unknown = {email for email, s in rows if s == "unknown"}
        emails = {email for email, _ in rows}
        return {
            "killed": int(killed), "delivered_before_kill": at_kill,
            "recovered": summary.recovered, "sent_rows": status["sent"],
            "unknown_rows": len(unknown),
            "unknown_delivered": sum(1 for e in unknown if server.received[e] == 1),
            "other_rows": len(rows) - status["sent"] - len(unknown),
            "lost": sum(1 for e in emails - unknown if server.received[e] == 0),
            "lost_unknown": sum(1 for e in unknown if server.received[e] == 0),
            "doubled": len(server.doubled()),
        }  # fmt: skip
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument(
        "--max-delay",
        type=float,
        default=3.0,
        help="kill at most this long after the first message (s)",
    )
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total: Counter[str] = Counter()
    for n in range(1, args.rounds + 1):
        started = time.monotonic()
        result = one_round(n, args, rng)
        total.update(result)
        how = "at the n-th stored message" if n % 2 else "at a random moment while sending"
        print(f"round {n} (kill {how}, {time.monotonic() - started:.0f} s): "
              + ", ".join(f"{k} {v}" for k, v in result.items()), flush=True)  # fmt: skip
    print("total: " + ", ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
