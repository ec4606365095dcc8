"""One-pass phrase matching: many regex phrases compiled into a single pattern.

Phrases are matched on whole words of *prepared* text (lower case, one space between
words, plain quotes and dashes). Phrases are expanded so they start with literal text
(``(?:a|b)c`` -> ``ac``, ``bc``) and compiled into one prefix tree, so the regex engine
can jump between candidate first characters and try only the phrases that can start
there. Longer phrases are tried first at a position, and matches do not overlap; an
identical phrase listed for several targets counts for all of them. The
few phrases that cannot start with a literal (``\\d+ years``, look-behinds) are scanned
separately.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")

_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2011": "-",
        "\u2010": "-",
        "\u2014": " - ",
        "\u00a0": " ",
        "\u200b": "",
    }
)
_SPACES = re.compile(r"\s+")
# Whole words: a match ending with a word character must not touch another one. The start
# check sits after the first character (see _tree) so the engine's fast first-character
# search still applies.
_END = r"(?:(?<!\w)|(?!\w))"
_AFTER_WORD_HEAD = r"(?<!\w.)"


def prepare(text: str | None, limit: int | None = None) -> str:
    """Lower-case ``text`` and normalize spaces, quotes and dashes for matching."""
    if not text:
        return ""
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return _SPACES.sub(" ", text.translate(_TRANSLATE).lower()).strip()


def lower_pattern(pattern: str) -> str:
    """Lower-case a regex phrase but keep escapes such as ``\\D`` or ``\\S`` intact."""
    return re.sub(
        r"\\.|[^\\]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern
    )


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used as a phrase, or None when it can."""
    if not pattern.strip():
        return "empty phrase"
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression ({exc})"
    if compiled.groups:
        return "capturing group: write (?:...) instead of (...)"
    if compiled.match(""):
        return "matches the empty string"
    return None


_META = frozenset("\\.^$*+?{}[]|()")
MAX_EXPANSIONS = 48


def _split_top(pattern: str) -> list[str]:
    """Split on ``|`` outside groups and character classes."""
    parts: list[str] = []
    depth = 0
    in_class = False
    escaped = False
    start = 0
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return parts


def _group_end(pattern: str) -> int:
    """Index of the parenthesis closing the group that opens at index 0, or -1."""
    depth = 0
    in_class = False
    escaped = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def expand(pattern: str) -> list[str]:
    """Equivalent alternatives that start with literal text where possible.

    ``(?:strong |solid )?ml experience`` becomes ``strong ml experience``, ``solid ml
    experience`` and ``ml experience``, which the prefix tree can dispatch on.
    """
    result: list[str] = []
    todo = [pattern]
    while todo:
        current = todo.pop()
        alternatives = _split_top(current)
        if len(alternatives) > 1:
            todo.extend(alternatives)
        elif current.startswith("(?:") and (end := _group_end(current)) > 0:
            inner, rest = current[3:end], current[end + 1 :]
            if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
                todo.append(rest[1:])
                todo.extend(alt + rest[1:] for alt in _split_top(inner))
            elif rest[:1] in ("*", "+", "{"):
                result.append(current)
            else:
                todo.extend(alt + rest for alt in _split_top(inner))
        else:
            result.append(current)
        if len(result) + len(todo) > MAX_EXPANSIONS:
            return [pattern]
    return [p for p in result if p] or [pattern]


def _literal_prefix(pattern: str) -> int:
    """Length of the leading literal text that no quantifier applies to."""
    index = 0
    while index < len(pattern) and pattern[index] not in _META:
        index += 1
    if index < len(pattern) and pattern[index] in "*+?{":
        index -= 1  # the last literal is quantified
    return max(index, 0)


def _tree(items: list[tuple[str, str, str]], top: bool = False) -> str:
    """Alternation of (name, literal prefix, rest) items as a compressed prefix tree."""
    leaves = [(name, rest) for name, prefix, rest in items if not prefix]
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for name, prefix, rest in items:
        if prefix:
            groups[prefix[0]].append((name, prefix[1:], rest))
    alternatives: list[tuple[int, str]] = []
    for head, members in groups.items():
        shared = head
        while all(m[1] for m in members) and len({m[1][0] for m in members}) == 1:
            shared += members[0][1][0]
            members = [(n, p[1:], r) for n, p, r in members]
        size = max(len(p) + len(r) for _, p, r in members) + len(shared)
        body = _tree(members)
        literal = re.escape(shared[0])
        if top and (shared[0].isalnum() or shared[0] == "_"):
            literal += _AFTER_WORD_HEAD
        literal += re.escape(shared[1:])
        alternatives.append((size, literal + (f"(?:{body})" if "|" in body else body)))
    for name, rest in leaves:
        alternatives.append((len(rest), f"(?P<{name}>{rest})"))
    alternatives.sort(key=lambda item: -item[0])
    return "|".join(text for _, text in alternatives)


class PhraseMatcher(Generic[T]):
    """Finds phrases in prepared text; each phrase carries one or more targets."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        by_phrase: dict[str, list[T]] = defaultdict(list)
        for phrase, target in entries:
            by_phrase[lower_pattern(phrase)].append(target)
        self.targets: dict[str, tuple[T, ...]] = {}
        items: list[tuple[str, str, str]] = []
        self.general: list[tuple[re.Pattern[str], tuple[T, ...]]] = []
        for index, (phrase, targets) in enumerate(by_phrase.items()):
            for number, variant in enumerate(expand(phrase)):
                cut = _literal_prefix(variant)
                if cut == 0:
                    self.general.append((re.compile(f"(?:{variant}){_END}"), tuple(targets)))
                    continue
                name = f"p{index}_{number}"
                self.targets[name] = tuple(targets)
                items.append((name, variant[:cut], variant[cut:]))
        self.pattern: re.Pattern[str] | None = (
            re.compile("(?:" + _tree(items, top=True) + ")" + _END) if items else None
        )

    def scan(self, text: str) -> list[tuple[str, tuple[T, ...]]]:
        """Every phrase occurrence in prepared ``text``, in order of position."""
        if not text:
            return []
        hits: list[tuple[str, tuple[T, ...]]] = []
        if self.pattern is not None:
            targets = self.targets
            hits = [(m.group(), targets[m.lastgroup or ""]) for m in self.pattern.finditer(text)]
        if self.general:
            found = [(m.start(), m.group(), t) for p, t in self.general for m in p.finditer(text)]
            hits += [
                (g, t)
                for start, g, t in sorted(found, key=lambda f: f[0])
                if _starts_word(text, start)
            ]
        return hits


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (
        text[start].isalnum() and (text[start - 1].isalnum() or text[start - 1] == "_")
    )
