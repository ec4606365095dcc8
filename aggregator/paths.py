"""Where the bundled data folders live, from a checkout or from an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_folder(name: str) -> Path:
    """``config`` or ``digest_templates``: in the wheel under ``aggregator/_data``,
    in a checkout at the project root."""
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def config_file(name: str) -> Path:
    return data_folder("config") / name
