"""Text prepared for phrase matching: lower case, one space between words, plain
quotes and dashes, employer boilerplate left out."""

from __future__ import annotations

import re

# Typographic characters replaced for matching (none is ASCII, no replacement holds one).
_REPLACE = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2013", "-"),
    ("\u2011", "-"),
    ("\u2010", "-"),
    ("\u2014", " - "),
    ("\u00a0", " "),
    ("\u200b", ""),
)
DROP_BEFORE = 300
DROP_AFTER = 400
_SENTENCE_ENDS = (". ", ".\n", "\n\n")


def prepare(
    text: str | None,
    limit: int | None = None,
    drop: re.Pattern[str] | None = None,
    drop_words: tuple[tuple[str, ...], ...] | None = None,
) -> str:
    """Lower-case ``text`` and normalize spaces, quotes and dashes for matching.

    ``drop`` finds boilerplate markers (lower case); the sentence around each one is left
    out (at most DROP_BEFORE characters before and DROP_AFTER after the marker).
    ``drop_words`` (optional) holds the words of each marker: ``drop`` is searched only in
    text that contains all words of one of them (plain substring tests are much faster).
    """
    if not text or not isinstance(text, str):
        return ""
    if limit is not None and len(text) > limit:
        text = text[:limit]
    if not text.isascii():  # a few substring tests beat a per-character translate
        for char, replacement in _REPLACE:
            if char in text:
                text = text.replace(char, replacement)
    text = text.lower()
    if drop is not None and (drop_words is None or _has_all_words_of_one(text, drop_words)):
        text = _drop_sentences(text, drop)
    return _single_spaced(text)


def _has_all_words_of_one(text: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    for words in groups:  # plain loops: generators would cost more than the tests
        for word in words:
            if word not in text:
                break
        else:
            return True
    return False


def _single_spaced(text: str) -> str:
    """``" ".join(text.split())``, without splitting text whose only spacing is line
    breaks and spaces (descriptions: paragraphs and list items)."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if not text.isprintable():  # tabs, other control or separator characters
        return " ".join(text.split())
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def _drop_sentences(text: str, drop: re.Pattern[str]) -> str:
    kept: list[str] = []
    done = 0
    for marker in drop.finditer(text):
        begin, finish = marker.span()
        if begin < done:
            continue
        low = max(begin - DROP_BEFORE, done)
        start = max(low, text.rfind(". ", low, begin) + 1, text.rfind("\n", low, begin))
        ends = [i for i in (text.find(end, finish) for end in _SENTENCE_ENDS) if i != -1]
        end = min([*ends, finish + DROP_AFTER, len(text)])
        kept.append(text[done:start])
        done = end + 1
    if not kept:
        return text
    kept.append(text[done:])
    return "\n".join(kept)
