"""One-pass phrase matching: many regex phrases compiled into a single pattern.

Phrases are matched on whole words of *prepared* text (lower case, one space between
words, plain quotes and dashes). Phrases are expanded so they start with literal text
(``(?:a|b)c`` -> ``ac``, ``bc``) and compiled into one prefix tree, so the regex engine
can jump between candidate first characters and try only the phrases that can start
there. At each word the longest phrase starting there wins; a phrase listed for several
targets counts for all of them. The
few phrases that cannot start with a literal (``\\d+ years``, look-behinds) are scanned
separately.
"""

from __future__ import annotations

import re
import re._parser as sre_parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, TypeVar

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
    return " ".join(text.translate(_TRANSLATE).lower().split())


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
MEMO_SIZE = 50_000


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
    """Equivalent alternatives that are plain text where possible.

    ``(?:strong |solid )?ml experience`` becomes ``strong ml experience``, ``solid ml
    experience`` and ``ml experience``, which the prefix tree can dispatch on. Every
    ``(?:...)`` group is expanded when that gives at most MAX_EXPANSIONS variants, else
    only the leading ones.
    """
    return _expand(pattern, everywhere=True) or _expand(pattern, everywhere=False) or [pattern]


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
    """Index of the first ``(?:`` outside character classes and other groups, or -1."""
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
            end = _group_end(pattern[index:])
            after = pattern[index + end + 1 : index + end + 2]
            if pattern.startswith("(?:", index) and end > 0 and after not in ("*", "+", "{"):
                return index
            return -1
    return -1


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
    alternatives.extend((len(rest), rest) for _, rest in leaves)
    alternatives.sort(key=lambda item: -item[0])
    return "|".join(text for _, text in alternatives)


class _Phrase(NamedTuple, Generic[T]):
    prefix: str
    pattern: re.Pattern[str]
    targets: tuple[T, ...]


class PhraseMatcher(Generic[T]):
    """Finds phrases in prepared text; each phrase carries one or more targets.

    At each word the longest phrase starting there matches. ``inherit(outer, target)``
    says whether a target of a shorter phrase still counts inside a longer match
    (``outer`` holds the longer phrase's targets): a longer phrase takes such targets over
    from the shorter phrases it starts with, and phrases starting at a later word inside a
    match contribute them, so that, say, a skill inside a longer role phrase ("training
    large language models") still counts. Without ``inherit`` all do.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, T]],
        inherit: Callable[[tuple[T, ...], T], bool] | None = None,
    ) -> None:
        by_variant: dict[str, list[T]] = defaultdict(list)
        general: dict[str, list[T]] = defaultdict(list)
        for phrase, target in entries:
            lowered = lower_pattern(phrase)
            variants = expand(lowered)
            if not all(_literal_prefix(v) for v in variants):
                variants = [lowered]
            for variant in variants:
                bucket = general if _literal_prefix(variant) == 0 else by_variant
                if target not in bucket[variant]:
                    bucket[variant].append(target)
        if inherit is not None:
            _inherit(by_variant, inherit)
        self._inherit: Callable[[tuple[T, ...], T], bool] = inherit or (lambda _, __: True)
        self.general = [(re.compile(f"(?:{v}){_END}"), tuple(t)) for v, t in general.items()]
        # The combined pattern has no groups (thousands of groups make every match slow);
        # a matched text is mapped back to the phrases that match it, memoized.
        self._plain: dict[str, list[_Phrase[T]]] = defaultdict(list)
        self._contextual: dict[str, list[_Phrase[T]]] = defaultdict(list)
        items: list[tuple[str, str, str]] = []
        for variant, targets in by_variant.items():
            cut = _literal_prefix(variant)
            items.append(("", variant[:cut], variant[cut:]))
            entry = _Phrase(variant[:cut], re.compile(variant), tuple(targets))
            lookaround = any(x in variant for x in ("(?=", "(?!", "(?<=", "(?<!"))
            (self._contextual if lookaround else self._plain)[variant[0]].append(entry)
        self._memo: dict[str, tuple[tuple[T, ...], tuple[_Phrase[T], ...]]] = {}
        self.pattern: re.Pattern[str] | None = (
            re.compile("(?:" + _tree(items, top=True) + ")" + _END) if items else None
        )

    def targets_of(self, text: str, start: int, end: int) -> tuple[T, ...]:
        """Targets of every phrase that matches exactly ``text[start:end]`` there."""
        matched = text[start:end]
        memo = self._memo.get(matched)
        if memo is None:
            union: list[T] = []
            for phrase in self._plain.get(matched[:1], ()):
                if matched.startswith(phrase.prefix) and phrase.pattern.fullmatch(matched):
                    union.extend(t for t in phrase.targets if t not in union)
            candidates = tuple(
                p for p in self._contextual.get(matched[:1], ()) if matched.startswith(p.prefix)
            )
            memo = (tuple(union), candidates)
            if len(self._memo) > MEMO_SIZE:
                self._memo.clear()
            self._memo[matched] = memo
        found, candidates = memo
        if candidates:
            extra = list(found)
            for phrase in candidates:
                m = phrase.pattern.match(text, start)
                if m is not None and m.end() == end:
                    extra.extend(t for t in phrase.targets if t not in extra)
            found = tuple(extra)
        return found

    def scan(self, text: str) -> list[tuple[int, str, tuple[T, ...]]]:
        """(start, phrase, targets) of every phrase occurrence in prepared ``text``."""
        if not text:
            return []
        hits: list[tuple[int, str, tuple[T, ...]]] = []
        pattern = self.pattern
        if pattern is not None:
            targets_of = self.targets_of
            for m in pattern.finditer(text):
                start, end = m.span()
                outer = targets_of(text, start, end)
                hits.append((start, m.group(), outer))
                # Phrases that start at a later word inside this match count too.
                space = text.find(" ", start, end)
                while space != -1:
                    inner = pattern.match(text, space + 1)
                    if inner is not None:
                        inner_targets = targets_of(text, *inner.span())
                        kept = tuple(t for t in inner_targets if self._inherit(outer, t))
                        if kept:
                            hits.append((space + 1, inner.group(), kept))
                    space = text.find(" ", space + 1, end)
        for general, found_targets in self.general:
            found = general.finditer(text)
            hits.extend(
                (m.start(), m.group(), found_targets)
                for m in found
                if _starts_word(text, m.start())
            )
        return hits


def _starts_word(text: str, start: int) -> bool:
    before = text[start - 1] if start else " "
    return not (text[start].isalnum() and (before.isalnum() or before == "_"))


def _inherit(by_variant: dict[str, list[T]], inherit: Callable[[tuple[T, ...], T], bool]) -> None:
    """Give each phrase the inheritable targets of shorter phrases it begins with."""
    compiled = {v: re.compile(v) for v in by_variant}
    by_head: dict[str, list[str]] = defaultdict(list)
    for variant in by_variant:
        if _literal_prefix(variant):
            by_head[variant[0]].append(variant)
    extra: dict[str, list[T]] = defaultdict(list)
    for variant in by_variant:
        sample = sample_text(variant)
        if not sample or compiled[variant].fullmatch(sample) is None:
            continue
        for other in by_head.get(sample[0], []):
            if other == variant or not sample.startswith(other[: _literal_prefix(other)]):
                continue
            match = compiled[other].match(sample)
            if match is None or not _ends_word(sample, match.end()):
                continue
            outer = tuple(by_variant[variant])
            extra[variant].extend(t for t in by_variant[other] if inherit(outer, t))
    for variant, targets in extra.items():
        for target in targets:
            if target not in by_variant[variant]:
                by_variant[variant].append(target)


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())


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
