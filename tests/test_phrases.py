"""Phrase syntax helpers and the one-pass PhraseMatcher used by the classifier."""

from __future__ import annotations

import re

import pytest

from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.phrases import (
    expand,
    literal_prefix,
    lower_pattern,
    pattern_error,
    sample_text,
)
from aggregator.normalize.prepared import prepare


@pytest.mark.parametrize(
    ("pattern", "variants"),
    [
        ("(?:a|b)c", {"ac", "bc"}),
        ("(?:strong )?ml", {"strong ml", "ml"}),
        ("x (?:y|z) w", {"x y w", "x z w"}),
        ("a(?:b|c)*d", {"a(?:b|c)*d"}),
        ("p|q", {"p", "q"}),
        ("go(?=,)", {"go(?=,)"}),
    ],
)
def test_expand(pattern: str, variants: set[str]) -> None:
    assert set(expand(pattern)) == variants
    for variant in expand(pattern):
        sample = sample_text(variant)
        if sample is not None and "(?=" not in variant:
            assert re.fullmatch(pattern, sample)


def test_expand_gives_up_on_explosions() -> None:
    pattern = "(?:a|b|c|d|e)(?:f|g|h|i|j)(?:k|l|m|n|o)"
    assert len(expand(pattern)) <= 48


def test_literal_prefix_and_lowering() -> None:
    assert literal_prefix("research engineers?") == len("research engineer")
    assert literal_prefix("(?:a)b") == 0
    assert lower_pattern(r"PhD \D+ ML") == r"phd \D+ ml"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("", "empty"), ("a(", "invalid"), ("(a)", "capturing"), ("a?", "empty string")],
)
def test_pattern_error(pattern: str, problem: str) -> None:
    assert problem in (pattern_error(pattern) or "")


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
