"""Platform discovery: the built-in ``spiders`` package plus entry-point plugins.

A platform is a Scrapy spider deriving from :class:`spiders.base.PlatformSpider`
(the registry-facing part is :class:`spiders.base.PlatformMixin`) with a non-empty
``name``. Installed packages add
platforms through the entry-point group ``aisafety_jobs.platforms``; each entry
point names a platform class (``pkg.mod:MySpider``) or a module whose platform
classes are all registered. A built-in name cannot be taken over by a plugin;
two built-in classes (or two plugins) with one name are a configuration error.

Each class declares itself (see :mod:`spiders.base`); :func:`platform_table` renders
those declarations as the table of ``docs/adding-a-source.md``.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import types
import typing
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from pydantic.fields import FieldInfo

from aggregator.errors import ConfigError
from aggregator.logs import log

ENTRY_POINT_GROUP = "aisafety_jobs.platforms"
logger = logging.getLogger(__name__)


def _platform_classes(module: ModuleType) -> list[type[Any]]:
    from spiders.base import PlatformMixin

    out = []
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(obj, PlatformMixin)
            and obj.__module__ == module.__name__
            and obj.__dict__.get("name")
        ):
            out.append(obj)
    return out


def _add(found: dict[str, type[Any]], cls: type[Any]) -> None:
    other = found.get(cls.name)
    if other is not None and other is not cls:
        raise ConfigError(
            f"platform name {cls.name!r} is declared twice: {platform_path(other)} and "
            f"{platform_path(cls)}"
        )
    found[cls.name] = cls


def _builtin() -> dict[str, type[Any]]:
    import spiders

    found: dict[str, type[Any]] = {}
    for info in sorted(pkgutil.iter_modules(spiders.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"spiders.{info.name}")
        for cls in _platform_classes(module):
            _add(found, cls)
    return found


def _plugins(builtin: dict[str, type[Any]]) -> dict[str, type[Any]]:
    from spiders.base import PlatformMixin

    found: dict[str, type[Any]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            target = ep.load()
        except Exception as exc:  # a broken plugin must not stop the other sources
            log(logger, logging.WARNING, "platform_plugin_broken", entry_point=ep.name, error=exc)
            continue
        if inspect.ismodule(target):
            classes = _platform_classes(target)
        elif inspect.isclass(target) and issubclass(target, PlatformMixin) and target.name:
            classes = [target]
        else:
            log(logger, logging.WARNING, "platform_plugin_invalid", entry_point=ep.name)
            continue
        for cls in classes:
            if cls.name in builtin:
                log(logger, logging.WARNING, "platform_plugin_shadowed", name=cls.name)
                continue
            _add(found, cls)
    return found


def discover_platforms() -> dict[str, type[Any]]:
    """Every registered platform by name (built-in first, then plugins)."""
    builtin = _builtin()
    return {**builtin, **_plugins(builtin)}


@cache
def board_platforms() -> frozenset[str]:
    """Names of the platforms that declare ``is_board`` (second-hand listings)."""
    return frozenset(name for name, cls in discover_platforms().items() if cls.is_board)


def _type_text(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f'`"{v}"`' for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return " \\| ".join(_type_text(a) for a in args)
    names = {bool: "true/false", str: "text", int: "integer", float: "number"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _option_text(name: str, info: FieldInfo) -> str:
    if info.is_required():
        shown = ", required"
    else:
        shown = "" if info.default is None else f", default `{_literal(info.default)}`"
    return f"`{name}` ({_type_text(info.annotation)}{shown})"


def platform_table(platforms: dict[str, type[Any]] | None = None) -> str:
    """The Markdown table of platforms, options and what ``url`` replaces (for the docs)."""
    platforms = platforms if platforms is not None else discover_platforms()
    lines = [
        "| platform | token | options | default endpoint → what `url` replaces |",
        "|---|---|---|---|",
    ]
    for name in sorted(platforms):
        cls = platforms[name]
        token = "required" if cls.requires_token else "–"
        options = "; ".join(
            _option_text(option, info) for option, info in cls.Options.model_fields.items()
        )
        notes = [cls.url_replaces or "–"]
        if cls.is_board:
            notes.append("A board: items name their employer.")
        if cls.needs_settings:
            needed = ", ".join(f"`{s}`" for s in cls.needs_settings)
            notes.append(f"Skipped unless the setting(s) {needed} are set.")
        lines.append(f"| `{name}` | {token} | {options or '–'} | {' '.join(notes)} |")
    return "\n".join(lines) + "\n"


def platform_path(cls: type[Any]) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def load_platform(path: str) -> type[Any]:
    """The class named by ``module:QualName`` (used inside the crawl subprocess)."""
    module_name, _, qualname = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load platform {path}: {exc}") from None
    result: type[Any] = obj
    return result
