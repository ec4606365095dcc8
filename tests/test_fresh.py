"""Per-process values kept by fingerprint: a value that only came due is built again
aside, and a served app builds its indexes before its first request."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from aggregator.search.counts import INDEXES
from aggregator.search.fresh import Fresh, database_key
from aggregator.settings import Settings
from aggregator.web.app import create_app
from aggregator.web.subscribe import RECENT
from tests.factories import make_posting


def test_a_value_past_its_max_age_is_kept_while_it_is_built_again_aside(
    session: Session,
) -> None:
    started, release = threading.Event(), threading.Event()
    built: list[int] = []

    def build(_session: Session) -> int:
        built.append(len(built) + 1)
        if len(built) == 2:
            started.set()
            assert release.wait(10), "the test never let the rebuild finish"
        return built[-1]

    value = Fresh(build, max_age=0.0)
    assert value.get(session) == 1
    # Due at once (max age 0): the held value comes back without waiting for the
    # rebuild, which is held up until the release.
    assert value.get(session) == 1
    assert started.wait(10), "no rebuild started"
    assert value.get(session) == 1
    assert built == [1, 2]  # one rebuild at a time
    release.set()
    deadline = time.monotonic() + 10
    while value.get(session) == 1:
        assert time.monotonic() < deadline, "the rebuilt value never arrived"
        time.sleep(0.01)


def test_a_served_app_builds_its_indexes_before_its_first_request(
    session: Session, settings: Settings
) -> None:
    make_posting(session, title="Warm Start")
    session.commit()
    key = database_key(session)
    app = create_app(settings, warm=True)
    assert INDEXES.peek(key) is None and RECENT.peek(key) is None
    with TestClient(app):  # runs the startup
        assert INDEXES.peek(key) is not None and RECENT.peek(key) is not None
