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


class _Compiled(NamedTuple):
    tree: re.Pattern[str]
    search: Callable[[str, int], re.Match[str] | None]  # the next match from a position
    break_width: int  # 1 when a match includes the non-word character before the phrase


_Hit = tuple[int, str, tuple[T, ...]]


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
        self._compiled: dict[bool, _Compiled] = {}  # by "is the text ASCII"
        self._prefixes: tuple[list[str], frozenset[str]] | None = None
        self._kept: dict[tuple[str, str], tuple[T, ...]] = {}

    def _patterns(self, is_ascii: bool) -> _Compiled | None:
        """The tree and how to find its next match, compiled on first use.

        When every phrase starts with a word character, the next match is searched as a
        non-word character followed by the tree: the engine skips to such characters with
        a fast character-class scan instead of testing for a word start at every position.
        On ASCII text re.ASCII changes nothing but makes each ``\\w`` test a table lookup.
        """
        if self._tree is None:
            return None
        found = self._compiled.get(is_ascii)
        if found is None:
            flags = re.ASCII if is_ascii else 0
            tree = re.compile(self._tree, flags)
            if self._tree.startswith(_WORDS):
                after_break = re.compile(r"(?:\W" + self._tree[len(_WORDS) :], flags)
                found = _Compiled(tree, after_break.search, 1)
            else:
                found = _Compiled(tree, tree.search, 0)
            self._compiled[is_ascii] = found
        return found

    def __getstate__(self) -> dict[str, object]:
        """Pickled without compiled patterns or memo (see ``compile_cache``)."""
        return {**self.__dict__, "_compiled": {}, "_prefixes": None, "_memo": {}, "_kept": {}}

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

    def scan(self, text: str) -> list[_Hit[T]]:
        """(start, phrase, targets) of every phrase occurrence in prepared ``text``."""
        if not text:
            return []
        hits: list[_Hit[T]] = []
        is_ascii = text.isascii()
        patterns = self._patterns(is_ascii)
        if patterns is not None:
            self._scan_tree(text, patterns, hits)
        for general, found_targets in self.general:
            found = compiled(general, re.ASCII if is_ascii else 0).finditer(text)
            hits.extend(
                (m.start(), m.group(), found_targets)
                for m in found
                if _starts_word(text, m.start())
            )
        return hits

    def _scan_tree(self, text: str, patterns: _Compiled, hits: list[_Hit[T]]) -> None:
        memo_get = self._memo.get
        known_of = self._known
        targets = self._targets
        inherit = self._inherit
        kept_memo = self._kept
        match = patterns.tree.match
        for start, end in _spans(text, patterns):
            matched = text[start:end]
            known = memo_get(matched) or known_of(matched)
            outer = targets(known, text, start, end) if known.contextual else known.targets
            hits.append((start, matched, outer))
            # Phrases that start at a later word inside this match count too.
            for offset in known.words:
                inner = match(text, start + offset)
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


def _spans(text: str, patterns: _Compiled) -> list[tuple[int, int]]:
    """Where the tree matches, as ``tree.finditer`` would find them (all regex calls in
    one tight loop: interleaved with the processing of each match they run slower)."""
    tree, search, break_width = patterns
    spans = []
    found = first = tree.match(text)  # a phrase at the very start has no break before it
    if first is None:
        found = search(text, 0)
    while found is not None:
        start, end = found.span()
        spans.append((start + break_width if found is not first else start, end))
        # The next phrase may start right where this one ends (after "phd in ").
        found = search(text, end - break_width)
    return spans


def _always(outer: tuple[object, ...], target: object) -> bool:
    return True


def _starts_word(text: str, start: int) -> bool:
    before = text[start - 1] if start else " "
    return not (text[start].isalnum() and (before.isalnum() or before == "_"))
