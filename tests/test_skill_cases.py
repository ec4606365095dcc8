"""Skill tags on postings the team wrote (tests/data/skill_cases.jsonl, issue #11): board
summaries, ATS postings with a blurb and benefits, think-tank, government, PhD and
fellowship calls, each labelled by the guideline (what the posting asks for or works on),
in the many ways the field words its areas, and traps (the employer's blurb, other teams,
a support role, a word in another sense)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aggregator.evaluation import load_jsonl
from aggregator.normalize.classifier import classify

CASES = load_jsonl(Path(__file__).resolve().parent / "data" / "skill_cases.jsonl")


def _case(title: str) -> dict[str, Any]:
    return next(c for c in CASES if c["title"] == title)


def test_skill_cases_floors() -> None:
    tp = fp = fn = 0
    for case in CASES:
        got = set(classify(title=case["title"], description_text=case["description"]).skills)
        gold = set(case["skills"])
        tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
    # Taxonomy 2026.12.22 gave 90.1 % / 87.4 % on the first 126 cases; its changes 95 % / 93 %.
    # 101 more (board summaries in the field's other wordings, traps, ATS postings): 76.8 % /
    # 74.1 % on them as written (86.8 % / 84.5 % over all 227); after this round's vocabulary
    # and the inline blurb heading 90.2 % / 94.1 % on them, 92.9 % / 93.7 % over all.
    assert tp / (tp + fp) >= 0.92
    assert tp / (tp + fn) >= 0.93


@pytest.mark.parametrize(
    ("title", "skill"),
    [
        ("Research Scientist", "interpretability"),  # internal representations, features
        ("Research Engineer", "evals"),  # evaluates frontier AI systems
        ("Research Scientist, Debate", "scalable_oversight"),
        ("Technical Staff, Alignment", "ai_control"),  # monitors chain-of-thought
        ("Postdoctoral Researcher in AI Alignment", "model_organisms_deception"),
        ("Security Engineer, Model Weights", "go"),  # "Kubernetes and Go"
        ("Research Engineer, Alignment Science", "evals"),  # evaluations that detect
        ("Research Engineer, Jailbreak Robustness", "adversarial_robustness"),
        ("Software Engineer, Agent Infrastructure", "agents"),  # agent rollouts
        ("Hardware Security Researcher", "ai_governance"),
        ("Research Engineer, Scaling", "distributed_training"),
        ("Research Fellowship: SAEs and Feature Geometry", "interpretability"),
        ("Research Scientist, Probing and Representations", "interpretability"),
        ("Research Manager, Compute Policy", "ai_governance"),  # export restrictions on chips
        ("Technical Standards Specialist, Artificial Intelligence", "ai_governance"),
        ("Research Scientist, Supervising Superhuman Models", "scalable_oversight"),
        ("PhD Studentship: Evaluation Awareness in Language Models", "model_organisms_deception"),
        ("Research Scientist, Training from Principles", "rlhf_reward_learning"),  # AI feedback
        ("Safety Assurance Researcher", "safety_cases"),  # structured arguments
        ("Postdoctoral Fellow, Consciousness in Artificial Systems", "ai_welfare"),
        ("Research Analyst, AI Progress Modelling", "forecasting"),
        ("PhD: Certified Guarantees for Neural Controllers", "formal_verification"),
        ("Research Scientist, Memorisation and Data Extraction", "privacy"),
        ("Research Scientist, Frontier Capability Measurement", "evals"),
        ("PhD Position, Theory of Deep Learning", "training_dynamics"),
        ("Performance Engineer, Pretraining", "distributed_training"),
        ("Research Scientist, Alignment Stress-Testing", "model_organisms_deception"),  # "(toy"
        ("Research Engineer, Alignment Testbeds", "model_organisms_deception"),  # "such as"
    ],
)
def test_skill_in_the_fields_wording(title: str, skill: str) -> None:
    case = _case(title)
    assert skill in classify(title=title, description_text=case["description"]).skills


@pytest.mark.parametrize(
    ("title", "skill"),
    [
        ("Recruiter, Technical", "rlhf_reward_learning"),  # a support role does no research
        ("Account Executive", "rlhf_reward_learning"),
        ("Policy Manager, Frontier AI", "interpretability"),  # the employer's blurb
        ("Research Scientist, Societal Impacts", "interpretability"),
        ("Software Engineer, Inference", "interpretability"),
        ("Research Assistant, AI Oversight Institutions", "scalable_oversight"),  # governance
        ("Postdoctoral Researcher, Pluralistic Alignment", "evals"),  # preference elicitation
        ("Research Technician, Zebrafish Facility", "model_organisms_deception"),  # biology
        ("Postdoc, Machine Learning for Weather Forecasting", "forecasting"),
        ("Security Engineer, Insider Risk", "interpretability"),  # "About us: ..." blurb
        ("Research Scientist, Reward Models", "scalable_oversight"),  # the same blurb
    ],
)
def test_skill_in_passing_not_tagged(title: str, skill: str) -> None:
    case = _case(title)
    assert skill not in classify(title=title, description_text=case["description"]).skills


def test_engineer_in_a_commercial_title_keeps_research_areas() -> None:
    body = "Help customers build coding agents on our platform, in Python."
    skills = classify(title="Forward Deployed Engineer", description_text=body).skills
    assert "agents" in skills
