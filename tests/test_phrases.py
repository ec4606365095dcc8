"""Phrase expansion and checks, and the PhraseMatcher used by the classifier."""

from __future__ import annotations

import re
import time

import pytest

from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.phrases import (
    PhraseError,
    check_phrase,
    expand,
    lower_pattern,
)
from aggregator.normalize.prepared import prepare


def _texts(pattern: str) -> set[str] | None:
    variants = expand(pattern)
    if variants is None:
        return None
    return {"".join(p if isinstance(p, str) else p[1] for p in v) for v in variants}


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ("(?:a|b)c", {"ac", "bc"}),
        ("(?:strong )?ml", {"strong ml", "ml"}),
        ("x (?:y|z) w", {"x y w", "x z w"}),
        ("engineers?", {"engineer", "engineers"}),
        ("red[- ]?team", {"red-team", "red team", "redteam"}),
        ("c\\+\\+", {"c++"}),
        ("p|q", {"p", "q"}),
        ("go(?=,)", {"go(?=,)"}),
        ("go(?<=[(/,] go)", {"go(?<=[(/,] go)"}),
        ("a(?:b|c)*d", None),
        ("\\d+ years", None),
        ("[a-z]+", None),
    ],
)
def test_expand(pattern: str, texts: set[str] | None) -> None:
    assert _texts(pattern) == texts
    for text in texts or ():
        if "(?" not in text:
            assert re.fullmatch(pattern, text)


def test_expand_gives_up_on_explosions() -> None:
    pattern = "(?:a|b|c|d|e)(?:f|g|h|i|j)(?:k|l|m|n|o)(?:p|q|r|s|t)(?:u|v|w|x|y)"
    assert expand(pattern) is None  # 3,125 texts: matched as a pattern instead


def test_lowering_keeps_escapes() -> None:
    assert lower_pattern(r"PhD \D+ ML") == r"phd \D+ ml"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "empty"),
        ("a(", "invalid"),
        ("(a)", "capturing"),
        ("a?", "empty string"),
        ("x(?=a+)", "may not repeat"),
        ("\\d+(?! years)", "only around plain text"),
        ("(?:a)\\1", "invalid"),
    ],
)
def test_check_phrase(pattern: str, problem: str) -> None:
    with pytest.raises(PhraseError, match=re.escape(problem)):
        check_phrase(pattern)


@pytest.mark.parametrize("pattern", ["(?:a+)+$", "(?:a|aa)+b", "(?:a*)*c", "(?:\\w+\\s?)+x"])
def test_nested_quantifiers_cannot_hang(pattern: str) -> None:
    """Issue 14 point 9: classic catastrophic patterns run in linear time (google-re2)."""
    check_phrase(pattern)
    matcher = PhraseMatcher([(pattern, "t")])
    began = time.process_time()
    for size in (29, 33, 5_000, 40_000):
        matcher.scan("a" * size)
        matcher.scan("a " * (size // 2) + "!")
    assert time.process_time() - began < 2.0


def test_prepare_normalizes_case_space_and_punctuation() -> None:
    assert prepare("  Research\u00a0Engineer \u2013 Team\u2019s\n\tlead ") == (
        "research engineer - team's lead"
    )
    assert prepare(None) == ""
    assert prepare("abcdef", limit=3) == "abc"
    assert prepare("\u201cSafe\u201d\u2014RL\u200b \u2018x\u2019 \u2010\u2011 caf\u00e9") == (
        "\"safe\" - rl 'x' -- caf\u00e9"
    )


def test_prepare_drops_boilerplate_only_when_a_marker_word_is_there() -> None:
    drop = re.compile(r"equal\s+opportunity\s+employer")
    text = "Build evals. We are an Equal\nOpportunity Employer. Train models."
    assert prepare(text, drop=drop) == "build evals. train models."
    assert (
        prepare(text, drop=drop, drop_words=(("opportunity", "equal"),))
        == "build evals. train models."
    )
    # No marker has all its words there: the text is kept whole (the pattern is not even searched).
    assert prepare(text, drop=drop, drop_words=(("accommodations",), ("equal", "employers"))) == (
        "build evals. we are an equal opportunity employer. train models."
    )


def test_matcher_whole_words_longest_first_and_inner_phrases() -> None:
    matcher = PhraseMatcher(
        [
            ("go", "go"),
            ("research engineers?", "re"),
            ("large language models?", "llm"),
            ("experience with (?:large language models|python)", "ml"),
            ("c\\+\\+", "cpp"),
        ]
    )
    hits = matcher.scan(
        prepare(
            "Going to Go; research engineers with C++ and experience with large language models"
        )
    )
    found = [(phrase, targets) for _, phrase, targets in hits]
    assert ("go", ("go",)) in found
    assert ("research engineers", ("re",)) in found
    assert ("c++", ("cpp",)) in found
    assert ("experience with large language models", ("ml",)) in found
    assert ("large language models", ("llm",)) in found
    assert not any(phrase == "go" and start == 0 for start, phrase, _ in hits)


def test_matcher_lookarounds_are_checked_in_context() -> None:
    matcher = PhraseMatcher([("go(?<=/go)", "go"), ("rl(?= )", "rl")])
    assert [t for _, _, t in matcher.scan("python/go")] == [("go",)]
    assert matcher.scan("go") == []
    assert [t for _, _, t in matcher.scan("deep rl work")] == [("rl",)]
    assert matcher.scan("deep rl") == []


def test_a_passed_deadline_stops_pattern_phrases_not_literals() -> None:
    matcher = PhraseMatcher([("\\d+ years", "years"), ("python", "python")])
    text = "python and 5 years"
    assert {t for _, _, ts in matcher.scan(text) for t in ts} == {"years", "python"}
    late = time.perf_counter() - 1.0
    assert {t for _, _, ts in matcher.scan(text, late) for t in ts} == {"python"}


@pytest.mark.parametrize(
    "text",
    [
        "café • 🚀 crème, 5 years of python; naïve 12 years",
        # Half an emoji (a JSON escape such as "\\ud83d" decodes to a lone surrogate) is
        # not valid UTF-8; combining accents add characters to a letter.
        "re\u0301sume\u0301 \ud83d 5 years of python \udc00 and 12 years",
    ],
)
def test_phrases_after_non_ascii_text_are_found_at_their_characters(text: str) -> None:
    """Pattern phrases run on UTF-8 bytes and literals on folded text: after accented
    letters, bullets, emoji and lone surrogates both report character offsets."""
    matcher = PhraseMatcher([("\\d+ years", "years"), ("python", "python")])
    hits = matcher.scan(text)
    assert [(start, phrase) for start, phrase, _ in hits] == [
        (text.index("5 years"), "5 years"),
        (text.index("python"), "python"),
        (text.index("12 years"), "12 years"),
    ]


def test_phrases_with_the_same_span_are_one_outer_match() -> None:
    """A literal and a pattern phrase matching the same words together cover the
    shorter phrases inside them (inheritance sees the union of their targets)."""
    matcher = PhraseMatcher(
        [("blue dot", "a"), ("blue dot|x\\d", "b"), ("blue", "a")],
        inherit=lambda outer, target: target not in outer,
    )
    found = {(phrase, t) for _, phrase, ts in matcher.scan("blue dot") for t in ts}
    assert found == {("blue dot", "a"), ("blue dot", "b")}
