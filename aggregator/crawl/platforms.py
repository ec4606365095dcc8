"""Platform discovery: the built-in ``spiders`` package plus entry-point plugins.

A platform is a class deriving from :class:`spiders.base.PlatformMixin` with a
non-empty ``name``: a Scrapy spider (:class:`spiders.base.PlatformSpider`) or a
fetch platform (:class:`spiders.base.FetchPlatform`). Installed packages add
platforms through the entry-point group ``aisafety_jobs.platforms``; each entry
point names a platform class (``pkg.mod:MySpider``) or a module whose platform
classes are all registered. A built-in name cannot be taken over by a plugin.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

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


def _builtin() -> dict[str, type[Any]]:
    import spiders

    found: dict[str, type[Any]] = {}
    for info in sorted(pkgutil.iter_modules(spiders.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"spiders.{info.name}")
        for cls in _platform_classes(module):
            found[cls.name] = cls
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
            found[cls.name] = cls
    return found


def discover_platforms() -> dict[str, type[Any]]:
    """Every registered platform by name (built-in first, then plugins)."""
    builtin = _builtin()
    return {**builtin, **_plugins(builtin)}


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
