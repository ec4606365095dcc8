"""The whole open dataset kept as a file per data version: sent again as built, shared
through the data dir, rebuilt after a change or when a deadline passes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator import clock
from aggregator.settings import Settings
from aggregator.web import dataset
from tests.factories import make_posting
from tests.web_factories import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    web_settings_fixture,
)

T0 = datetime(2026, 12, 3, 9, 0, 5, tzinfo=UTC)


def export(client: TestClient) -> dict[str, str]:
    response = client.get("/api/postings.jsonl")
    assert response.status_code == 200
    return {row["title"]: row["status"] for row in map(json.loads, response.text.splitlines())}


def kept_files(settings: Settings) -> list[str]:
    return sorted(p.name for p in (settings.data_path / dataset.FOLDER).glob("*.jsonl"))


def test_kept_file_is_sent_again_and_replaced_after_a_change(
    client: TestClient, session: Session, web_settings: Settings
) -> None:
    make_posting(session, title="First")
    session.commit()
    assert export(client) == {"First": "open"}
    files = kept_files(web_settings)
    assert len(files) == 1
    assert export(client) == {"First": "open"}
    assert kept_files(web_settings) == files  # sent as kept, not built again
    make_posting(session, title="Second")
    session.commit()
    assert export(client) == {"First": "open", "Second": "open"}
    assert len(kept_files(web_settings)) == 1 and kept_files(web_settings) != files


def test_a_passed_deadline_rebuilds_it(
    client: TestClient, session: Session, web_settings: Settings
) -> None:
    make_posting(session, title="Closing", first_seen_at=T0 - timedelta(days=1),
                 deadline=T0 + timedelta(minutes=5))  # fmt: skip
    session.commit()
    with clock.fixed(T0):
        assert export(client) == {"Closing": "open"}
    with clock.fixed(T0 + timedelta(minutes=1)):
        assert export(client) == {"Closing": "open"}
        files = kept_files(web_settings)
    with clock.fixed(T0 + timedelta(minutes=10)):
        assert export(client) == {}  # expired: not in the default (open) dataset
    assert kept_files(web_settings) != files


def test_a_second_worker_sends_the_first_ones_file(
    app: FastAPI, session: Session, web_settings: Settings
) -> None:
    from aggregator.web.app import create_app

    make_posting(session, title="Shared")
    session.commit()
    with TestClient(app) as first:
        assert export(first) == {"Shared": "open"}
    files = kept_files(web_settings)
    with TestClient(create_app(web_settings)) as second:
        assert export(second) == {"Shared": "open"}
    assert kept_files(web_settings) == files
