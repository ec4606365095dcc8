"""Finding taxonomy phrases on whole words of prepared text, in time linear in the text.

Phrases are checked and expanded by ``phrases`` (their syntax). Literal texts (nearly all
phrases) are found in one pass by an Aho-Corasick automaton (pyahocorasick); look-arounds
around them are checked with Python's ``re`` only where the text was found (they may not
repeat anything); the few phrases that need a real regular expression run on google-re2
in one combined pass, so a maintainer's "(?:a+)+$" cannot hang the classifier.
"""

from __future__ import annotations

import re
import string
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import ahocorasick

from aggregator.normalize.phrases import (
    check_phrase,
    compile_linear,
    context_source,
    core_text,
    expand,
    lower_pattern,
)

T = TypeVar("T")
MEMO_SIZE = 10_000  # (outer, inner) target pairs whose inherited targets are kept
# re2's memory for the combined pattern's DFA. At re2's default (8 MB) the body's pattern
# (years of experience, PhD clauses: many bounded repeats) refilled its state cache over
# and over on long descriptions; 32 MB scans them about twice as fast. Only what a text
# needs is allocated, and the results do not depend on it.
COMBINED_DFA_BYTES = 32 << 20
# The automaton reads text with ASCII punctuation folded to spaces (and a space at each
# end); a literal that starts (ends) with a word character is stored behind (before) one
# space, so it is reported only on whole words, and a small automaton stays in cache.
# A match is confirmed against the original text where the literal holds punctuation.
_FOLD = str.maketrans(dict.fromkeys(string.punctuation.replace("_", "") + "\t\n", " "))
_WORD = re.compile(r"\w")

# ---------------------------------------------------------------------------------------


_Hit = tuple[int, str, tuple[T, ...]]
# (literal, length, 1 when stored with the space after it, holds punctuation, targets,
# look-arounds)
_Entry = tuple[
    str, int, int, bool, tuple[T, ...], tuple[tuple[re.Pattern[str], tuple[T, ...]], ...]
]
# What the automaton stores per key: (distance from the key's last index back to the
# literal's start, to just past its end, targets, entries). Nearly every key is one plain
# literal; then ``entries`` is empty and the first three say all (one append per match).
# Otherwise (punctuation to confirm, look-arounds, several literals) ``entries`` holds them.
_Stored = tuple[int, int, tuple[T, ...], tuple[_Entry[T], ...]]


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
                bucket = literals[core_text(variant), context_source(variant)]
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
            keys: dict[str, list[_Entry[T]]] = defaultdict(list)
            for text, (plain, contextual) in by_text.items():
                folded = text.translate(_FOLD)
                head = " " if _is_word(text[0]) else ""
                tail = " " if _is_word(text[-1]) else ""
                keys[head + folded + tail].append(
                    (
                        text,
                        len(text),
                        len(tail),
                        folded != text,  # holds punctuation: compare with the text
                        tuple(plain),
                        tuple(contextual),
                    )
                )
            automaton = ahocorasick.Automaton()
            for key, group in keys.items():
                automaton.add_word(key, _stored(group))
            automaton.make_automaton()
            self._automaton = automaton
        sources = [("\\b" if _WORD.match(p[0]) else "") + p for p in patterns]
        self._pattern_targets = [tuple(t) for t in patterns.values()]
        # One pass over all pattern phrases; the group that matched names the phrase (at
        # one place the first phrase listed wins).
        self._any = (
            compile_linear("|".join(f"({p})" for p in sources), COMBINED_DFA_BYTES)
            if sources
            else None
        )

    def scan(self, text: str, deadline: float | None = None) -> list[_Hit[T]]:
        """(start, phrase, targets) of every phrase occurrence in prepared ``text``.

        ``deadline`` (a ``time.perf_counter()`` value) stops the pattern phrases once
        passed; literal matching is linear and always completes.
        """
        if not text:
            return []
        found: list[tuple[int, int, tuple[T, ...]]] = []
        if self._automaton is not None:
            # Index i of the folded text is index i - 1 of ``text``; a literal that ends
            # with a word character is stored with the space after it (``tail``).
            append = found.append
            for last, (back, ahead, plain, entries) in self._automaton.iter(_folded(text)):
                if plain:  # (start, -end, targets)
                    append((last - back, ahead - last, plain))
                    continue
                for literal, length, tail, confirm, targets, contextual in entries:
                    end = last - tail
                    start = end - length
                    if confirm and not text.startswith(literal, start):
                        continue
                    if targets:
                        append((start, -end, targets))
                    for context, guarded in contextual:
                        if context.match(text, start) is not None:
                            append((start, -end, guarded))
        if self._any is not None:
            self._scan_patterns(text, found, deadline)
        return self._resolve(text, found)

    def _scan_patterns(
        self, text: str, found: list[tuple[int, int, tuple[T, ...]]], deadline: float | None
    ) -> None:
        assert self._any is not None
        # Always bytes: given a str, the re2 wrapper's Python layer (encoding, offset
        # bookkeeping) costs every call on non-ASCII text (curly quotes, dashes) about twice
        # this scan's own cost, matches or none. On ASCII text byte offsets are character
        # offsets; elsewhere the few matches are mapped back here.
        # A lone surrogate (half an emoji, from a JSON escape) passes as bytes no phrase
        # matches, as in ``_folded``, not as an error. Matches come in order, so mapping
        # them back decodes each byte once (from the text's start each time was quadratic).
        ascii_text = text.isascii()
        subject = text.encode("ascii") if ascii_text else text.encode("utf-8", "surrogatepass")
        mapped_bytes = mapped_chars = 0
        for match in self._any.finditer(subject):
            if deadline is not None and time.perf_counter() > deadline:
                return
            start, end = match.span()
            if not ascii_text:
                mapped_chars += len(subject[mapped_bytes:start].decode("utf-8", "surrogatepass"))
                mapped_bytes = start
                start = mapped_chars
                end = start + len(subject[mapped_bytes:end].decode("utf-8", "surrogatepass"))
            if match.lastindex is not None and _whole_word(text, start, end):
                found.append((start, -end, self._pattern_targets[match.lastindex - 1]))

    def _resolve(self, text: str, found: list[tuple[int, int, tuple[T, ...]]]) -> list[_Hit[T]]:
        """Longest match first at each start; a match inside a longer one keeps only the
        targets ``inherit`` allows."""
        found.sort()  # (start, -end): longest first at each start; tuples sort natively
        hits: list[_Hit[T]] = []
        outer_end = -1
        outer: tuple[T, ...] = ()
        kept_memo = self._kept
        outer_start = -1
        for start, negative_end, targets in found:
            end = -negative_end
            if start == outer_start and end == outer_end:  # the same span: one outer match
                outer += targets
                hits.append((start, text[start:end], targets))
                continue
            if end <= outer_end:
                kept = kept_memo.get((outer, targets))
                if kept is None:
                    kept = tuple(t for t in targets if self._inherit(outer, t))
                    if len(kept_memo) < MEMO_SIZE:
                        kept_memo[outer, targets] = kept
                if kept:
                    hits.append((start, text[start:end], kept))
                continue
            outer_start, outer_end, outer = start, end, targets
            hits.append((start, text[start:end], targets))
        return hits


def _stored(group: list[_Entry[T]]) -> _Stored[T]:
    """What the automaton keeps for one key (see ``_Stored``)."""
    if len(group) == 1:
        _, length, tail, confirm, plain, contextual = group[0]
        if plain and not confirm and not contextual:
            return (length + tail, tail, plain, ())
    return (0, 0, (), tuple(group))


# ASCII text is folded as bytes: a 256-byte table is far cheaper than a str mapping.
_FOLD_BYTES = bytes(range(256)).translate(
    bytes.maketrans(
        (string.punctuation.replace("_", "") + "\t\n").encode(),
        b" " * (len(string.punctuation) - 1 + 2),
    )
)


def _folded(text: str) -> str:
    """``text`` with ASCII punctuation folded to spaces, and a space at each end."""
    if text.isascii():
        return " " + text.encode("ascii").translate(_FOLD_BYTES).decode("ascii") + " "
    # In UTF-8 an ASCII byte only ever stands for itself, so the byte table folds the same
    # characters as the str table, at a fraction of a per-character dict lookup's cost.
    # (surrogatepass: a lone surrogate goes through as before, not as an error here.)
    encoded = text.encode("utf-8", "surrogatepass").translate(_FOLD_BYTES)
    return " " + encoded.decode("utf-8", "surrogatepass") + " "


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _whole_word(text: str, start: int, end: int) -> bool:
    if start > 0 and _is_word(text[start]) and _is_word(text[start - 1]):
        return False
    return not (end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]))


def _always(outer: tuple[object, ...], target: object) -> bool:
    return True
