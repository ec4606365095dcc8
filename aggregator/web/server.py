"""Running the web application under uvicorn with several worker processes.

Worker processes start fresh (spawned) and import :func:`app_from_environment`; they get
the parent's resolved settings through one environment variable, so flags such as
``--db`` hold in every worker.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace

from fastapi import FastAPI

from aggregator.settings import Settings

SETTINGS_ENV = "AISAFETY_JOBS_WORKER_SETTINGS"  # not a setting name: load_settings ignores it


def worker_count(settings: Settings) -> int:
    return settings.web_workers or os.cpu_count() or 1


def app_from_environment() -> FastAPI:
    """The application of a worker process (uvicorn factory)."""
    from aggregator.web.app import create_app

    return create_app(Settings(**json.loads(os.environ[SETTINGS_ENV])))


def run_web(settings: Settings, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM. The database is migrated and the secret key made here,
    once, before any worker starts."""
    import uvicorn

    from aggregator.db import open_database

    open_database(settings).dispose()
    settings = replace(settings, secret_key=settings.resolved_secret_key())
    workers = worker_count(settings)
    # Keep-alive longer than uvicorn's 5 s so busy clients do not reuse closed sockets.
    options = {"host": host, "port": port, "log_level": "warning", "timeout_keep_alive": 30}
    if workers == 1:
        from aggregator.web.app import create_app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    try:
        uvicorn.run(
            "aggregator.web.server:app_from_environment",
            factory=True,
            workers=workers,
            **options,  # type: ignore[arg-type]
        )
    finally:
        os.environ.pop(SETTINGS_ENV, None)
