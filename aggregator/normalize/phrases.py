"""Taxonomy phrases: checked when the taxonomy loads, then matched on whole words.

A phrase is a small regular expression over *prepared* text (lower case, one space
between words, plain quotes and dashes). Nearly all phrases only spell out alternatives
("research engineers?", "(?:ml|machine learning) engineers?", "red[- ]?team"): those are
expanded into their literal texts and found in one pass by an Aho-Corasick automaton
(pyahocorasick). Look-arounds around plain text ("rust(?! belt)") keep the literal core in
the automaton and are checked with Python's ``re`` only where the core was found; they
may not repeat anything, so that check is cheap. The few phrases that need a real
regular expression ("\\d+ years", "[^.;]{1,80}") run on google-re2, whose matching time
is linear in the text: a maintainer's "(?:a+)+$" cannot hang the classifier.

Only public APIs are used (no ``re._parser``): the expansion below parses the small
subset of syntax it expands and leaves everything else to the regex engines.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Generic, TypeVar

import ahocorasick
import re2

T = TypeVar("T")
MAX_VARIANTS = 1024  # a phrase spelling out more literal texts is matched as a pattern
MEMO_SIZE = 10_000  # (outer, inner) target pairs whose inherited targets are kept
# Characters a word can follow: each literal starting with a word character is stored
# once behind each of them, so the automaton only reports matches at a word start.
_BREAKS = " ([{/\"'-,.;:!?*+&|<>=~#@$%^`\\_\n\t"
_BREAKS = _BREAKS.replace("_", "")  # "_" is a word character
_WORD = re.compile(r"\w")
_REPEAT_IN_LOOKAROUND = re.compile(r"(?<!\\)[*+{]")
_LOOKAROUND = re.compile(r"\(\?<?[=!]")


class PhraseError(ValueError):
    """A phrase that cannot be used; the message says why and how to write it."""


def lower_pattern(pattern: str) -> str:
    """Lower-case a phrase but keep escapes such as ``\\D`` or ``\\S`` intact."""
    return re.sub(
        r"\\.|[^\\]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern
    )


# ---------------------------------------------------------------------------------------
# Expansion: a phrase -> its literal texts, each with optional look-arounds.
# ---------------------------------------------------------------------------------------


class _NotLiteral(Exception):
    """The phrase uses syntax that does not spell out a finite set of texts."""


# A variant is a tuple of parts: a plain text, or ("?", look-around source).
_Part = str | tuple[str, str]
_Variant = tuple[_Part, ...]


class _Parser:
    """Recursive descent over: literals, escapes of punctuation, small character classes,
    ``(?:...)`` groups with ``|``, ``?`` after any of those, and look-arounds."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def parse(self) -> list[_Variant]:
        variants = self.alternatives()
        if self.i != len(self.p):
            raise _NotLiteral
        return variants

    def alternatives(self) -> list[_Variant]:
        found = self.sequence()
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            found = found + self.sequence()
        return found

    def sequence(self) -> list[_Variant]:
        variants: list[_Variant] = [()]
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self.atom()
            if self.i < len(self.p) and self.p[self.i] == "?":
                self.i += 1
                if self.i < len(self.p) and self.p[self.i] == "?":
                    self.i += 1  # lazy: the same set of texts
                atom = [*atom, ()]
            if self.i < len(self.p) and self.p[self.i] in "*+{":
                raise _NotLiteral
            variants = [v + a for v in variants for a in atom]
            if len(variants) > MAX_VARIANTS:
                raise _NotLiteral
        return variants

    def atom(self) -> list[_Variant]:
        char = self.p[self.i]
        if char == "\\":
            escaped = self.p[self.i + 1 : self.i + 2]
            if not escaped or escaped.isalnum():
                raise _NotLiteral  # \d, \b, \w...: a real pattern
            self.i += 2
            return [(escaped,)]
        if char == "[":
            return [(c,) for c in self.char_class()]
        if char == "(":
            return self.group()
        if char in ".^$*+?{}":
            raise _NotLiteral
        self.i += 1
        return [(char,)]

    def char_class(self) -> list[str]:
        end = self.p.find("]", self.i + 2)
        body = self.p[self.i + 1 : end] if end > 0 else ""
        if not body or body[0] == "^" or "\\" in body:
            raise _NotLiteral
        chars: list[str] = []
        for k, c in enumerate(body):
            if c == "-" and 0 < k < len(body) - 1:
                low, high = chars.pop(), body[k + 1]
                if ord(high) - ord(low) > 4:
                    raise _NotLiteral  # [a-z]: a pattern, not a handful of texts
                chars.extend(chr(o) for o in range(ord(low), ord(high)))
            else:
                chars.append(c)
        self.i = end + 1
        return list(dict.fromkeys(chars))

    def group(self) -> list[_Variant]:
        if self.p.startswith("(?:", self.i):
            self.i += 3
            inner = self.alternatives()
            self.expect_close()
            return inner
        look = _LOOKAROUND.match(self.p, self.i)
        if look is None:
            raise _NotLiteral  # capturing or other groups: left to the checks below
        depth, k = 0, self.i
        while k < len(self.p):  # the look-around's source, kept verbatim
            if self.p[k] == "\\":
                k += 2
                continue
            if self.p[k] == "[":  # a class may hold parentheses: skip it
                k = self.p.find("]", k + 2)
                if k < 0:
                    raise _NotLiteral
            depth += {"(": 1, ")": -1}.get(self.p[k], 0)
            if depth == 0:
                break
            k += 1
        if k >= len(self.p):
            raise _NotLiteral
        source = self.p[self.i : k + 1]
        self.i = k + 1
        return [(("?", source),)]

    def expect_close(self) -> None:
        if self.i >= len(self.p) or self.p[self.i] != ")":
            raise _NotLiteral
        self.i += 1


@cache
def expand(pattern: str) -> tuple[_Variant, ...] | None:
    """The literal texts (with their look-arounds) ``pattern`` stands for, or None when it
    needs a real regular expression."""
    try:
        variants = _Parser(pattern).parse()
    except (_NotLiteral, IndexError):
        return None
    merged = [_merge(v) for v in variants]
    if any(not _core(v) for v in merged):
        return None  # an alternative that is empty or only look-arounds
    return tuple(dict.fromkeys(merged))


def _merge(variant: _Variant) -> _Variant:
    """Adjacent plain characters joined into one text."""
    out: list[_Part] = []
    for part in variant:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] = out[-1] + part
        else:
            out.append(part)
    return tuple(out)


def _core(variant: _Variant) -> str:
    return "".join(p for p in variant if isinstance(p, str))


def _context_source(variant: _Variant) -> str | None:
    """A regex matching the variant with its look-arounds, or None when it has none."""
    if all(isinstance(p, str) for p in variant):
        return None
    return "".join(re.escape(p) if isinstance(p, str) else p[1] for p in variant)


# ---------------------------------------------------------------------------------------
# Checks at load time
# ---------------------------------------------------------------------------------------


def check_phrase(phrase: str) -> None:
    """Raise PhraseError when ``phrase`` (lower-cased) cannot be used, saying why."""
    if not phrase.strip():
        raise PhraseError("empty phrase")
    try:
        compiled = re.compile(phrase)
    except re.error as exc:
        raise PhraseError(f"invalid regular expression ({exc})") from None
    if compiled.groups:
        raise PhraseError("capturing group: write (?:...) instead of (...)")
    if compiled.match(""):
        raise PhraseError("matches the empty string")
    variants = expand(phrase)
    if variants is not None:
        for variant in variants:
            for part in variant:
                if not isinstance(part, str) and _REPEAT_IN_LOOKAROUND.search(part[1]):
                    raise PhraseError(
                        "a look-around may not repeat anything (*, +, {n,m}): list the words"
                    )
        return
    if _LOOKAROUND.search(phrase):
        raise PhraseError(
            "look-arounds are allowed only around plain text, not in a phrase that also "
            "repeats (*, +, {n,m}) or uses classes such as \\d"
        )
    try:
        _re2(phrase)
    except re2.error as exc:
        raise PhraseError(f"not supported by the linear-time engine ({exc})") from None


@cache
def _re2(pattern: str) -> re2._Regexp:
    logging.getLogger("absl").setLevel(logging.ERROR)
    return re2.compile(pattern)


# ---------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------


_Hit = tuple[int, str, tuple[T, ...]]


class PhraseMatcher(Generic[T]):
    """Finds phrases on whole words of prepared text; each phrase carries targets.

    ``scan`` returns (start, matched text, targets). Where a phrase lies inside a longer
    one, ``inherit(outer_targets, target)`` says whether its target still counts (without
    ``inherit`` all do): a skill inside a longer role phrase ("training large language
    models") counts, a role phrase inside a longer phrase of the same role does not.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, T]],
        inherit: Callable[[tuple[T, ...], T], bool] | None = None,
    ) -> None:
        literals: dict[tuple[str, str | None], list[T]] = defaultdict(list)
        patterns: dict[str, list[T]] = defaultdict(list)
        for phrase, target in entries:
            lowered = lower_pattern(phrase)
            check_phrase(lowered)
            variants = expand(lowered)
            if variants is None:
                if target not in patterns[lowered]:
                    patterns[lowered].append(target)
                continue
            for variant in variants:
                bucket = literals[_core(variant), _context_source(variant)]
                if target not in bucket:
                    bucket.append(target)
        self._inherit = inherit or _always
        self._kept: dict[tuple[tuple[T, ...], tuple[T, ...]], tuple[T, ...]] = {}
        by_text: dict[str, tuple[list[T], list[tuple[re.Pattern[str], tuple[T, ...]]]]] = {}
        for (text, context), targets in literals.items():
            plain, contextual = by_text.setdefault(text, ([], []))
            if context is None:
                plain.extend(targets)
            else:
                contextual.append((re.compile(context), tuple(targets)))
        self._automaton: ahocorasick.Automaton | None = None
        if by_text:
            automaton = ahocorasick.Automaton()
            for text, (plain, contextual) in by_text.items():
                # (length, does it end with a word character, targets, look-around checks)
                value = (len(text), _is_word(text[-1]), tuple(plain), tuple(contextual))
                if _WORD.match(text[0]):
                    for before in _BREAKS:
                        automaton.add_word(before + text, value)
                else:
                    automaton.add_word(text, value)
            automaton.make_automaton()
            self._automaton = automaton
        sources = [("\\b" if _WORD.match(p[0]) else "") + p for p in patterns]
        self._pattern_targets = [tuple(t) for t in patterns.values()]
        # One pass over all pattern phrases; the group that matched names the phrase (at
        # one place the first phrase listed wins).
        self._any = _re2("|".join(f"({p})" for p in sources)) if sources else None

    def scan(self, text: str, deadline: float | None = None) -> list[_Hit[T]]:
        """(start, phrase, targets) of every phrase occurrence in prepared ``text``.

        ``deadline`` (a ``time.perf_counter()`` value) stops the pattern phrases once
        passed; literal matching is linear and always completes.
        """
        if not text:
            return []
        found: list[tuple[int, int, tuple[T, ...]]] = []
        padded = " " + text  # a phrase at the very start follows a break too
        size = len(padded)
        if self._automaton is not None:
            for last, (length, word_end, plain, contextual) in self._automaton.iter(padded):
                if word_end and last + 1 < size:
                    after = padded[last + 1]
                    if after.isalnum() or after == "_":
                        continue  # the phrase ends inside a word
                start = last + 1 - length - 1  # in ``text``
                if plain:
                    found.append((start, last, plain))
                for context, targets in contextual:
                    if context.match(text, start) is not None:
                        found.append((start, last, targets))
        if self._any is not None:
            self._scan_patterns(text, found, deadline)
        return self._resolve(text, found)

    def _scan_patterns(
        self, text: str, found: list[tuple[int, int, tuple[T, ...]]], deadline: float | None
    ) -> None:
        assert self._any is not None
        # On ASCII text byte offsets are character offsets: one encoding, not one per call.
        subject: str | bytes = text.encode("ascii") if text.isascii() else text
        for match in self._any.finditer(subject):
            if deadline is not None and time.perf_counter() > deadline:
                return
            start, end = match.span()
            if match.lastindex is not None and _whole_word(text, start, end):
                found.append((start, end, self._pattern_targets[match.lastindex - 1]))

    def _resolve(self, text: str, found: list[tuple[int, int, tuple[T, ...]]]) -> list[_Hit[T]]:
        """Longest match first at each start; a match inside a longer one keeps only the
        targets ``inherit`` allows."""
        found.sort(key=_START_LONGEST)
        hits: list[_Hit[T]] = []
        outer_end = -1
        outer: tuple[T, ...] = ()
        kept_memo = self._kept
        for start, end, targets in found:
            if end <= outer_end:
                kept = kept_memo.get((outer, targets))
                if kept is None:
                    kept = tuple(t for t in targets if self._inherit(outer, t))
                    if len(kept_memo) < MEMO_SIZE:
                        kept_memo[outer, targets] = kept
                if kept:
                    hits.append((start, text[start:end], kept))
                continue
            outer_end, outer = end, targets
            hits.append((start, text[start:end], targets))
        return hits


def _start_longest(hit: tuple[int, int, object]) -> tuple[int, int]:
    return hit[0], -hit[1]


_START_LONGEST = _start_longest


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _whole_word(text: str, start: int, end: int) -> bool:
    if start > 0 and _is_word(text[start]) and _is_word(text[start - 1]):
        return False
    return not (end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]))


def _always(outer: tuple[object, ...], target: object) -> bool:
    return True
