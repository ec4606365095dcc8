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
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

from aggregator.normalize.phrases import (
    build_tree,
    compiled,
    expand,
    literal_prefix,
    lower_pattern,
    sample_text,
)

T = TypeVar("T")

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
# Whole words: a match ending with a word character must not touch another one (the start
# check is in phrases.build_tree).
_END = r"(?:(?<!\w)|(?!\w))"
MEMO_SIZE = 50_000
DROP_BEFORE = 300
DROP_AFTER = 400
_SENTENCE_ENDS = (". ", ".\n", "\n\n")


def prepare(
    text: str | None,
    limit: int | None = None,
    drop: re.Pattern[str] | None = None,
    drop_words: tuple[str, ...] | None = None,
) -> str:
    """Lower-case ``text`` and normalize spaces, quotes and dashes for matching.

    ``drop`` finds boilerplate markers (lower case); the sentence around each one is left
    out (at most DROP_BEFORE characters before and DROP_AFTER after the marker).
    ``drop_words`` (optional) holds a word of each marker: ``drop`` is searched only in
    text that contains one of them (a plain substring test is much faster).
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
    if drop is not None and (drop_words is None or any(w in text for w in drop_words)):
        text = _drop_sentences(text, drop)
    return " ".join(text.split())


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


class _Phrase(NamedTuple, Generic[T]):
    prefix: str
    variant: str  # compiled on first use (``phrases.compiled`` caches it)
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
            if not all(literal_prefix(v) for v in variants):
                variants = [lowered]
            for variant in variants:
                bucket = general if literal_prefix(variant) == 0 else by_variant
                if target not in bucket[variant]:
                    bucket[variant].append(target)
        if inherit is not None:
            _inherit(by_variant, inherit)
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
        self._memo: dict[str, tuple[tuple[T, ...], tuple[_Phrase[T], ...]]] = {}
        self._tree = "(?:" + build_tree(items, top=True) + ")" + _END if items else None
        self._pattern: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The combined prefix-tree pattern, compiled on first use."""
        if self._pattern is None and self._tree is not None:
            self._pattern = re.compile(self._tree)
        return self._pattern

    def __getstate__(self) -> dict[str, object]:
        """Pickled without compiled patterns or memo (see ``compile_cache``)."""
        return {**self.__dict__, "_pattern": None, "_memo": {}}

    def targets_of(self, text: str, start: int, end: int) -> tuple[T, ...]:
        """Targets of every phrase that matches exactly ``text[start:end]`` there."""
        matched = text[start:end]
        memo = self._memo.get(matched)
        if memo is None:
            union: list[T] = []
            for phrase in self._plain.get(matched[:1], ()):
                if matched.startswith(phrase.prefix) and (
                    phrase.variant == matched
                    if len(phrase.prefix) == len(phrase.variant)  # plain text
                    else compiled(phrase.variant).fullmatch(matched)
                ):
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
                m = compiled(phrase.variant).match(text, start)
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
            memo = self._memo
            targets_of = self.targets_of
            inherit = self._inherit
            find = text.find
            for m in pattern.finditer(text):
                matched = m.group()
                start, end = m.span()
                known = memo.get(matched)  # used as is unless a phrase looks around
                outer = targets_of(text, start, end) if known is None or known[1] else known[0]
                hits.append((start, matched, outer))
                # Phrases that start at a later word inside this match count too.
                if " " not in matched:
                    continue
                space = find(" ", start, end)
                while space != -1:
                    inner = pattern.match(text, space + 1)
                    if inner is not None:
                        inner_targets = targets_of(text, *inner.span())
                        kept = tuple(t for t in inner_targets if inherit(outer, t))
                        if kept:
                            hits.append((space + 1, inner.group(), kept))
                    space = find(" ", space + 1, end)
        for general, found_targets in self.general:
            found = compiled(general).finditer(text)
            hits.extend(
                (m.start(), m.group(), found_targets)
                for m in found
                if _starts_word(text, m.start())
            )
        return hits


def _always(outer: tuple[object, ...], target: object) -> bool:
    return True


def _starts_word(text: str, start: int) -> bool:
    before = text[start - 1] if start else " "
    return not (text[start].isalnum() and (before.isalnum() or before == "_"))


def _inherit(by_variant: dict[str, list[T]], inherit: Callable[[tuple[T, ...], T], bool]) -> None:
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
