"""Which program's call a posting or forum announcement is (``config/programs.toml`` names).

Every program's name and aliases form one phrase set. A listing is marked as a
program's cycle (its *call*) when

* its title names the program and, for a posting (not a forum post), the classifier
  filed it as a program (fellowship, residency, course, grant, internship); or any call
  signal ("applications are open", "now accepting",
  "deadline", "apply by", "call for mentees", "invitation to lead"…) appears in its
  title or body (a forum post titled "AI Safety Camp 11" or "MARS" whose body says
  applications are open); or
* its title carries a call signal and the opening of its body names the program
  ("Applications open for the winter cohort" whose first lines say it is SPAR's).

A name in all capitals (MATS, ERA, SFF) is matched with its case: "a new era" is no
program. A forum post that names a program without any call signal (a reflection on
MATS, a fund's grant report) is no call, whatever its topic; nor is a listing that
names a program only deep in its body. Rules built on the corpus's train and dev
splits only (forum posts there: 7 marked, all real calls; none of the posts that are
no opportunity marked).
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aggregator.errors import ConfigError
from aggregator.logs import log
from aggregator.normalize.phrases import compile_linear
from aggregator.paths import config_file

# Roles a program's call can be classified as (its name in the title then says which program).
CALL_ROLES = frozenset({"fellowship", "residency", "course", "grant", "internship"})
logger = logging.getLogger(__name__)
#: how much of a body counts as its opening (where an announcement says what it is about)
BODY_OPENING = 400

# google-re2 (linear time): Python's re tries this alternation at every position of a
# body, ~7x slower on the corpus.
_SIGNAL = compile_linear(
    r"(?i)"
    r"\b(?:applications?\s+(?:are\s+|is\s+)?(?:now\s+)?(?:open|close|closing|due|deadline)"
    r"|(?:now\s+)?accepting\s+applications|now\s+open|open\s+for\s+applications"
    r"|apply\s+(?:now|by|here|to|for|before|until|online)|deadline|applications?\s+close"
    r"|call\s+for\s+(?:applications|applicants|mentees|mentors|participants|proposals"
    r"|project\s+leads|scholars|fellows)"
    r"|invitation\s+to\s+(?:apply|lead|join)|(?:we\s+are|we're)\s+(?:recruiting|hiring)"
    r"|submit\s+(?:an?\s+|your\s+)?application|applications?\s+(?:form|portal))",
)


@dataclass(frozen=True)
class ProgramNames:
    """Program key → the names a listing may use for it, compiled."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, programs: Iterable[tuple[str, Iterable[str]]]) -> ProgramNames:
        return cls(tuple((key, _phrase(names)) for key, names in programs))


def _phrase(names: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(word) for word in name.split())
        # Acronyms keep their case; other names match in any case.
        parts.append(escaped if name.isupper() else f"(?i:{escaped})")
    return re.compile(rf"(?<![\w&]){'|'.join(parts)}(?![\w&])")


def read_program_names(path: Path) -> ProgramNames:
    """The phrase set of a programs file (only key, name and aliases are read here:
    ``aggregator.programs.config`` validates the rest)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"programs file {path} cannot be read: {exc}") from None
    entries = []
    for entry in data.get("programs") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        names = [entry.get("name"), *(entry.get("aliases") or [])]
        entries.append((entry["key"], [n for n in names if isinstance(n, str)]))
    return ProgramNames.of(entries)


@lru_cache(maxsize=1)
def bundled_program_names() -> ProgramNames:
    """The bundled file's names; a broken file marks nothing (and says so once) rather
    than failing every crawl: ``programs check`` reports it in full."""
    try:
        return read_program_names(config_file("programs.toml"))
    except ConfigError as exc:
        log(logger, logging.WARNING, "program_names_unreadable", error=exc)
        return ProgramNames(())


def program_calls(
    names: ProgramNames, title: str, body: str, *, role: str, forum: bool
) -> list[str]:
    """Keys of the programs whose call this listing is (usually none, at most a few);
    ``role`` is the classifier's primary role, ``forum`` says it is a forum post."""
    title_signal = _SIGNAL.search(title) is not None
    signal = title_signal or _SIGNAL.search(body) is not None
    opening = body[:BODY_OPENING]
    found = []
    for key, pattern in names.patterns:
        if pattern.search(title):
            if signal or (not forum and role in CALL_ROLES):
                found.append(key)
        elif title_signal and pattern.search(opening):
            found.append(key)
    return found
