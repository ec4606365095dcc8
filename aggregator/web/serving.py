"""Running the web app under uvicorn, with forwarded headers trusted only from the
reverse proxies named in the ``trusted_proxies`` setting.

uvicorn's default trusts ``X-Forwarded-For`` from 127.0.0.1, so without a proxy anyone
on the host (or a local tunnel) could claim any client address and slip past the per-IP
sign-up limit; here no address is trusted unless configured.
"""

from __future__ import annotations

import ipaddress
from typing import Any

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


def serve(app: Any, settings: Settings, host: str, port: int) -> None:
    """Serve ``app`` until interrupted (uvicorn handles SIGINT/SIGTERM and returns)."""
    import uvicorn

    # Keep-alive longer than uvicorn's 5 s so busy clients do not reuse closed sockets.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=30,
                **proxy_options(settings))  # fmt: skip
