"""Shared fixtures: a migrated database on SQLite (default) or PostgreSQL (--db=postgres).

Each PostgreSQL run creates its own database and drops it at the end. In CI
(CI=true) an unreachable PostgreSQL is a failure; elsewhere those tests skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from aggregator.db.engine import make_engine
from aggregator.db.migrate import upgrade_database
from aggregator.db.models import Base
from aggregator.search.fresh import forget_all
from aggregator.settings import Settings, load_settings

PG_ADMIN_URL = os.environ.get(
    "AISAFETY_JOBS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REAL_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", default="sqlite", choices=["sqlite", "postgres"], help="database backend"
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {config.getoption('--db')}"


def _postgres_database() -> Iterator[str]:
    name = f"aisj_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def db_url(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of this test run's own database, migrated to the latest schema."""
    if db_backend == "postgres":
        yield from _postgres_database()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def migrated_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated engine, emptied after each test."""
    yield migrated_engine
    with migrated_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    forget_all()  # ids start again: cached counts of this database would look current


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, db_url: str, engine: Engine) -> Settings:
    """Settings pointing at the test database and a temporary data dir."""
    return load_settings(
        overrides={
            "data_dir": str(tmp_path / "var"),
            "database_url": db_url,
            "secret_key": "test-secret-key",
            "base_url": "https://jobs.example.org",
        },
        environ={},
    )


@pytest.fixture
def real_fixtures() -> Path:
    """The shared folder of real third-party payloads; tests skip when it is absent."""
    if not REAL_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures/real is not present")
    return REAL_FIXTURES
