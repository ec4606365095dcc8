"""Mentors and teams a posting names, so that a visitor can follow them.

Conservative on purpose (a wrong name would email strangers' followers): only people
introduced as mentors ("mentors include A, B and C", "mentored by A and B",
"Mentor: A", "Project lead: A") whose names are two to four capitalised words; a list
ends with its sentence or at its first item that is not a name (a one-word name,
"Janus", is passed over: too ambiguous to follow). Teams: the source's department, and
the team an "About the team" section opens with ("The Frontier Red Team (FRT) is…",
"The Alignment team at …"). Built on the corpus's train and dev splits only.
"""

from __future__ import annotations

import re

from aggregator.normalize.phrases import compile_linear

MAX_NAMES = 20
NAME_MAX = 80
_WORD = r"[A-Z][a-z'’\-]+"
_NAME = re.compile(rf"{_WORD}(?:\s{_WORD}){{1,3}}")
_INTRO = compile_linear(  # google-re2: linear time over long bodies
    r"(?i)"
    r"\b(?:(?:potential\s+)?mentors?\s+(?:will\s+)?(?:include|includes|including|are)\s*:?"
    r"|mentored\s+by|(?:mentors?|project\s+leads?|research\s+leads?)\s*:)[ \t]*",
)
# An item separator: a comma, "and", or a new line with an optional bullet.
_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|\n)\s*")
_BULLET = " \t-•*"
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
_ONE_WORD = re.compile(_WORD)
_ABOUT_TEAM = compile_linear(r"(?i)\bAbout\s+the\s+team\b")
_TEAM = re.compile(
    r"\b(?:The|the|Our|our)\s+((?:[A-Z][\w&’'-]*\s+(?:(?:and|&)\s+)?){1,5}?)(team|Team)\b"
)
TEAM_WINDOW = 200  # characters after "About the team" that may name it


def _names_after(text: str) -> list[str]:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    names = []
    for item in _SEPARATOR.split(sentence):
        item = item.strip(_BULLET)
        if not item or _ONE_WORD.fullmatch(item):
            continue  # blank lines between bullets; a one-word name is too ambiguous
        if not _NAME.fullmatch(item):
            break
        names.append(" ".join(item.split()))
    return names


def mentor_names(text: str) -> list[str]:
    """People the text introduces as mentors or project leads, in order, once each."""
    found: dict[str, str] = {}
    for intro in _INTRO.finditer(text):
        rest = text[intro.end() : intro.end() + 600]
        for name in _names_after(rest):
            found.setdefault(name.casefold(), name[:NAME_MAX])
            if len(found) >= MAX_NAMES:
                return list(found.values())
    return list(found.values())


def team_names(text: str, department: str | None) -> list[str]:
    """The source's department and the team an "About the team" section names."""
    found: dict[str, str] = {}
    if department and department.strip():
        name = " ".join(department.split())[:NAME_MAX]
        found[name.casefold()] = name
    about = _ABOUT_TEAM.search(text)
    if about is not None:
        window = text[about.end() : about.end() + TEAM_WINDOW]
        match = _TEAM.search(window)
        if match is not None:
            name = " ".join(f"{match.group(1)}{match.group(2)}".split())[:NAME_MAX]
            found.setdefault(name.casefold(), name)
    return list(found.values())
