"""The remote mode of a posting (remote, hybrid, onsite) from source hints, location
strings and explicit description phrases; None when they say nothing."""

from __future__ import annotations

import re

MAX_HINT_CHARS = 300

_REMOTE_WORD = re.compile(
    r"\b(?:remote|anywhere|worldwide|work from home|wfh|distributed|telecommut\w*)\b", re.I
)
_NOT_REMOTE = re.compile(r"\b(?:not|no|non)[\s-]remote\b", re.I)
_HYBRID_WORD = re.compile(r"\bhybrid\b", re.I)
_ONSITE_WORD = re.compile(
    r"\b(?:on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based)\b", re.I
)
HINTS = {
    "remote": "remote", "fully": "remote", "fully_remote": "remote", "telecommute": "remote",
    "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite", "on_site": "onsite",
    "on site": "onsite", "in_office": "onsite", "in office": "onsite", "office": "onsite",
    "temporary": "hybrid",
}  # fmt: skip

_DESCRIPTION_PHRASES: list[tuple[str, re.Pattern[str]]] = [
    ("onsite", re.compile(r"\b(?:this\s+(?:role|position|job)\s+is\s+not\s+remote"
                          r"|(?:not|isn't)\s+(?:a\s+)?remote\s+(?:role|position))\b", re.I)),
    ("hybrid", re.compile(r"\bin[\s-]office\s+(?:[1-4]|one|two|three|four)\s*(?:-\s*\d\s*)?"
                          r"days?\b|\b(?:[1-4]|one|two|three|four)\s*(?:-\s*\d\s*)?days?\s+"
                          r"(?:a|per|each)\s+week\s+(?:in|at|from)\s+(?:the|our)\s+office"
                          r"|\bhybrid\s+(?:role|position|working|work|schedule|model|"
                          r"arrangement|setup|policy)\b|\b(?:role|position|job)\s+is\s+hybrid\b",
                          re.I)),
    ("remote", re.compile(r"\b(?:this|the)\s+(?:role|position|job)\s+is\s+(?:fully\s+|100%\s+)?"
                          r"remote\b|\bfully[\s-]remote\b|\b100%\s+remote\b|\bremote[\s-]first\b"
                          r"|\bwork\s+(?:fully\s+)?remotely\b|\bremote\s+(?:role|position|job)\b",
                          re.I)),
    ("onsite", re.compile(r"\b(?:this\s+(?:role|position|job)\s+is\s+(?:fully\s+)?(?:based\s+)?"
                          r"(?:on[\s-]?site|in[\s-]person|in[\s-]office)|fully\s+on[\s-]?site"
                          r"|in[\s-]office\s+(?:5|five)\s+days|in[\s-]person\s+(?:role|position))"
                          r"\b", re.I)),
]  # fmt: skip


def remote_from_hint(hint: str | None) -> str | None:
    if not hint or not isinstance(hint, str):
        return None
    key = hint.strip().casefold()
    for variant in (key, key.replace("_", "-"), key.replace("-", ""), key.replace("-", "_")):
        if variant in HINTS:
            return HINTS[variant]
    if key in ("none", "unspecified", "unknown", ""):
        return None
    return mode_of_strings([hint[:MAX_HINT_CHARS]])  # e.g. 80k "Remote, USA"


def mode_of_strings(locations: list[str]) -> str | None:
    text = " ; ".join(locations)
    if _NOT_REMOTE.search(text):
        text = _NOT_REMOTE.sub(" onsite ", text)
    if _REMOTE_WORD.search(text):
        return "remote"
    if _HYBRID_WORD.search(text):
        return "hybrid"
    if _ONSITE_WORD.search(text):
        return "onsite"
    return None


def remote_from_description(text: str) -> str | None:
    sample = text[:50_000]
    for mode, regex in _DESCRIPTION_PHRASES:
        if regex.search(sample):
            return mode
    return None
