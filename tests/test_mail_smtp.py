"""End to end through a real SMTP server (aiosmtpd on 127.0.0.1, a free port)."""

from __future__ import annotations

import asyncio
import email
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.models import Digest, Subscriber
from aggregator.digest.send import send_digests
from aggregator.mail import PermanentFailure, TemporaryFailure, transport_from_url
from aggregator.mail.message import build_message, clean_header
from aggregator.settings import Settings
from tests.factories import make_posting, make_subscriber

NOW = datetime.fromisoformat("2026-11-23T09:30:00+00:00")


class Handler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_replies: dict[str, list[str]] = {}
        self.data_replies: list[str] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        queue = self.rcpt_replies.get(address)
        if queue:
            return queue.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        msg = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_settings(settings: Settings, port: int) -> Settings:
    return replace(
        settings, mail_url=f"smtp://127.0.0.1:{port}", mail_from="Jobs <digest@jobs.example.org>",
        mail_reply_to="help@jobs.example.org", unsubscribe_mailto="unsub@jobs.example.org",
    )  # fmt: skip


def seed(session: Session, title: str = "Research Engineer", **sub: Any) -> Subscriber:
    make_posting(
        session, title=title, skills=["interpretability"], source_key="alpha",
        first_seen_at=NOW - timedelta(days=2), deadline=NOW + timedelta(days=30),
    )  # fmt: skip
    subscriber = make_subscriber(session, roles=["research_engineer"], **sub)
    session.commit()
    return subscriber


def test_end_to_end_mime(session: Session, settings: Settings, engine: Engine, smtp: Any) -> None:
    handler, port = smtp
    sub = seed(session, title="Interp RE\r\nBcc: evil@example.com\x07")
    summary = send_digests(smtp_settings(settings, port), engine, now=NOW)
    assert summary.sent == 1
    (msg,) = handler.messages
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert msg["Message-ID"] == f"<digest.{sub.id}.2026-W48@jobs.example.org>"
    assert msg["From"] == "Jobs <digest@jobs.example.org>"
    assert msg["Reply-To"] == "help@jobs.example.org"
    assert msg["List-Id"] and msg["Date"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsub = msg["List-Unsubscribe"]
    assert unsub.startswith("<https://jobs.example.org/unsubscribe/")
    assert "<mailto:unsub@jobs.example.org?subject=unsubscribe>" in unsub
    assert msg["Bcc"] is None and "\n" not in msg["Subject"]
    assert "evil@example.com" in msg["Subject"]  # harmless text, not a header
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script" not in html and 'style="' in html and "color-scheme" in html
    assert "https://jobs.example.org/manage/" in html
    assert "https://jobs.example.org/unsubscribe/" in html
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Why: role: Research engineer" in text and "via alpha" not in text
    assert "Via: alpha" in text


def test_421_then_250_retries_and_delivers_once(
    session: Session, settings: Settings, engine: Engine, smtp: Any
) -> None:
    handler, port = smtp
    seed(session)
    handler.data_replies = ["421 Try again later"]
    cfg = smtp_settings(settings, port)
    first = send_digests(cfg, engine, now=NOW)
    assert (first.sent, first.retrying) == (0, 1)
    assert send_digests(cfg, engine, now=NOW).sent == 0  # backoff not over
    later = send_digests(cfg, engine, now=NOW + timedelta(minutes=5))
    assert later.sent == 1
    assert len(handler.messages) == 1
    d = session.scalars(select(Digest)).one()
    session.refresh(d)
    assert (d.status, d.attempts) == ("sent", 1)  # 421 with nothing sent: an outage, free


def test_550_on_rcpt_marks_bounced(
    session: Session, settings: Settings, engine: Engine, smtp: Any
) -> None:
    handler, port = smtp
    sub = seed(session)
    handler.rcpt_replies[sub.email] = ["550 5.1.1 User unknown"]
    summary = send_digests(smtp_settings(settings, port), engine, now=NOW)
    assert (summary.failed, summary.bounced) == (1, 1)
    session.refresh(sub)
    assert sub.status == "bounced" and sub.bounce_count == 1
    assert handler.messages == []


def test_temporary_failures_give_up_after_max_attempts(
    session: Session, settings: Settings, engine: Engine, smtp: Any
) -> None:
    """A recipient refused with 4xx while others go through uses up its attempts; while
    nothing goes through at all (an outage) attempts are not used up, and the digest is
    given up only after OUTAGE_GIVE_UP."""
    from aggregator.digest.send import OUTAGE_GIVE_UP

    handler, port = smtp
    sub = seed(session)
    make_subscriber(session, roles=["research_engineer"])
    session.commit()
    handler.rcpt_replies[sub.email] = ["451 4.7.1 later"]
    cfg = replace(smtp_settings(settings, port), digest_max_attempts=1)
    summary = send_digests(cfg, engine, now=NOW)
    assert (summary.sent, summary.failed) == (1, 1)

    outage = replace(settings, mail_url=f"smtp://127.0.0.1:{free_port()}", digest_max_attempts=2)
    lone = make_subscriber(session, roles=["research_engineer"], frequency="daily")
    session.commit()
    for hours in (0, 1, 2, 3):
        assert send_digests(outage, engine, now=NOW + timedelta(hours=hours)).retrying == 1
    late = NOW + OUTAGE_GIVE_UP + timedelta(hours=1)
    assert send_digests(outage, engine, now=late).failed == 1
    session.expire_all()
    failed = select(Digest.attempts).where(Digest.subscriber_id == lone.id,
                                           Digest.status == "failed")  # fmt: skip
    assert list(session.scalars(failed)) == [0]  # the outage used up no attempt


def test_stop_after_consecutive_failures(
    session: Session, settings: Settings, engine: Engine
) -> None:
    make_posting(session, first_seen_at=NOW - timedelta(days=1))
    for _ in range(12):
        make_subscriber(session, roles=["research_engineer"])
    session.commit()
    cfg = replace(settings, mail_url=f"smtp://127.0.0.1:{free_port()}")
    summary = send_digests(cfg, engine, now=NOW)
    assert summary.stopped and summary.retrying == 10
    statuses = [d.status for d in session.scalars(select(Digest))]
    assert statuses.count("pending") == 12 and "sending" not in statuses


def test_transport_errors_classified(smtp: Any, settings: Settings) -> None:
    handler, port = smtp
    transport = transport_from_url(f"smtp://127.0.0.1:{port}")
    msg = build_message(
        settings, to="x@example.org", subject="s", text="t", html=None, message_id="<m@x>"
    )
    handler.rcpt_replies["x@example.org"] = ["452 Mailbox full", "553 No such user"]
    with pytest.raises(TemporaryFailure):
        transport.send(msg)
    with pytest.raises(PermanentFailure) as info:
        transport.send(msg)
    assert info.value.bounce
    transport.send(msg)  # the same connection still works
    transport.close()
    assert len(handler.messages) == 1


def test_clean_header() -> None:
    assert clean_header("a\r\nBcc: b\x07c") == "a Bcc: b c"
    assert len(clean_header("x" * 500)) == 150


def test_several_connections_deliver_each_digest_once(
    session: Session, settings: Settings, engine: Engine, smtp: Any
) -> None:
    handler, port = smtp
    peers: set[Any] = set()
    accept = handler.handle_DATA

    async def handle_data(server: Any, smtp_session: Any, envelope: Any) -> str:
        peers.add(smtp_session.peer)
        await asyncio.sleep(0.01)  # slow server: sends overlap
        return await accept(server, smtp_session, envelope)

    handler.handle_DATA = handle_data  # type: ignore[method-assign]
    make_posting(session, first_seen_at=NOW - timedelta(days=1))
    for i in range(30):
        make_subscriber(session, f"p{i}@example.org", roles=["research_engineer"])
    session.commit()
    cfg = replace(smtp_settings(settings, port), smtp_connections=3)
    summary = send_digests(cfg, engine, now=NOW)
    assert summary.sent == 30
    recipients = [str(m["To"]) for m in handler.messages]
    assert len(recipients) == len(set(recipients)) == 30
    assert len(peers) == 3  # three connections, each reused
    statuses = {d.status for d in session.scalars(select(Digest))}
    assert statuses == {"sent"}
