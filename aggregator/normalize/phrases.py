"""Taxonomy phrase syntax: checks when the taxonomy loads, and expansion to literal texts.

A phrase is a small regular expression over *prepared* text (lower case, one space
between words, plain quotes and dashes). Nearly all phrases only spell out alternatives
("research engineers?", "(?:ml|machine learning) engineers?", "red[- ]?team"): ``expand``
turns those into their literal texts, keeping look-arounds around plain text
("rust(?! belt)") beside the text they guard. Phrases that need a real regular
expression ("\\d+ years", "[^.;]{1,80}") are compiled by ``compile_linear`` for
google-re2, whose matching time is linear in the text. ``phrase_matcher`` finds them.

Only public APIs are used (no ``re._parser``): ``_Parser`` reads the small subset of
syntax it expands and leaves everything else to the regex engines.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import re2

MAX_VARIANTS = 1024  # a phrase spelling out more literal texts is matched as a pattern
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
    if any(not core_text(v) for v in merged):
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


def core_text(variant: _Variant) -> str:
    return "".join(p for p in variant if isinstance(p, str))


def context_source(variant: _Variant) -> str | None:
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
        compile_linear(phrase)
    except re2.error as exc:
        raise PhraseError(f"not supported by the linear-time engine ({exc})") from None


@cache
def compile_linear(pattern: str, max_mem: int | None = None) -> re2._Regexp:
    """``pattern`` compiled for google-re2 (no backtracking: linear time in the text);
    ``max_mem``: bytes re2 may use for it (its default when None)."""
    logging.getLogger("absl").setLevel(logging.ERROR)
    if max_mem is None:
        return re2.compile(pattern)
    options = re2.Options()
    options.max_mem = max_mem
    return re2.compile(pattern, options)
