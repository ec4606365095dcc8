"""Running the web app under uvicorn in ``web_workers`` processes, with forwarded
headers trusted only from the reverse proxies named in the ``trusted_proxies`` setting.

uvicorn's default trusts ``X-Forwarded-For`` from 127.0.0.1, so without a proxy anyone
on the host (or a local tunnel) could claim any client address and slip past the per-IP
sign-up limit; here no address is trusted unless configured.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, replace
from typing import Any

from fastapi import FastAPI

from aggregator.errors import ConfigError
from aggregator.settings import Settings


def trusted_proxies(settings: Settings) -> list[str]:
    """The configured proxy addresses and networks, each checked (one line on an error)."""
    entries = [e.strip() for e in settings.trusted_proxies.split(",") if e.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"setting 'trusted_proxies': {entry!r} is not an IP address or network "
                "(e.g. 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return entries


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header options for ``settings``."""
    proxies = trusted_proxies(settings)
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


WORKER_HEALTHCHECK_SECONDS = 60
SETTINGS_ENV = "AISAFETY_JOBS_WORKER_SETTINGS"  # not a setting name: load_settings ignores it


def worker_count(settings: Settings) -> int:
    return settings.web_workers or os.cpu_count() or 1


def app_from_environment() -> FastAPI:
    """The application of a worker process (uvicorn factory): worker processes start
    fresh and get the parent's resolved settings through one environment variable, so
    flags such as ``--db`` hold in every worker."""
    from aggregator.web.app import create_app

    return create_app(Settings(**json.loads(os.environ[SETTINGS_ENV])), warm=True)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn handles them and returns) with
    ``web_workers`` processes. The database is migrated and the secret key made here,
    once, before any worker starts."""
    import uvicorn

    from aggregator.db import open_database
    from aggregator.web.app import create_app

    open_database(settings).dispose()
    settings = replace(settings, secret_key=settings.resolved_secret_key())
    workers = worker_count(settings)
    # Keep-alive longer than uvicorn's 5 s so busy clients do not reuse closed sockets.
    options: dict[str, Any] = dict(
        host=host, port=port, log_level="warning", timeout_keep_alive=30,
        **proxy_options(settings),
    )  # fmt: skip
    if workers == 1:
        uvicorn.run(create_app(settings, warm=True), **options)
        return
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    try:
        # A worker busy starting (imports on a loaded machine) or with a long request must
        # not be taken for dead: uvicorn's 5 s health check would restart it forever.
        uvicorn.run(
            "aggregator.web.serving:app_from_environment",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            **options,
        )
    finally:
        os.environ.pop(SETTINGS_ENV, None)
