"""Measuring the classifier on labelled postings: the real corpus and the team's own set.

The real corpus (``shared/corpus/*.jsonl``, labelled by its GUIDELINE.md) lives beside the
repository and is never copied into it: :func:`corpus_folder` finds it by walking up from
the repository root (a git worktree sits deeper than the main checkout). The team's own
hard cases are ``tests/data/labeled_postings.jsonl``. ``bench/classify.py`` prints the
figures; tests hold the classifier to floors on the ``dev`` split.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from aggregator.normalize.announcements import is_opportunity
from aggregator.normalize.classifier import classify
from aggregator.normalize.learned import Model
from aggregator.normalize.results import Classification
from aggregator.normalize.text import html_to_text, sanitize_html

ROOT = Path(__file__).resolve().parents[1]
TEAM_SET = ROOT / "tests" / "data" / "labeled_postings.jsonl"
SPLITS = ("train", "dev", "test")


def corpus_folder(start: Path = ROOT) -> Path | None:
    """``shared/corpus`` in the repository's parent or a folder above it, else None."""
    for folder in (start, *start.parents):
        candidate = folder.parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


def require_corpus() -> Path | None:
    """The corpus folder; in CI (``CI=true``) its absence is an error, not a skip."""
    folder = corpus_folder()
    if folder is None and os.environ.get("CI", "").lower() == "true":
        raise FileNotFoundError("the real corpus (../shared/corpus/) is missing in CI")
    return folder


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_corpus(folder: Path, splits: Iterable[str] = ("train", "dev")) -> list[dict[str, Any]]:
    """Corpus lines of the given splits (``test`` only when asked for by name)."""
    wanted = set(splits)
    records = []
    for path in sorted(folder.glob("*.jsonl")):
        records += [r for r in load_jsonl(path) if r.get("split") in wanted]
    return records


@cache
def _source_org_types() -> dict[str, str]:
    """Org name -> org type from ``config/sources.toml``: what a crawl would pass."""
    path = ROOT / "config" / "sources.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {
        s["org"].lower(): s["org_type"]
        for s in data.get("sources", [])
        if isinstance(s, dict) and s.get("org_type") not in (None, "board")
    }


def inputs(record: dict[str, Any], unseen: bool = False) -> dict[str, Any]:
    """A corpus or team-set record as ingest would pass it to the classifier (HTML
    descriptions to text, the organisation type a configured source would give).

    ``unseen``: as from an organisation the taxonomy does not know, the nearer guide to
    ``test``, whose organisations are new: no organisation or type, and its name (and
    the longer parts of a name such as "Center for AI Safety (CAIS)") replaced in the
    title and description by "the organisation"."""
    description = record.get("description") or ""
    if "<" in description:
        description = html_to_text(sanitize_html(description), sanitized=True)
    org = record.get("org")
    org_type = record.get("org_type") or _source_org_types().get(str(org or "").lower())
    title = record["title"]
    if unseen:
        names = {str(org or "").strip()} | {
            part.strip() for part in re.split(r"[(),/]", str(org or "")) if len(part.strip()) > 3
        }
        for name in sorted(filter(None, names), key=len, reverse=True):
            # Whole words: "METR" is not in "metrics", nor "SPAR" in "sparse".
            pattern = re.compile(rf"(?:\bthe\s+)?\b{re.escape(name)}\b", re.IGNORECASE)
            title = pattern.sub("the organisation", title)
            description = pattern.sub("the organisation", description)
        org = org_type = None
    return {
        "title": title,
        "description_text": description,
        "department": record.get("department"),
        "org_type": org_type,
        "org": org,
    }


def run(
    record: dict[str, Any], model: Model | bool | None = True, unseen: bool = False
) -> Classification:
    """Classify a record as ingest would; ``model`` as for :func:`classify`, ``unseen``
    as for :func:`inputs`."""
    return classify(**inputs(record, unseen), model=model)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def org_mean(table: Counter[tuple[str, Any]], right: Any, wrong: Any) -> float:
    """Mean over organisations of right / (right + wrong) in ``table`` ((organisation,
    outcome) -> count), where defined: each organisation weighs as one."""
    counts = [(table[org, right], table[org, wrong]) for org in {org for org, _ in table}]
    rates = [hit / (hit + miss) for hit, miss in counts if hit + miss]
    return sum(rates) / len(rates) if rates else float("nan")


@dataclass
class Figures:
    """What ``evaluate`` measures on one set of labelled records."""

    n: int = 0
    role_ok: int = 0  # primary or acceptable second reading
    role_primary: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)
    relevance: Counter[tuple[str, str]] = field(default_factory=Counter)
    seniority: Counter[tuple[str, str]] = field(default_factory=Counter)
    phd: Counter[tuple[str, str]] = field(default_factory=Counter)
    forum: Counter[tuple[bool, bool]] = field(default_factory=Counter)
    # (organisation, right) for seniority where stated: one organisation's levelling
    # (a third of train is Anthropic) should not make the figure
    seniority_by_org: Counter[tuple[str, bool]] = field(default_factory=Counter)
    # (organisation, "tp" | "fp" | "fn") skill counts: the totals, and each organisation
    # weighing as one for the same reason
    skills_by_org: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def role_accuracy(self) -> float:
        return _ratio(self.role_ok, self.n)

    @property
    def primary_accuracy(self) -> float:
        return _ratio(self.role_primary, self.n)

    def _skills(self, outcome: str) -> int:
        return sum(n for (_, key), n in self.skills_by_org.items() if key == outcome)

    @property
    def skill_precision(self) -> float:
        tp = self._skills("tp")
        return _ratio(tp, tp + self._skills("fp"))

    @property
    def skill_recall(self) -> float:
        tp = self._skills("tp")
        return _ratio(tp, tp + self._skills("fn"))

    def relevance_rate(self, gold: str, predicted: str) -> float:
        total = sum(n for (g, _), n in self.relevance.items() if g == gold)
        return _ratio(self.relevance[gold, predicted], total)

    def stated_accuracy(self, table: Counter[tuple[str, str]]) -> float:
        """Right where the gold value is stated (not ``unspecified``)."""
        stated = {k: n for k, n in table.items() if k[0] != "unspecified"}
        return _ratio(sum(n for (g, p), n in stated.items() if g == p), sum(stated.values()))

    def recall_by_value(self, table: Counter[tuple[str, str]]) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for (gold, predicted), n in table.items():
            right, total = out.get(gold, (0, 0))
            out[gold] = (right + (n if gold == predicted else 0), total + n)
        return dict(sorted(out.items()))

    @property
    def seniority_org_weighted(self) -> float:
        """Seniority right where stated, each organisation's postings weighing as one."""
        return org_mean(self.seniority_by_org, True, False)

    @property
    def skill_precision_org_weighted(self) -> float:
        """Skill precision, each organisation's postings weighing as one."""
        return org_mean(self.skills_by_org, "tp", "fp")

    @property
    def skill_recall_org_weighted(self) -> float:
        """Skill recall, each organisation's postings weighing as one."""
        return org_mean(self.skills_by_org, "tp", "fn")

    @property
    def forum_precision(self) -> float:
        return _ratio(self.forum[True, True], self.forum[True, True] + self.forum[False, True])

    @property
    def forum_recall(self) -> float:
        return _ratio(self.forum[True, True], self.forum[True, True] + self.forum[True, False])


def evaluate(
    records: Iterable[dict[str, Any]], model: Model | bool | None = True, unseen: bool = False
) -> Figures:
    """Figures for corpus records (``labels``) or team-set records (``expected_role``);
    ``unseen`` as for :func:`inputs`."""
    figures = Figures()
    for record in records:
        result = run(record, model, unseen)
        labels = record.get("labels") or {
            "role": record["expected_role"],
            "role2": (record.get("acceptable_roles") or [""])[0],
            "skills": record.get("expected_skills", []),
        }
        figures.n += 1
        gold, second = labels["role"], labels.get("role2") or ""
        role = result.role
        if record.get("kind") == "forum_post":
            # A forum feed keeps only announcements; an ordinary post has no role (other).
            found = is_opportunity(record["title"], record.get("description") or "")
            figures.forum[bool(labels.get("is_opportunity")), found.value] += 1
            role = role if found.value else "other"
        figures.role_primary += role == gold
        figures.role_ok += role in (gold, second) or role in record.get("acceptable_roles", [])
        figures.confusion[gold, role] += 1
        if role not in (gold, second):
            figures.errors.append(f"{record['id']}: role {role} != {gold} ({second})")
        got, want = set(result.skills), set(labels.get("skills", []))
        org = str(record.get("org") or "")
        for key, part in (("tp", got & want), ("fp", got - want), ("fn", want - got)):
            figures.skills_by_org[org, key] += len(part)
        for key, table, value in (
            ("safety_relevance", figures.relevance, result.safety_relevance),
            ("seniority", figures.seniority, result.seniority),
            ("phd_required", figures.phd, result.phd_required),
        ):
            if key in labels:
                table[labels[key], value] += 1
                if key == "seniority" and labels[key] != "unspecified":
                    figures.seniority_by_org[org, labels[key] == value] += 1
                if labels[key] != value and key == "safety_relevance":
                    figures.errors.append(f"{record['id']}: relevance {value} != {labels[key]}")
    return figures
