"""The classifier on the real labelled corpus (``../shared/corpus/``, never copied here).

Floors on the ``dev`` split catch regressions; the targets are measured on ``test`` by
``bench/classify.py``. Skipped when the corpus is absent, except in CI (CI=true), where
its absence fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aggregator import evaluation

FOLDER = evaluation.require_corpus()
needs_corpus = pytest.mark.skipif(FOLDER is None, reason="../shared/corpus/ is not here")


@pytest.fixture(scope="module")
def dev() -> evaluation.Figures:
    assert FOLDER is not None
    return evaluation.evaluate(evaluation.load_corpus(FOLDER, ["dev"]))


@needs_corpus
@pytest.mark.parametrize(
    "labelled_set", sorted(evaluation.TEAM_SET.parent.glob("*.jsonl")), ids=lambda p: p.name
)
def test_written_sets_hold_no_reserved_posting(labelled_set: Path) -> None:
    """Postings reserved for evaluation never enter a set rules are built from: the team's
    set and the written forum and skill cases."""
    assert FOLDER is not None
    tool = FOLDER.parent / "tools" / "check_reserved.py"
    done = subprocess.run(
        [sys.executable, str(tool), str(labelled_set)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@needs_corpus
def test_test_split_is_only_read_when_asked_for() -> None:
    assert FOLDER is not None
    assert {r["split"] for r in evaluation.load_corpus(FOLDER)} == {"train", "dev"}


@needs_corpus
def test_relevance_separates_on_dev(dev: evaluation.Figures) -> None:
    assert dev.relevance_rate("none", "none") >= 0.75
    assert dev.relevance_rate("core", "none") <= 0.10


@needs_corpus
def test_roles_and_forum_posts_on_dev(dev: evaluation.Figures) -> None:
    assert dev.role_accuracy >= 0.90 and dev.primary_accuracy >= 0.84  # rules + model
    assert dev.forum_precision >= 0.85 and dev.forum_recall >= 0.85


@needs_corpus
def test_skills_on_dev(dev: evaluation.Figures) -> None:
    # The rules (the skill head is not shipped): 73.7 / 63.3 % at taxonomy 2026.12.14; over
    # train + dev 75.1 / 67.2 (tools/train_classifier.py --dry-run).
    assert dev.skill_precision >= 0.66 and dev.skill_recall >= 0.56


@needs_corpus
def test_seniority_and_phd_on_dev(dev: evaluation.Figures) -> None:
    assert dev.stated_accuracy(dev.seniority) >= 0.85  # 91.5 % at taxonomy 2026.12.14
    assert dev.seniority_org_weighted >= 0.80  # 88.7 %
    assert dev.stated_accuracy(dev.phd) >= 0.85  # 90.9 %


def test_seniority_weighs_each_organisation_as_one() -> None:
    figures = evaluation.Figures()
    figures.seniority_by_org.update({("Big Lab", True): 9, ("Big Lab", False): 1})
    figures.seniority_by_org.update({("Small Org", False): 1})
    assert figures.seniority_org_weighted == pytest.approx(0.45)


def test_corpus_folder_is_found_above_a_worktree(tmp_path: Path) -> None:
    (tmp_path / "shared" / "corpus").mkdir(parents=True)
    deep = tmp_path / "wt" / "tags"
    deep.mkdir(parents=True)
    assert evaluation.corpus_folder(deep) == tmp_path / "shared" / "corpus"


def test_unseen_hides_the_organisation_from_the_classifier() -> None:
    """The "as unseen organisations" figures classify a record with no organisation, no
    type and the organisation's name (or a longer part of it) gone from its text."""
    record = {
        "title": "Research Engineer, Quill Alignment Lab",
        "org": "Quill Alignment Lab (QAL)",
        "org_type": "safety",
        "description": "Join the quill alignment lab team, not quill alignment labyrinths.",
    }
    seen = evaluation.inputs(record)
    unseen = evaluation.inputs(record, unseen=True)
    assert (seen["org"], seen["org_type"]) == ("Quill Alignment Lab (QAL)", "safety")
    assert (unseen["org"], unseen["org_type"]) == (None, None)
    assert unseen["title"] == "Research Engineer, the organisation"
    # Whole words only: "labyrinths" keeps its letters.
    assert unseen["description_text"] == (
        "Join the organisation team, not quill alignment labyrinths."
    )
