"""One-pass phrase matching: many regex phrases compiled into a single pattern.

Phrases are matched on whole words of *prepared* text (lower case, one space between
words, plain quotes and dashes). Phrases are expanded so they start with literal text
(``(?:a|b)c`` -> ``ac``, ``bc``) and compiled into one prefix tree, so the regex engine
can jump between candidate first characters and try only the phrases that can start
there. On ASCII text (nearly all) the engine skips to the next non-word character and
tries the tree right after it, instead of testing for a word start at every character.
At each word the longest phrase starting there wins; a phrase listed for several targets
counts for all of them. The few phrases that cannot start with a literal (``\\d+ years``,
look-behinds) are scanned separately.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

from aggregator.normalize.phrases import (
    WORD_START,
    build_tree,
    compiled,
    expand,
    inherit_targets,
    literal_prefix,
    lower_pattern,
    pattern_width,
    sample_text,
)

T = TypeVar("T")

# Whole words: a match ending with a word character must not touch another one (the start
# check is in phrases.build_tree).
_END = r"(?:(?<!\w)|(?!\w))"
_WORDS = "(?:" + WORD_START  # a tree that starts so holds only phrases starting a word
MEMO_SIZE = 50_000


class _Phrase(NamedTuple, Generic[T]):
    prefix: str
    variant: str  # compiled on first use (``phrases.compiled`` caches it)
    targets: tuple[T, ...]


class _Known(NamedTuple, Generic[T]):
    targets: tuple[T, ...]  # of the phrases without look-arounds that match the text
    contextual: tuple[_Phrase[T], ...]  # phrases with look-arounds that might match it
    words: tuple[int, ...]  # offsets of the words after the first


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
            if not all(literal_prefix(v) for v in variants):
                variants = [lowered]
            for variant in variants:
                bucket = general if literal_prefix(variant) == 0 else by_variant
                if target not in bucket[variant]:
                    bucket[variant].append(target)
        if inherit is not None:
            inherit_targets(by_variant, inherit)
        self._inherit: Callable[[tuple[T, ...], T], bool] = inherit or _always
        self.general = [(f"(?:{v}){_END}", tuple(t)) for v, t in general.items()]
        # The combined pattern has no groups (thousands of groups make every match slow);
        # a matched text is mapped back to the phrases that match it, memoized.
        self._plain: dict[str, list[_Phrase[T]]] = defaultdict(list)
        self._contextual: dict[str, list[_Phrase[T]]] = defaultdict(list)
        items: list[tuple[int, str, str]] = []
        for variant, targets in by_variant.items():
            cut = literal_prefix(variant)
            size = len(sample_text(variant) or variant)
            items.append((size, variant[:cut], variant[cut:]))
            entry = _Phrase(variant[:cut], variant, tuple(targets))
            lookaround = any(x in variant for x in ("(?=", "(?!", "(?<=", "(?<!"))
            (self._contextual if lookaround else self._plain)[variant[0]].append(entry)
        self._memo: dict[str, _Known[T]] = {}
        self._tree = "(?:" + build_tree(items, top=True) + ")" + _END if items else None
        self._pattern: re.Pattern[str] | None = None
        self._ascii: tuple[re.Pattern[str], re.Pattern[str]] | None = None
        self._prefixes: tuple[list[str], frozenset[str]] | None = None
        self._kept: dict[tuple[str, str], tuple[T, ...]] = {}

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The combined prefix-tree pattern, compiled on first use."""
        if self._pattern is None and self._tree is not None:
            self._pattern = re.compile(self._tree)
        return self._pattern

    def _ascii_patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        """For ASCII text: the tree, and a non-word character followed by the tree.

        re.ASCII changes nothing on ASCII text but makes each ``\\w`` test a table lookup.
        The second pattern lets the engine skip to the next non-word character with a fast
        character-class scan instead of trying the tree's start check at every position
        (the whole tree then runs only where a word starts). Only when every phrase starts
        with a word character (else None).
        """
        if self._ascii is None and self._tree is not None and self._tree.startswith(_WORDS):
            after_break = r"(?:\W" + self._tree[len(_WORDS) :]
            self._ascii = (re.compile(self._tree, re.ASCII), re.compile(after_break, re.ASCII))
        return self._ascii

    def __getstate__(self) -> dict[str, object]:
        """Pickled without compiled patterns or memo (see ``compile_cache``)."""
        unset: dict[str, object] = {"_pattern": None, "_ascii": None, "_prefixes": None}
        return {**self.__dict__, **unset, "_memo": {}, "_kept": {}}

    def _may_start_phrase(self, text: str) -> bool:
        """False when no phrase of the tree can match at the start of ``text`` whatever
        follows it: none of their literal prefixes agrees with it."""
        if self._prefixes is None:
            phrases = [*self._plain.values(), *self._contextual.values()]
            every = {phrase.prefix for group in phrases for phrase in group}
            self._prefixes = (sorted(every), frozenset(every))
        ordered, prefixes = self._prefixes
        at = bisect.bisect_left(ordered, text)
        if at < len(ordered) and ordered[at].startswith(text):
            return True  # text is the start of a prefix
        return any(text[:size] in prefixes for size in range(1, len(text) + 1))

    def _known(self, matched: str) -> _Known[T]:
        """What a matched text maps to, memoized: the plain phrases' targets, the phrases
        with look-arounds to check in context, and where inner words start."""
        known = self._memo.get(matched)
        if known is not None:
            return known
        union: list[T] = []
        for phrase in self._plain.get(matched[:1], ()):
            if matched.startswith(phrase.prefix) and (
                phrase.variant == matched
                if len(phrase.prefix) == len(phrase.variant)  # plain text
                else compiled(phrase.variant).fullmatch(matched)
            ):
                union.extend(t for t in phrase.targets if t not in union)
        size = len(matched)
        candidates = tuple(  # a phrase that cannot be this long cannot match it
            p
            for p in self._contextual.get(matched[:1], ())
            if matched.startswith(p.prefix)
            and pattern_width(p.variant)[0] <= size
            and size <= pattern_width(p.variant)[1]
        )
        words = tuple(  # later words inside the match where a phrase may start
            i + 1
            for i, char in enumerate(matched)
            if char == " " and self._may_start_phrase(matched[i + 1 :])
        )
        known = _Known(tuple(union), candidates, words)
        if len(self._memo) > MEMO_SIZE:
            self._memo.clear()
            self._kept.clear()
        self._memo[matched] = known
        return known

    def targets_of(self, text: str, start: int, end: int) -> tuple[T, ...]:
        """Targets of every phrase that matches exactly ``text[start:end]`` there."""
        return self._targets(self._known(text[start:end]), text, start, end)

    @staticmethod
    def _targets(known: _Known[T], text: str, start: int, end: int) -> tuple[T, ...]:
        if not known.contextual:
            return known.targets
        found = list(known.targets)
        for phrase in known.contextual:
            m = compiled(phrase.variant).match(text, start)
            if m is not None and m.end() == end:
                found.extend(t for t in phrase.targets if t not in found)
        return tuple(found)

    def scan(self, text: str) -> list[tuple[int, str, tuple[T, ...]]]:
        """(start, phrase, targets) of every phrase occurrence in prepared ``text``."""
        if not text:
            return []
        hits: list[tuple[int, str, tuple[T, ...]]] = []
        is_ascii = text.isascii()
        ascii_patterns = self._ascii_patterns() if is_ascii else None
        if ascii_patterns is not None:
            tree = ascii_patterns[0]
            spans = _spans_after_breaks(tree, ascii_patterns[1], text)
        elif (pattern := self.pattern) is not None:
            tree = pattern
            spans = [m.span() for m in tree.finditer(text)]
        else:
            spans = []
        memo_get = self._memo.get
        known_of = self._known
        targets = self._targets
        inherit = self._inherit
        kept_memo = self._kept
        match = tree.match if spans else None
        for start, end in spans:
            matched = text[start:end]
            known = memo_get(matched) or known_of(matched)
            outer = targets(known, text, start, end) if known.contextual else known.targets
            hits.append((start, matched, outer))
            if not known.words:
                continue
            # Phrases that start at a later word inside this match count too.
            for offset in known.words:
                inner = match(text, start + offset)  # type: ignore[misc]
                if inner is not None:
                    inner_start, inner_end = inner.span()
                    inner_text = text[inner_start:inner_end]
                    inner_known = memo_get(inner_text) or known_of(inner_text)
                    pair = (matched, inner_text)
                    kept = kept_memo.get(pair)  # memoized when no look-around is involved
                    if kept is None:
                        inner_targets = targets(inner_known, text, inner_start, inner_end)
                        kept = tuple(t for t in inner_targets if inherit(outer, t))
                        if not known.contextual and not inner_known.contextual:
                            kept_memo[pair] = kept
                    if kept:
                        hits.append((inner_start, inner_text, kept))
        for general, found_targets in self.general:
            found = compiled(general, re.ASCII if is_ascii else 0).finditer(text)
            hits.extend(
                (m.start(), m.group(), found_targets)
                for m in found
                if _starts_word(text, m.start())
            )
        return hits


def _spans_after_breaks(
    tree: re.Pattern[str], after_break: re.Pattern[str], text: str
) -> list[tuple[int, int]]:
    """The spans ``tree.finditer(text)`` gives, found with ``after_break`` (a non-word
    character, then the tree) past the start of the text."""
    spans = []
    first = tree.match(text)
    resume = 0
    if first is not None:
        spans.append(first.span())
        resume = first.end() - 1
    search = after_break.search
    found = search(text, max(resume, 0))
    while found is not None:  # the next phrase may start right where this one ends
        start, end = found.span()
        spans.append((start + 1, end))
        found = search(text, end - 1)
    return spans


def _always(outer: tuple[object, ...], target: object) -> bool:
    return True


def _starts_word(text: str, start: int) -> bool:
    before = text[start - 1] if start else " "
    return not (text[start].isalnum() and (before.isalnum() or before == "_"))
