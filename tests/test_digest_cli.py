"""The acceptance path: subscribe --confirmed, digest send → one outbox digest, once."""

from __future__ import annotations

import email
from email.policy import default
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.db.models import Digest
from aggregator.settings import Settings
from tests.factories import make_posting

NOW = "2026-11-23T09:30:00+00:00"  # a Monday after 08:00 UTC: the weekly digest is due


def run(settings: Settings, *args: str) -> str:
    env = {
        "AISAFETY_JOBS_DATA_DIR": settings.data_dir,
        "AISAFETY_JOBS_SECRET_KEY": settings.secret_key,
        "AISAFETY_JOBS_BASE_URL": settings.base_url,
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, ["--db", settings.database_url, *args], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_subscribe_send_once(session: Session, settings: Settings) -> None:
    from datetime import datetime

    seen = datetime.fromisoformat("2026-11-21T12:00:00+00:00")
    make_posting(
        session, title="Research Engineer, Interpretability", org="Alpha Lab",
        skills=["interpretability", "pytorch"], first_seen_at=seen, source_key="alpha",
    )  # fmt: skip
    make_posting(session, title="Policy Fellow", role="policy", first_seen_at=seen)
    make_posting(session, title="RE evals", skills=["evals"], first_seen_at=seen)
    session.commit()
    out = run(
        settings, "subscribe", "a@example.org", "--role", "research_engineer",
        "--skill", "interpretability", "--confirmed",
    )  # fmt: skip
    assert "any of the values you chose in each filter" in out  # the semantics, in plain words
    out = run(settings, "digest", "send", "--now", NOW)
    assert "sent 1" in out
    files = list(Path(settings.data_dir, "outbox").glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=default)
    assert msg["To"] == "a@example.org"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://jobs.example.org/unsubscribe/" in msg["List-Unsubscribe"]
    sid = session.scalars(select(Digest.subscriber_id)).one()
    assert msg["Message-ID"] == f"<digest.{sid}.2026-W48@jobs.example.org>"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Research Engineer, Interpretability" in text
    assert "Interpretability, PyTorch" in text
    assert "Policy Fellow" not in text and "RE evals" not in text
    assert "Why: role: Research engineer; skills: Interpretability" in text
    out = run(settings, "digest", "send", "--now", NOW)
    assert "sent 0" in out
    assert len(list(Path(settings.data_dir, "outbox").glob("*.eml"))) == 1
    session.expire_all()
    assert [d.status for d in session.scalars(select(Digest))] == ["sent"]


def test_list_and_unsubscribe(session: Session, settings: Settings) -> None:
    run(settings, "subscribe", "b@example.org", "--confirmed", "--remote")
    out = run(settings, "subscribers", "list")
    assert "b@example.org" in out and "active" in out and "remote only" in out
    run(settings, "unsubscribe", "b@example.org")
    assert "unsubscribed" in run(settings, "subscribers", "list")
