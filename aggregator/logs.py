"""One line per event with key=value context; quiet by default, verbose with -v."""

from __future__ import annotations

import logging
import sys
from typing import Any

_SECRET_KEYS = {"password", "secret", "secret_key", "token", "mail_url", "database_url"}


def _format_value(value: Any) -> str:
    text = str(value)
    if not text or any(c in text for c in ' ="'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
    return text


def kv(event: str, **context: Any) -> str:
    parts = [event]
    for key, value in context.items():
        if key in _SECRET_KEYS:
            value = "***"
        parts.append(f"{key}={_format_value(value)}")
    return " ".join(parts)


def log(logger: logging.Logger, level: int, event: str, **context: Any) -> None:
    if logger.isEnabledFor(level):
        logger.log(level, kv(event, **context))


_handler = logging.StreamHandler(sys.stderr)
_handler.setFormatter(
    logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S")
)


def configure(verbose: bool = False) -> None:
    """Warnings only by default; with ``verbose`` every info line from our own loggers."""
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)
    root.setLevel(logging.WARNING)
    for name in ("aggregator", "spiders"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
