"""``config/programs.toml``: the maintained list of programs and their known cycles.

Format::

    [[programs]]
    key = "mats"                       # unique, snake_case
    name = "MATS"
    org = "MATS"
    kind = "fellowship"                # fellowship | course | grant | residency
    url = "https://www.matsprogram.org/apply"   # the page whose key dates are watched
    dates_selector = "#key-dates"      # optional CSS selector of the key-dates section
    aliases = ["ML Alignment & Theory Scholars"]  # names postings and posts use
    usual_open_months = [5, 11]        # optional: "usually opens in May and November"
    summary = "…"

    [[programs.cycles]]
    label = "Autumn 2026"
    opens = 2026-05-12                 # TOML dates
    deadline = 2026-06-07
    starts = 2026-09-28

Validated with pydantic; every error names the program key and the field.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Program, ProgramCycle
from aggregator.errors import ConfigError
from aggregator.paths import config_file


class CycleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=120)
    opens: date | None = None
    deadline: date | None = None
    starts: date | None = None


class ProgramConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    name: str = Field(min_length=1)
    org: str = Field(min_length=1)
    kind: Literal["fellowship", "course", "grant", "residency"] = "fellowship"
    url: str = Field(pattern=r"^https?://")
    dates_selector: str | None = None
    aliases: list[str] = []
    usual_open_months: list[int] = []
    summary: str = ""
    cycles: list[CycleConfig] = []

    @field_validator("usual_open_months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in value):
            raise ValueError("months are 1-12")
        return value

    def names(self) -> list[str]:
        """Every name a posting or post may use for this program (longest first)."""
        return sorted({self.name, *self.aliases}, key=len, reverse=True)


class ProgramsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programs: list[ProgramConfig]


def load_programs(path: str | Path | None = None) -> list[ProgramConfig]:
    path = Path(path) if path else config_file("programs.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"programs file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"programs file {path} is not valid TOML: {exc}") from None
    try:
        programs = ProgramsFile.model_validate(data).programs
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = list(error["loc"])
            where = "programs file"
            if len(loc) >= 2 and loc[0] == "programs" and isinstance(loc[1], int):
                entries = data.get("programs") or []
                key = entries[loc[1]].get("key") if isinstance(entries[loc[1]], dict) else None
                where = f"program {key!r}" if key else f"programs[{loc[1]}]"
                loc = loc[2:]
            field = ".".join(str(p) for p in loc) or "?"
            lines.append(f"{where}: field '{field}': {error['msg']}")
        raise ConfigError(f"programs file {path} is invalid:\n  " + "\n  ".join(lines)) from None
    keys = [p.key for p in programs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ConfigError(f"programs file {path}: duplicate key(s) {', '.join(duplicates)}")
    return programs


def sync_programs(session: Session, configs: list[ProgramConfig]) -> dict[str, Program]:
    """Create or update programs and their maintained cycles; commit. Detected cycles
    (page, posting, forum) are kept; a maintained cycle with the same label wins."""
    rows = {p.key: p for p in session.scalars(select(Program))}
    for config in configs:
        row = rows.get(config.key)
        if row is None:
            row = Program(key=config.key, name=config.name, org_name=config.org)
            session.add(row)
            rows[config.key] = row
        row.name, row.org_name, row.kind = config.name, config.org, config.kind
        row.url, row.summary = config.url, config.summary
        row.usual_open_months = list(config.usual_open_months)
        existing = {c.label: c for c in row.cycles}
        for cycle in config.cycles:
            target = existing.get(cycle.label)
            if target is None:
                target = ProgramCycle(label=cycle.label, origin="config")
                row.cycles.append(target)
            target.opens_on, target.deadline = cycle.opens, cycle.deadline
            target.starts_on, target.origin = cycle.starts, "config"
    session.commit()
    return {c.key: rows[c.key] for c in configs}
