"""The learned model beside the rules (aggregator.normalize.learned): loading, mixing with
the rules, evidence, the shipped artifact's contents, and reclassify applying it."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.db.models import Organization, Posting, Source
from aggregator.items import RawPosting
from aggregator.normalize import learned
from aggregator.normalize.classifier import classify
from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.store.ingest import ingest_items, reclassify

TITLE = "Banana Wrangler"  # no taxonomy phrase: the rules say "other"


def banana_model(mix: float = 2.5, weight: float = 5.0) -> learned.Model:
    """A model that knows one word: 'banana' in a title means a grant."""
    classes = list(load_taxonomy().roles)
    row = [weight if c == "grant" else 0.0 for c in classes]
    head = {"classes": classes, "bias": [0.0] * len(classes), "mix": mix,
            "weights": {"t banana": row}}  # fmt: skip
    return learned.model_from_dict({"heads": {"role": head}})


def test_rules_alone_without_a_model() -> None:
    assert classify(title=TITLE, model=False).role == "other"


def test_a_confident_model_outweighs_the_rules_and_says_why() -> None:
    result = classify(title=TITLE, model=banana_model())
    assert result.role == "grant"
    assert [(e.field, e.phrase) for e in result.evidence_for("role", "grant")] == [
        ("model", "title: banana")
    ]


def test_a_model_worth_no_more_than_the_rules_never_overrides_them() -> None:
    assert classify(title=TITLE, model=banana_model(mix=1.0, weight=50.0)).role == "other"


def test_the_model_never_overrules_a_clear_title() -> None:
    """A clear title decides; the model speaks only where the title is vague."""
    model = banana_model(weight=50.0)
    assert classify(title="Banana Research Engineer", model=model).role == "research_engineer"
    assert classify(title="Banana Researcher", model=model).role == "grant"


def test_a_weight_row_of_the_wrong_length_is_refused() -> None:
    head = {"classes": ["a", "b"], "bias": [0, 0], "mix": 2, "weights": {"t x": [1.0]}}
    with pytest.raises(ValueError, match="wrong length"):
        learned.model_from_dict({"heads": {"role": head}})


def test_the_shipped_model_loads_and_names_words_and_phrases_only() -> None:
    """Weights over words, word pairs and taxonomy phrases: no corpus sentence."""
    model = learned.load_model()
    assert model is not None
    head = model.head("role")
    assert head is not None and head.mix >= 1.0
    assert head.classes == tuple(load_taxonomy().roles)
    data = json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))
    for feature in data["heads"]["role"]["weights"]:
        kind, rest = feature[:2], feature[2:]
        if kind in ("t ", "d ", "o "):  # title word or pair, department word, org type
            assert len(rest.split()) <= 2, feature
        else:  # a taxonomy phrase as matched, or the signal it stands for
            assert re.fullmatch(r"[tdbgoe][:=]", kind), feature
            assert len(rest.split()) <= 12, feature


def test_reclassify_applies_a_new_model(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    org = Organization(slug="acme", name="Acme", org_type="lab")
    source = Source(key="greenhouse:acme", platform="greenhouse", organization=org)
    session.add(source)
    raw = RawPosting(
        source_key=source.key, external_id="1", org="Acme", title=TITLE,
        url="https://acme.example/jobs/1",
    )  # fmt: skip
    monkeypatch.setattr(learned, "load_model", lambda: None)
    ingest_items(session, source, [raw], complete=True)
    session.commit()
    assert session.scalar(select(Posting.role)) == "other"
    monkeypatch.setattr(learned, "load_model", banana_model)
    assert reclassify(session) == 1
    session.commit()
    assert session.scalar(select(Posting.role)) == "grant"


def skill_model(drop_below: float = 0.2, add_at: float = 0.8) -> learned.Model:
    """A skill head that knows two features: 'banana' in a title means evals; the rules
    finding python with 'wrangler' in the title means python was in passing."""
    skills = {
        "skills": ["evals", "python"], "bias": [-2.0, 0.0], "drop_below": drop_below,
        "add_at": add_at,
        "weights": {"t banana": {"evals": 5.0}, "t wrangler": {"python": -5.0}},
    }  # fmt: skip
    return learned.model_from_dict({"heads": {}, "skills": skills})


def test_a_confident_skill_head_adds_a_skill_and_says_why() -> None:
    result = classify(title=TITLE, model=skill_model())
    assert result.skills == ["evals"]
    assert [(e.field, e.phrase) for e in result.evidence_for("skill", "evals")] == [
        ("model", "title: banana")
    ]


def test_a_skill_head_drops_a_rules_skill_it_finds_unlikely() -> None:
    assert "python" in classify(title="Python Wrangler", model=False).skills
    result = classify(title="Python Wrangler", model=skill_model())
    assert "python" not in result.skills and not result.evidence_for("skill", "python")


def test_thresholds_that_never_act_leave_the_rules_skills() -> None:
    model = skill_model(drop_below=0.0, add_at=1.01)
    for title in (TITLE, "Python Wrangler"):
        assert (
            classify(title=title, model=model).skills == classify(title=title, model=False).skills
        )


def test_skill_count_features_name_repeats_in_long_descriptions_only() -> None:
    mentions = {"evals": 4, "python": 1}
    assert learned.skill_count_features(mentions, False, ["python"]) == ["r#python"]
    assert learned.skill_count_features(mentions, True, []) == [
        "b#long body", "b#evals 2+", "b#evals 4+"
    ]  # fmt: skip
    assert learned.readable("b#evals 2+") == ("body", "evals 2+ times")
