"""Role and skill options of the list's filters in groups (``config/filter_groups.toml``):
roles as jobs, programs, funding & study; skills as research areas and tools."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from aggregator.errors import ConfigError
from aggregator.paths import config_file
from aggregator.search.counts import FacetValue

FILE = "filter_groups.toml"
KINDS = ("role", "skill")


@dataclass
class Group:
    title: str
    values: list[FacetValue]


@lru_cache(maxsize=1)
def group_order() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Per kind, each group's title and values in order, as configured."""
    path = config_file(FILE)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for kind in KINDS:
        out[kind] = [(str(g["title"]), tuple(str(v) for v in g["values"])) for g in data[kind]]
    return out


def grouped(kind: str, values: list[FacetValue]) -> list[Group]:
    """``values`` (a facet's options) in the configured groups and order; options no group
    names (a taxonomy newer than the file) go to the last group. Empty groups are left out."""
    by_value = {v.value: v for v in values}
    groups: list[Group] = []
    placed: set[str] = set()
    for title, names in group_order()[kind]:
        members = [by_value[n] for n in names if n in by_value]
        placed.update(names)
        groups.append(Group(title, members))
    rest = [v for v in values if v.value not in placed]
    if rest and groups:
        groups[-1].values.extend(rest)
    return [g for g in groups if g.values]
