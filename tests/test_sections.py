"""Section headings of long descriptions (aggregator/normalize/sections.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.normalize.prepared import prepare
from aggregator.normalize.sections import compile_headings, heading_of, skipped_spans
from aggregator.normalize.taxonomy import ConfigError, load_taxonomy

HEADINGS = compile_headings(
    skip=("about", "benefits", "who we are", "equal opportunity"),
    count=("about the", "responsibilities", "you may be a good fit"),
)


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("About Example Labs", "about"),
        ("About the role", "about the"),  # the longest heading wins
        ("**Responsibilities:**", "responsibilities"),
        ("🎯 Responsibilities", "responsibilities"),
        ("You may be a good fit if you have:", "you may be a good fit"),
        ("Benefits & perks", "benefits"),
        ("Research Programme Overview", ""),  # looks like a heading, unknown
        ("- Responsibilities include hiring", None),  # a list item
        ("About us. We build things.", None),  # a sentence
        ("About " + "x" * 80, None),  # too long for a heading
        ("", None),
    ],
)
def test_heading_of(line: str, heading: str | None) -> None:
    assert heading_of(line, HEADINGS) == heading


def test_a_heading_word_followed_by_a_sentence_is_not_that_heading() -> None:
    # only a look-alike ("" ends a skipped section, but is not "about")
    assert heading_of("About half of the work is on evals and", HEADINGS) == ""


def test_skipped_spans_cover_blurb_and_benefits_only() -> None:
    text = (
        "Example Labs\nAbout Example Labs\nWe build AI.\nAbout the role\nYou build evals.\n"
        "Our benefits are listed below.\nBenefits\nLeave and pensions.\n"
        "Equal opportunity\nWe welcome everyone."
    )
    body = prepare(text)
    spans = skipped_spans(text, body, HEADINGS)
    skipped = " | ".join(body[a:b] for a, b in spans)
    assert "we build ai" in skipped
    assert "you build evals" not in skipped
    assert "our benefits are listed below" not in skipped  # a word, not the heading
    assert "leave and pensions" in skipped and "we welcome everyone" in skipped


def test_an_unknown_heading_ends_a_skipped_blurb() -> None:
    text = "About Example Labs\nWe build AI.\nFellows Programme Overview\nYou study evals."
    body = prepare(text)
    (span,) = skipped_spans(text, body, HEADINGS)
    assert "you study evals" not in body[span[0] : span[1]]


def test_bundled_headings_and_validation(tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    assert "about" in taxonomy.sections.skip and "about the" in taxonomy.sections.count
    source = Path(taxonomy.path).read_text(encoding="utf-8")
    for heading, replacement, match in (
        ('"compensation",', '"Compensation",', "must be plain lower-case"),
        ('"logistics",', '"responsibilities",', "listed twice"),  # also a `count` heading
    ):
        path = tmp_path / "taxonomy.toml"
        path.write_text(source.replace(heading, replacement, 1), encoding="utf-8")
        with pytest.raises(ConfigError, match=match):
            load_taxonomy(path)


def _skipped(text: str) -> str:
    body = prepare(text)
    return " | ".join(body[a:b] for a, b in skipped_spans(text, body, HEADINGS))


def test_a_skip_heading_run_into_its_paragraph_skips_that_paragraph_only() -> None:
    text = (
        "About us: We are a lab whose teams work on interpretability, RLHF and red teaming,"
        " and we publish much of our research.\n"
        "About the role: you will build the evaluation platform in Python and run it.\n"
        "Benefits: health insurance, parental leave and a learning budget for everyone here.\n"
        "You have five years of experience with Kubernetes and Python in production systems."
    )
    skipped = _skipped(text)
    assert "interpretability, rlhf" in skipped and "parental leave" in skipped
    assert "evaluation platform" not in skipped  # a heading that counts
    assert "kubernetes" not in skipped  # nothing marks the end of an inline section


def test_a_count_heading_run_into_its_paragraph_ends_a_skipped_section() -> None:
    text = (
        "About us\n"
        "We are a lab whose teams work on interpretability and red teaming.\n"
        "About the role: you will build the evaluation platform in Python and run it daily.\n"
        "You have five years of experience with Kubernetes and Python in production systems."
    )
    skipped = _skipped(text)
    assert "interpretability" in skipped
    assert "evaluation platform" not in skipped and "kubernetes" not in skipped
