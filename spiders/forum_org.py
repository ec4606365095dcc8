"""The hiring organization named in a forum post's title.

Forum feeds (EA Forum, LessWrong, Alignment Forum) carry the forum as the feed's org,
but a post such as "Apollo Research is hiring research engineers" or "[Job] Research
Engineer at Apart Research" names the employer. ``hiring_org(title)`` returns that name,
or None when the title does not say who is hiring (the caller then keeps the forum).
It prefers saying nothing over guessing: the name must look like a proper name.
"""

from __future__ import annotations

import re

# A proper name: capitalized words (or acronyms, digits), joined by a few small words.
_WORD = r"[A-Z0-9][\w.&'’+-]*"
_NAME = rf"{_WORD}(?:\s+(?:of|for|the|and|&|on|in|{_WORD})){{0,6}}"
_HIRING = r"(?i:hiring|recruiting|looking\s+for|seeking|searching\s+for|expanding)"
_PATTERNS = [
    # "Apollo Research is hiring ...", "METR are looking for ..."
    re.compile(
        rf"^(?:\[[^\]]{{1,30}}\]\s*)?(?P<org>{_NAME})\s+(?:is|are)\s+(?:now\s+)?{_HIRING}\b"
    ),
    # "Apart Research: we're hiring", "FAR.AI - hiring ..."
    re.compile(
        rf"^(?:\[[^\]]{{1,30}}\]\s*)?(?P<org>{_NAME})\s*[:|\u2013\u2014-]\s*"
        rf"(?i:(?:we(?:'|’)?re\s+|we\s+are\s+|now\s+)?{_HIRING})\b"
    ),
    # "Join Conjecture as a research engineer"
    re.compile(rf"^(?:\[[^\]]{{1,30}}\]\s*)?(?i:join)\s+(?P<org>{_NAME})\s+(?i:as|to|in|for)\b"),
    # "We're hiring: research engineers at Apart Research", "[Job] X at Y"
    re.compile(rf"\s(?i:at|@)\s+(?P<org>{_NAME})"),
]
_AT = len(_PATTERNS) - 1
# "... at Y" names an employer only after a job (not "my job at Y") or in a hiring post.
_TAGGED = re.compile(r"^\[(?:job|jobs|hiring|vacancy|role|position|opportunity)\]", re.I)
_HIRING_WORD = re.compile(r"\b(?:hiring|recruiting)\b", re.I)
_ROLE_END = re.compile(
    r"\b(?:engineers?|scientists?|researchers?|managers?|analysts?|leads?|directors?|"
    r"fellows?|interns?|roles?|positions?|openings?|associates?|officers?|specialists?|"
    r"contractors?|developers?|designers?|assistants?|coordinators?|staff|head of [\w ]+)"
    r"(?:\s*\([^)]{0,40}\))?\s*$",
    re.I,
)
_NOT_ORG = frozenset(
    [
        "we",
        "we're",
        "we’re",
        "i",
        "our",
        "my",
        "this",
        "the",
        "a",
        "an",
        "applications",
        "application",
        "apply",
        "join",
        "hiring",
        "job",
        "jobs",
        "now",
        "new",
        "open",
        "opportunity",
        "opportunities",
        "remote",
        "call",
        "update",
        "announcing",
    ]
)
_CONNECTORS = frozenset({"of", "for", "the", "and", "&", "on", "in"})
MAX_ORG = 80


def hiring_org(title: str) -> str | None:
    """The employer a forum post title names as hiring, else None."""
    if not isinstance(title, str) or not title.strip():
        return None
    text = " ".join(title.split())[:300]
    for index, pattern in enumerate(_PATTERNS):
        match = pattern.search(text)
        if match is None:
            continue
        before = text[: match.start()]
        if index == _AT and not (
            _TAGGED.match(text) or _HIRING_WORD.search(before) or _ROLE_END.search(before)
        ):
            continue
        org = _clean(match.group("org"))
        if org is not None:
            return org
    return None


def _clean(name: str) -> str | None:
    words = name.strip(" .,'’-").split()
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    while words and words[0].lower() in ("the",):
        words.pop(0)
    if not words or words[0].lower() in _NOT_ORG or len(" ".join(words)) > MAX_ORG:
        return None
    if len(words) == 1 and words[0].lower() in _NOT_ORG:
        return None
    return " ".join(words)
