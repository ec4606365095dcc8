"""The normalizer marks a posting or forum post as a program's call (program names in
title and body with call signals), and finds the mentors and teams a posting names."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.errors import ConfigError
from aggregator.items import RawPosting
from aggregator.normalize.mentors import mentor_names, team_names
from aggregator.normalize.posting import normalize
from aggregator.normalize.program_calls import (
    ProgramNames,
    bundled_program_names,
    program_calls,
    read_program_names,
)

NAMES = ProgramNames.of(
    [
        ("mats", ["MATS", "ML Alignment & Theory Scholars"]),
        ("mars", ["MARS"]),
        ("ai_safety_camp", ["AI Safety Camp", "AISC"]),
        ("era_cambridge", ["ERA Cambridge", "ERA"]),
    ]
)


def calls(title: str, body: str = "", role: str = "other", forum: bool = True) -> list[str]:
    return program_calls(NAMES, title, body, role=role, forum=forum)


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Invitation to lead a project at AI Safety Camp Virtual", "", ["ai_safety_camp"]),
        ("MARS", "Applications are now open for the next round, due 3 March.", ["mars"]),
        ("AISC 12", "Project leads: apply by 1 November.", ["ai_safety_camp"]),
        ("Applications open for our winter cohort", "MATS is a research program. More…",
         ["mats"]),
        # named, but no call: a reflection, a grant report, a name deep in a body
        ("What I learned at MATS", "Three months of research with a mentor.", []),
        ("Reflections on my year", "x " * 300 + "MATS is open, apply now.", []),
        ("A new era of evaluations: deadline approaching", "", []),
        ("Mars rover software engineer", "Apply now.", []),
    ],
)  # fmt: skip
def test_forum_posts_are_calls_by_name_and_signal(
    title: str, body: str, expected: list[str]
) -> None:
    assert calls(title, body) == expected


def test_a_posting_named_after_a_program_is_its_call_when_classified_as_a_program() -> None:
    assert calls("MATS Scholar, Winter 2027", role="fellowship", forum=False) == ["mats"]
    assert calls("MATS Scholar, Winter 2027", role="fellowship", forum=True) == []
    assert calls("Operations Manager, MATS", role="operations", forum=False) == []


def test_normalize_stores_program_calls_mentors_and_teams() -> None:
    raw = RawPosting(
        source_key="ea_forum", external_id="1", org="EA Forum", url="https://forum.example/1",
        title="Invitation to lead a project at AI Safety Camp Virtual",
        description_html="<p>Applications for project leads are open until 1 November."
                         " Our mentors include Ada Lovelace and Alan Turing.</p>",
        extras={"feed_type": "forum"},
    )  # fmt: skip
    data = normalize(raw, now=datetime(2026, 10, 1, tzinfo=UTC), programs=NAMES)
    assert data.programs == ["ai_safety_camp"]
    assert data.mentors == ["Ada Lovelace", "Alan Turing"]
    assert data.teams == []
    again = type(data).from_dict(data.to_dict())
    assert again.programs == data.programs and again.mentors == data.mentors


def test_bundled_names_and_a_bad_file(tmp_path: Path) -> None:
    names = dict(bundled_program_names().patterns)
    assert names["mats"].search("SERI ML Alignment Theory Scholars Program")
    bad = tmp_path / "programs.toml"
    bad.write_text("[[programs]\n")
    with pytest.raises(ConfigError, match="cannot be read"):
        read_program_names(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mentors include Ada Lovelace, Janus, Grace Hopper and Alan Turing. Apply by May.",
         ["Ada Lovelace", "Grace Hopper", "Alan Turing"]),
        ("Potential mentors include:\n\n- Ada Lovelace\n\n- Grace Hopper\n\nOn our blog",
         ["Ada Lovelace", "Grace Hopper"]),
        ("A project on evals, mentored by Ada Lovelace and Alan Turing.",
         ["Ada Lovelace", "Alan Turing"]),
        ("Project Lead: Grace Hopper\nSummary", ["Grace Hopper"]),
        ("Mentors are due on November 17 (and for Ada Lovelace earlier).", []),
        ("Mentors include Alignment Science researchers.", []),
        ("We value mentorship. Ada Lovelace founded us.", []),
    ],
)  # fmt: skip
def test_mentor_names(text: str, expected: list[str]) -> None:
    assert mentor_names(text) == expected


def test_team_names() -> None:
    about = "About the Team\nThe Frontier Red Team (FRT) is a small research team."
    assert team_names(about, None) == ["Frontier Red Team"]
    assert team_names("About the team: The Alignment team at Example builds", "Research") == [
        "Research",
        "Alignment team",
    ]
    assert team_names("About the team\nOur team is organized around goals.", None) == []
    assert team_names("The Alignment team is great.", None) == []  # no "About the team"


def test_merged_listings_keep_every_program_mentor_and_team() -> None:
    from dataclasses import replace

    from aggregator.store.merge import merge

    raw = RawPosting(source_key="x", external_id="1", org="Lab", url="https://lab.example/1",
                     title="Research Fellow", description_html="<p>Research.</p>")  # fmt: skip
    employer = normalize(raw, programs=NAMES)
    forum = replace(employer, programs=["mats"], mentors=["Ada Lovelace"], teams=[])
    merged = merge([replace(employer, teams=["Alignment team"]), forum])
    assert (merged.programs, merged.mentors, merged.teams) == (
        ["mats"], ["Ada Lovelace"], ["Alignment team"],
    )  # fmt: skip
    assert employer.programs == []  # the candidates are not changed
