"""The taxonomy file loads, is complete, and bad files fail with clear ConfigErrors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aggregator.errors import ConfigError
from aggregator.normalize.taxonomy import ROLE_NAMES, default_taxonomy_path, load_taxonomy

REQUIRED_SKILLS = [
    "interpretability",
    "evals",
    "red_teaming",
    "scalable_oversight",
    "rlhf_reward_learning",
    "ai_control",
    "adversarial_robustness",
    "alignment_theory",
    "model_organisms_deception",
    "ai_governance",
    "security",
    "cbrn_cyber_evals",
    "forecasting",
    "agents",
    "multi_agent",
    "formal_verification",
    "safety_cases",
    "ml_infrastructure",
    "distributed_training",
    "gpu_cuda",
    "pytorch",
    "jax",
    "python",
    "rust",
    "go",
    "typescript",
    "kubernetes",
    "data_engineering",
    "frontend",
]


def test_bundled_taxonomy_is_complete() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.version
    assert taxonomy.roles == list(ROLE_NAMES)
    assert len(taxonomy.skills) >= 30
    for skill in REQUIRED_SKILLS:
        assert skill in taxonomy.skills
    for role in taxonomy.role_defs.values():
        assert role.definition and role.label
        assert role.signals.get("title"), f"{role.name} has no title signals"
    kinds = {skill.kind for skill in taxonomy.skill_defs.values()}
    assert kinds == {"research_area", "tool"}


def test_load_is_cached_and_default_path() -> None:
    assert load_taxonomy() is load_taxonomy()
    assert load_taxonomy(default_taxonomy_path()) is load_taxonomy()


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("skill", "interpretability", "interpretability"),
        ("skill", "Mechanistic Interpretability", "interpretability"),
        ("skill", "mechanistic_interpretability", "interpretability"),
        ("skill", "RLHF", "rlhf_reward_learning"),
        ("skill", "golang", "go"),
        ("skill", "k8s", "kubernetes"),
        ("skill", "docker", None),  # the tag is Kubernetes named, not any cloud tool
        ("skill", "devops", None),
        ("role", "research-engineer", "research_engineer"),
        ("role", "RS", "research_scientist"),
        ("role", "postdoc", "phd_or_postdoc"),
        ("skill", "underwater basket weaving", None),
        ("role", "astronaut", None),
    ],
)
def test_canonical(kind: str, value: str, expected: str | None) -> None:
    assert load_taxonomy().canonical(kind, value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("skill", "interpretabilty", "interpretability"),
        ("skill", "red_teeming", "red_teaming"),
        ("skill", "pytroch", "pytorch"),
        ("skill", "mechanistic_interpretabilty", "interpretability"),
        ("role", "reserch_engineer", "research_engineer"),
        ("role", "fellowhsip", "fellowship"),
        ("role", "zzzzzz", None),
    ],
)
def test_suggest(kind: str, value: str, expected: str | None) -> None:
    assert load_taxonomy().suggest(kind, value) == expected


def test_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown taxonomy kind"):
        load_taxonomy().canonical("colour", "blue")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


_LLMS_SYNONYMS = '\nsynonyms = ["llms?"'
_LLMS = "mentions = 4" + _LLMS_SYNONYMS  # the llms skill's, not another's


def _bundled_with(replace: str, by: str) -> str:
    text = default_taxonomy_path().read_text(encoding="utf-8")
    assert replace in text
    return text.replace(replace, by, 1)


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("[roles.grant]", "[roles.grants_and_money]", "unknown role key"),
        ('"research engineers?" = 10', '"research engineers?" = "high"', "bad weight"),
        ('"research engineers?" = 10', '"research engineers?" = 500', "bad weight"),
        ('"research engineers?" = 10', '"research (engineers?" = 10', "bad phrase"),
        ('"research engineers?" = 10', '"research (engineers?)" = 10', "capturing group"),
        ('"research engineers?" = 10', '"x?" = 10', "empty string"),
        ('kind = "tool"', 'kind = "gadget"', "is not one of"),
        (_LLMS, f'mentions = "often"{_LLMS_SYNONYMS}', "llms.mentions: must be a whole number"),
        (_LLMS, f"mentions = 0{_LLMS_SYNONYMS}", "llms.mentions: must be a whole number"),
        (_LLMS, f'subjects = ["(llm"]\n{_LLMS}', "llms.subjects: bad phrase"),
        ('titles = ["post[- ]?training"]', 'titles = ["(llm"]', "llms.titles: bad phrase"),
        ('version = "', 'versio = "', "unknown section"),
        ("[roles.research_engineer.title]", "[roles.research_engineer.tittle]", "unknown field"),
        ("[labels.seniority]", "[labels.senority]", "did you mean 'seniority'"),
        ('onsite = "On-site"', 'onsite = ""', "labels.remote.onsite: must be a non-empty string"),
        ('"join us" = 1', '"join (us" = 1', "announcements.body: bad phrase"),
        ('"join us" = 1', '"join us" = "yes"', "announcements.body.'join us': bad weight"),
        ("threshold = 2.5", "threshold = 2.5\nthreshhold = 3", "unknown keys"),
        (
            '(?:frontier|foundation|large language) models" = "lab"',
            '(?:frontier|foundation|large language) models" = "labs"',
            "relevance.self_described.*'labs' is not one of",
        ),
        (
            'short_text_core_skills = ["interpretability"',
            'short_text_core_skills = ["interpretabilty"',
            "relevance.short_text_core_skills: unknown skill 'interpretabilty'",
        ),
        (
            'short_text_core_skills = ["interpretability"',
            'short_text_core_skills = ["rlhf_reward_learning", "interpretability"',
            "relevance.short_text_core_skills: skill 'rlhf_reward_learning' is not core = true",
        ),
    ],
)
def test_bad_files_raise_config_error(tmp_path: Path, replace: str, by: str, message: str) -> None:
    path = _write(tmp_path, _bundled_with(replace, by))
    with pytest.raises(ConfigError, match=message) as info:
        load_taxonomy(path)
    assert str(path.resolve()) in str(info.value)


def test_unknown_role_suggests_the_nearest(tmp_path: Path) -> None:
    path = _write(tmp_path, _bundled_with("[roles.fellowship]", "[roles.felowship]"))
    with pytest.raises(ConfigError, match="did you mean 'fellowship'"):
        load_taxonomy(path)


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_taxonomy(_write(tmp_path, "version = [unclosed"))
    with pytest.raises(ConfigError, match="version"):
        load_taxonomy(_write(tmp_path, "roles = {}\n"))


def test_boilerplate_markers_are_validated(tmp_path: Path) -> None:
    text = _bundled_with('    "pay transparency",', '    "equal",')
    with pytest.raises(ConfigError, match="too short"):
        load_taxonomy(_write(tmp_path, text))
    assert "pay transparency" in load_taxonomy().boilerplate


@pytest.mark.parametrize("phrase", ["(?:a+)+$", "(?:a|aa)+b"])
def test_catastrophic_phrases_in_a_taxonomy_cannot_hang(tmp_path: Path, phrase: str) -> None:
    """Issue 14 point 9: these took 12 s to over 120 s per posting on the old matcher."""
    from aggregator.normalize.classifier import classify

    text = _bundled_with(
        '"research engineers?" = 10', f'"research engineers?" = 10\n"{phrase}" = 3'
    )
    taxonomy = load_taxonomy(_write(tmp_path, text))
    classify(title="warm-up", taxonomy=taxonomy)  # builds the matchers
    began = time.process_time()
    for size in (29, 33, 200, 20_000):
        classify(title="a" * size, description_text="a" * size + " b", taxonomy=taxonomy)
    # The old matcher needed 12 s at 29 characters and over 60 s at 33 (CPU time: other
    # load on the machine does not count).
    assert time.process_time() - began < 2.0
