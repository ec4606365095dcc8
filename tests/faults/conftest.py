"""Fixtures of the fault-injection suite: misbehaving servers on 127.0.0.1 and real
``aisafety-jobs`` subprocesses that can be killed at chosen points."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.settings import Settings
from tests.faults.smtp_server import FaultySmtp

CLI = str(Path(sys.executable).with_name("aisafety-jobs"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def smtp_faults() -> Iterator[FaultySmtp]:
    server = FaultySmtp().start()
    try:
        yield server
    finally:
        server.stop()


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that points an ``aisafety-jobs`` subprocess at ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISAFETY_JOBS_")}
    for name in ("data_dir", "database_url", "secret_key", "base_url", "mail_url", "mail_from"):
        env["AISAFETY_JOBS_" + name.upper()] = str(getattr(settings, name))
    env.update(extra)
    return env


def run_cli(
    settings: Settings, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``aisafety-jobs ARGS`` in a subprocess (bounded by ``timeout``)."""
    return subprocess.run(
        [CLI, *args],
        env=cli_env(settings, **env), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def start_cli(settings: Settings, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CLI, *args],
        env=cli_env(settings, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
