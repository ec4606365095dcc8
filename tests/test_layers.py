"""Every module of the project has a place in the layer contract that ``lint-imports`` checks
(a new module outside it would be free to import anything)."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import aggregator

ROOT = Path(__file__).resolve().parents[1]


def test_every_top_level_module_is_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    tops = {name.split(".")[1] for name in named if name.startswith("aggregator.")}
    modules = {m.name for m in pkgutil.iter_modules(aggregator.__path__)}
    assert sorted(modules - tops) == []
    assert "spiders" in named
