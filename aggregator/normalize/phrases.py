"""Phrase syntax of the taxonomy: validation, expansion to plain text and prefix trees.

Taxonomy phrases are regular expressions. ``expand`` rewrites them into equivalent
alternatives that start with literal text, ``build_tree`` compiles many of those into one
prefix-tree alternation, ``sample_text`` gives the shortest simple text a phrase
matches, and ``inherit_targets`` uses it to find which shorter phrases a longer one
starts with.
"""

from __future__ import annotations

import itertools
import re
import re._parser as sre_parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

# Start-of-word check, once in front of every phrase that starts with a word character:
# the engine rejects a position inside a word with one test instead of walking the tree.
WORD_START = r"(?<!\w)"


def lower_pattern(pattern: str) -> str:
    """Lower-case a regex phrase but keep escapes such as ``\\D`` or ``\\S`` intact."""
    return re.sub(
        r"\\.|[^\\]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern
    )


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used as a phrase, or None when it can."""
    if not pattern.strip():
        return "empty phrase"
    if not _META.intersection(pattern):
        return None  # plain text (most phrases): valid without compiling it
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


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, char, depth) of the characters outside escapes and character classes;
    ``depth`` counts the groups open before the character."""
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
        else:
            yield index, char, depth
            depth += 1 if char == "(" else -1 if char == ")" else 0


def _split_top(pattern: str) -> list[str]:
    """Split on ``|`` outside groups and character classes."""
    cuts = [i for i, char, depth in _syntax(pattern) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in itertools.pairwise(bounds)]


def _group_end(pattern: str) -> int:
    """Index of the parenthesis closing the group that opens at index 0, or -1."""
    for index, char, depth in _syntax(pattern):
        if char == ")" and depth == 1:
            return index
    return -1


def expand(pattern: str) -> list[str]:
    """Equivalent alternatives that are plain text where possible.

    ``(?:strong |solid )?ml experience`` becomes ``strong ml experience``, ``solid ml
    experience`` and ``ml experience``, which the prefix tree can dispatch on. Every
    ``(?:...)`` group is expanded when that gives at most MAX_EXPANSIONS variants, else
    only the leading ones.
    """
    return list(_expand_cached(pattern))


@cache
def _expand_cached(pattern: str) -> tuple[str, ...]:
    found = _expand(pattern, everywhere=True) or _expand(pattern, everywhere=False)
    return tuple(found or [pattern])


def _expand(pattern: str, everywhere: bool) -> list[str] | None:
    result: list[str] = []
    todo = [pattern]
    while todo:
        current = todo.pop()
        alternatives = _split_top(current)
        at = _first_group(current) if everywhere else (0 if current.startswith("(?:") else -1)
        if len(alternatives) > 1:
            todo.extend(alternatives)
        elif at >= 0 and (end := _group_end(current[at:])) > 0:
            head, inner, rest = current[:at], current[at + 3 : at + end], current[at + end + 1 :]
            if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
                todo.append(head + rest[1:])
                todo.extend(head + alt + rest[1:] for alt in _split_top(inner))
            elif rest[:1] in ("*", "+", "{"):
                result.append(current)
            else:
                todo.extend(head + alt + rest for alt in _split_top(inner))
        else:
            result.append(current)
        if len(result) + len(todo) > MAX_EXPANSIONS:
            return None
    return [p for p in result if p] or None


def _first_group(pattern: str) -> int:
    """Index of the first group when it is an expandable ``(?:...)``, else -1."""
    for index, char, _ in _syntax(pattern):
        if char == "(":
            end = _group_end(pattern[index:])
            after = pattern[index + end + 1 : index + end + 2]
            if pattern.startswith("(?:", index) and end > 0 and after not in ("*", "+", "{"):
                return index
            return -1
    return -1


def literal_prefix(pattern: str) -> int:
    """Length of the leading literal text that no quantifier applies to."""
    index = 0
    while index < len(pattern) and pattern[index] not in _META:
        index += 1
    if index < len(pattern) and pattern[index] in "*+?{":
        index -= 1  # the last literal is quantified
    return max(index, 0)


def build_tree(items: list[tuple[int, str, str]], top: bool = False) -> str:
    """Alternation of (size, literal prefix, rest) items as a compressed prefix tree.

    At each node the alternatives with the larger ``size`` (the phrase's shortest match
    length) come first, so longer phrases win over shorter ones starting the same way.
    """
    leaves = [(size, rest) for size, prefix, rest in items if not prefix]
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for size, prefix, rest in items:
        if prefix:
            groups[prefix[0]].append((size, prefix[1:], rest))
    alternatives: list[tuple[int, str]] = list(leaves)
    words: list[tuple[int, str]] = []  # top level: alternatives starting a word
    for head, members in groups.items():
        shared = head
        while all(m[1] for m in members) and len({m[1][0] for m in members}) == 1:
            shared += members[0][1][0]
            members = [(n, p[1:], r) for n, p, r in members]
        body = build_tree(members)
        literal = re.escape(shared)
        size = max(m[0] for m in members)
        word = top and (shared[0].isalnum() or shared[0] == "_")
        (words if word else alternatives).append(
            (size, literal + (f"(?:{body})" if "|" in body else body))
        )
    if words:  # alternatives of different first characters: their order does not matter
        words.sort(key=lambda item: -item[0])
        alternatives.append((0, WORD_START + "(?:" + "|".join(t for _, t in words) + ")"))
    alternatives.sort(key=lambda item: -item[0])
    return "|".join(text for _, text in alternatives)


@cache
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` with an unbounded cache (phrases repeat across fields)."""
    return re.compile(pattern, flags)


@cache
def pattern_width(pattern: str) -> tuple[int, int]:
    """Least and most characters a match of ``pattern`` spans (look-arounds span none)."""
    low, high = sre_parse.parse(pattern).getwidth()
    return low, high


@cache
def sample_text(pattern: str) -> str | None:
    """The shortest simple text ``pattern`` matches (optional parts left out), or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return _sample(list(parsed))


def _sample(items: list[Any]) -> str | None:
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL" or name == "ANY":
            out.append("x")
        elif name == "IN":
            chars = [chr(a) for o, a in arg if str(o) == "LITERAL"]
            out.append(" " if " " in chars else (chars[0] if chars else "x"))
        elif name == "BRANCH":
            part = _sample(list(arg[1][0]))
            if part is None:
                return None
            out.append(part)
        elif name == "SUBPATTERN":
            part = _sample(list(arg[-1]))
            if part is None:
                return None
            out.append(part)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, sub = arg
            part = _sample(list(sub))
            if part is None:
                return None
            out.append(part * low)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            return None
    return "".join(out)


def inherit_targets(
    by_variant: dict[str, list[T]], inherit: Callable[[tuple[T, ...], T], bool]
) -> None:
    """Give each phrase the inheritable targets of shorter phrases it begins with."""
    by_head: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for variant in by_variant:
        cut = literal_prefix(variant)
        if cut:
            by_head[variant[0]].append((variant, variant[:cut]))
    extra: dict[str, list[T]] = defaultdict(list)
    for variant in by_variant:
        sample = sample_text(variant)
        if not sample or compiled(variant).fullmatch(sample) is None:
            continue
        outer = tuple(by_variant[variant])
        for other, prefix in by_head.get(sample[0], ()):
            if other == variant or not sample.startswith(prefix):
                continue
            match = compiled(other).match(sample)
            if match is not None and _ends_word(sample, match.end()):
                extra[variant].extend(t for t in by_variant[other] if inherit(outer, t))
    for variant, targets in extra.items():
        for target in targets:
            if target not in by_variant[variant]:
                by_variant[variant].append(target)


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
