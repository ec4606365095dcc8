"""Sections of a long description: which parts are the employer's standard text.

ATS postings share a structure whatever the employer: a blurb about the organisation,
the role, its duties, requirements and nice-to-haves, then pay, benefits, how to apply
and legal text, each under a heading on a line of its own (an HTML heading or bold line
becomes one in :func:`~aggregator.normalize.text.html_to_text`) or run into its paragraph
("About us: ..."). The corpus labels the skills a posting asks for or works on, so a
skill named in the blurb ("our interpretability team"), the benefits or the legal text
should not count towards its ``mentions``. The heading words are data (``[sections]``
of the taxonomy), general words every employer uses, never one employer's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.normalize.prepared import prepare

MAX_HEADING_CHARS = 60  # a longer line is a sentence, not a heading
# A raw line may be longer by the bullets, emoji and markdown stars its heading carries.
_MAX_LINE_CHARS = MAX_HEADING_CHARS + 6
MAX_TAIL_WORDS = 4  # "about <organisation name>", "you may be a good fit if you have:"
_LEAD = re.compile(r"[\W_]+")  # bullets, emoji, '#' before a heading's first word
_LIST_ITEM = ("- ", "* ")  # html_to_text's list items: content, never a heading


@dataclass(frozen=True)
class Headings:
    """Compiled heading words: ``pattern`` matches the longest heading a line begins
    with; ``skip`` holds those whose section does not count."""

    pattern: re.Pattern[str] | None
    skip: frozenset[str]
    first_words: frozenset[str] = frozenset()  # a quick test before the pattern


def compile_headings(skip: tuple[str, ...], count: tuple[str, ...]) -> Headings:
    """Headings of both kinds, longest first (the first alternative that matches wins:
    "about the role" counts although "about" is skipped)."""
    words = sorted({*skip, *count}, key=len, reverse=True)
    if not words:
        return Headings(None, frozenset())
    alternatives = "|".join(r"\s".join(map(re.escape, w.split())) for w in words)
    first = frozenset(w.split()[0] for w in words)
    return Headings(re.compile(rf"(?:{alternatives})(?!\w)"), frozenset(skip), first)


def heading_of(line: str, headings: Headings, unknown: bool = True) -> str | None:
    """The heading ``line`` starts with when the line is a known heading; "" for a line
    that only looks like one (short, no full stop: "Research Fellows Program Overview",
    "The Security for AI team:"); None for any other line. Without ``unknown`` (the
    caller wants known headings only) a line whose first word starts no heading is None
    at once, without the full test."""
    if headings.pattern is None:
        return None
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_LINE_CHARS or stripped.startswith(_LIST_ITEM):
        return None
    if not unknown:  # most short lines are list items or sentences: skip them cheaply
        words = stripped.lower().split(None, 1)
        if _LEAD.match(words[0]) is None and words[0].rstrip(":?!") not in headings.first_words:
            return None
    text = prepare(stripped)
    lead = _LEAD.match(text)
    if lead:
        text = text[lead.end() :]
    if not text or len(text) > MAX_HEADING_CHARS or text.endswith("."):
        return None
    found = headings.pattern.match(text)
    if found is None:
        return ""
    tail = text[found.end() :].lstrip()
    if tail.startswith(":") or len(tail.split()) <= MAX_TAIL_WORDS:
        return found.group()
    return ""


def skipped_spans(description: str, body: str, headings: Headings) -> list[tuple[int, int]]:
    """(start, end) in ``body`` (the prepared ``description``) of the sections whose
    heading is a ``skip`` one: from that heading to the next line that is or looks like
    a heading (an unknown heading inside a blurb starts what is probably the role), and
    of the paragraphs that open with a skip heading and a colon (``_inline_heading``);
    sorted, and merged where they overlap or touch."""
    if headings.pattern is None or "\n" not in description:
        return []
    lines = description.split("\n")
    starts: list[tuple[int, bool]] = []
    inline: list[tuple[int, int]] = []
    cursor = 0
    skipping = False
    for index, line in enumerate(lines):
        if not line or line[0] == "-":  # cheap rejects first
            continue
        if len(line) > _MAX_LINE_CHARS:
            found = _inline_heading(line, body, headings, cursor)
            if found is None:
                continue
            at, end, skip = found
            if skip:
                inline.append((at, end))
            elif skipping:  # "About the role: ..." ends a running blurb
                starts.append((at, False))
                skipping = False
            else:
                continue
            cursor = end
            continue
        heading = heading_of(line, headings, unknown=skipping)
        if heading is None or (heading == "" and not skipping):
            continue
        # The heading with the start of the next line: a heading word alone ("benefits")
        # could also be found inside an earlier sentence.
        following = next((n for n in lines[index + 1 : index + 4] if n.strip()), "")
        key = prepare(f"{line} {' '.join(following.split()[:4])}")
        at = body.find(key, cursor)
        if at == -1:  # inside a boilerplate sentence left out of the body
            continue
        skipping = heading in headings.skip
        starts.append((at, skipping))
        cursor = at + len(key)
    spans: list[tuple[int, int]] = []
    for index, (at, skip) in enumerate(starts):
        if skip:
            end = starts[index + 1][0] if index + 1 < len(starts) else len(body)
            spans.append((at, end))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans + inline):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


_INLINE_REACH = 40  # "About us:", "What we offer:" open their paragraph within this


def _inline_heading(
    line: str, body: str, headings: Headings, cursor: int
) -> tuple[int, int, bool] | None:
    """A paragraph that opens with a known heading and a colon, as plain-text postings run
    the heading into its paragraph ("About us: We are a lab working on interpretability
    ...", "About the role: ..."): its (start, end) in ``body`` and whether the heading is
    a ``skip`` one. A skip heading skips that paragraph only (nothing marks where its
    section ends)."""
    colon = line.find(":", 0, _INLINE_REACH)
    if colon < 3:
        return None
    heading = heading_of(line[:colon], headings, unknown=False)
    if not heading:
        return None
    key = prepare(line)
    at = body.find(key[: _INLINE_REACH * 2], cursor)
    if at == -1:
        return None
    return at, at + len(key), heading in headings.skip
