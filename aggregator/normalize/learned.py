"""A small learned model beside the rules: linear weights over words and matched phrases.

The rules (taxonomy phrases) generalise only as far as their vocabulary; on real postings
they fit the examples they were tuned on. A linear model over the title's words and word
pairs, the department's words, the organisation type and every taxonomy phrase the scan
found (with the role, skill or cue it stands for) learns how much each of those says, from
labelled postings. It never replaces the rules outright: per label (one *head*) the
rules' choice counts 1 and the model's probability of each value counts ``mix`` (chosen
by cross-validation grouped by organisation), and the higher total wins. The model's
strongest features for the value it supports become that label's evidence.

Skills are several labels at once: the skill head is one binary model per skill, over the
same features plus how often a long description names each skill and which skills the
rules found. It adds a skill the rules missed when its probability reaches ``add_at`` and
drops one of theirs below ``drop_below`` (both chosen by the same grouped CV).

The weights live in ``learned_model.json`` beside this module: feature names are single
words, word pairs and taxonomy phrases, never sentences. ``python tools/train_classifier.py``
rebuilds it from the corpus ``train`` and ``dev`` splits and the team's set.
Without the file the classifier is the rules alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from aggregator.normalize.results import Scan, Signal

MODEL_PATH = Path(__file__).with_name("learned_model.json")
_TOKEN = re.compile(r"[a-z0-9+#]+")
MENTION_STEPS = (2, 4)  # skill count features: named at least this often
# Phrase hits repeat across postings: their feature names are kept, not rebuilt.
HIT_MEMO_SIZE = 50_000
_HitMemo = dict[tuple[str, str, Signal], tuple[str, ...]]
_HIT_FEATURES: _HitMemo = {}
# Field of a phrase hit -> the one-letter prefix of its features.
_FIELD_PREFIX = {
    "title": "t",
    "department": "d",
    "body": "b",
    "org": "g",
    "org_type": "o",
    "employment_type": "e",
}
# Signal kinds that are no features: what an employer says of itself ("our customers",
# `[relevance.self_described]`) is relevance's evidence and says nothing of the role.
_NOT_FEATURES = frozenset({"self"})


def posting_features(texts: dict[str, str], scan: Scan) -> list[str]:
    """Feature names of one posting (prepared texts and its phrase scan), each once."""
    return _features(texts, scan, _HIT_FEATURES, None)


def _features(
    texts: dict[str, str], scan: Scan, memo: _HitMemo, known: Container[str] | None
) -> list[str]:
    """:func:`posting_features`, only those in ``known`` unless it is None; each phrase
    hit's feature names are kept in ``memo`` (hits repeat across postings)."""
    text_features = _text_features(texts)
    if known is not None:
        text_features = [f for f in text_features if f in known]
    found = dict.fromkeys(text_features)
    for hit in scan.signals:
        if hit[2].kind in _NOT_FEATURES:
            continue
        names = memo.get(hit)
        if names is None:
            names = _hit_features(*hit)
            if known is not None:
                names = tuple(f for f in names if f in known)
            if len(memo) < HIT_MEMO_SIZE:
                memo[hit] = names
        for name in names:
            found[name] = None
    return list(found)


def _text_features(texts: dict[str, str]) -> list[str]:
    """The title's words and word pairs, the department's words, the organisation type."""
    words = _TOKEN.findall(texts["title"])
    found = ["t " + word for word in words]
    found += [f"t {first} {second}" for first, second in pairwise(words)]
    found += ["d " + word for word in _TOKEN.findall(texts["department"])]
    if texts["org_type"]:
        found.append("o " + texts["org_type"])
    return found


def _hit_features(field_name: str, phrase: str, signal: Signal) -> tuple[str, str]:
    """The phrase as matched, and the role, skill or cue it stands for."""
    prefix = _FIELD_PREFIX[field_name]
    return f"{prefix}:{phrase}", f"{prefix}={signal.kind}:{signal.name}"


def skill_count_features(
    body_mentions: Mapping[str, int], long_body: bool, rules: Iterable[str]
) -> list[str]:
    """The skills the rules found (``r#evals``), and how often a long description names
    each skill (``b#evals 2+``: twice or more), for the skill head: one mention in a long
    text is often in passing, repeats rarely."""
    found = [f"r#{name}" for name in rules]
    if not long_body:
        return found
    found.append("b#long body")
    for name, count in body_mentions.items():
        found += [f"b#{name} {least}+" for least in MENTION_STEPS if count >= least]
    return found


def readable(feature: str) -> tuple[str, str]:
    """(field, what) of a feature name, for evidence: ``t:research fellow`` ->
    (``title``, ``research fellow``); ``b=core:core`` -> (``body``, ``core cue``);
    ``b#evals 2+`` -> (``body``, ``evals 2+ times``)."""
    field_name = next((f for f, p in _FIELD_PREFIX.items() if p == feature[0]), "model")
    rest = feature[2:]
    if feature[1] == "#":
        rest = rest.replace("+", "+ times") if rest != "long body" else rest
    elif feature[1] == "=":
        kind, _, name = rest.partition(":")
        rest = f"{kind} {name}" if kind != name else f"{kind} cue"
    return field_name, rest


@dataclass(frozen=True)
class Head:
    """One label's linear model: class weights per feature, and how far to trust it."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    mix: float  # the model's probability is worth this much beside the rules' choice (1)

    @cached_property
    def _margins(self) -> dict[str, tuple[float, ...]]:
        """Per feature, how much more it says for each value than for the average one."""
        margins = {}
        for feature, row in self.weights.items():
            mean = sum(row) / len(row)
            margins[feature] = tuple(w - mean if w > 0 else 0.0 for w in row)
        return margins

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        rows = list(filter(None, map(self.weights.get, features)))  # known features
        # Column sums in one zip: far cheaper than adding row by row in Python.
        scores = [sum(column) for column in zip(self.bias, *rows, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def choose(self, features: list[str], rules_choice: str) -> tuple[str, float]:
        """The value with the highest rules-plus-model total, and the model's probability
        of it."""
        probabilities = self.probabilities(features)
        best = max(  # a tie goes to the rules
            self.classes,
            key=lambda c: ((c == rules_choice) + self.mix * probabilities[c], c == rules_choice),
        )
        return best, probabilities[best]

    def strongest(self, features: Iterable[str], value: str, count: int = 3) -> list[str]:
        """The features that speak most for ``value`` in this posting."""
        index = self.classes.index(value)
        margins = self._margins
        scored = []
        for feature in features:
            row = margins.get(feature)
            # For this value (a positive weight) more than for the others on average.
            if row is not None and row[index] > 0:
                scored.append((row[index], feature))
        scored.sort(reverse=True)
        return [feature for _, feature in scored[:count]]


@dataclass(frozen=True)
class SkillHead:
    """One binary logistic model per skill over :func:`posting_features` plus
    :func:`skill_count_features`. The rules' skills stay unless the model's probability
    is below ``drop_below``; a skill the rules missed is added at ``add_at`` or above.
    L1-regularised: a feature weighs for two skills on average, so its row holds only
    those (half the instructions of summing full rows)."""

    skills: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]  # (skill's column, weight), non-zero
    drop_below: float
    add_at: float

    def count_features(
        self, body_mentions: Mapping[str, int], long_body: bool, rules: Iterable[str]
    ) -> list[str]:
        """:func:`skill_count_features` that this head has weights for, from names built
        once (formatting them per posting cost as much as the scoring)."""
        known = self._count_names
        found = [name for skill in rules if (name := known.get(("r", skill, 0)))]
        if long_body:
            if name := known.get(("b", "long body", 0)):
                found.append(name)
            for skill, count in body_mentions.items():
                for least in MENTION_STEPS:
                    if count >= least and (name := known.get(("b", skill, least))):
                        found.append(name)
        return found

    @cached_property
    def _count_names(self) -> dict[tuple[str, str, int], str]:
        """(kind, skill, least) -> the count feature's name, for those with weights."""
        names: dict[tuple[str, str, int], str] = {}
        for feature in self.weights:
            kind, rest = feature[0], feature[2:]
            if feature[1:2] != "#":
                continue
            if kind == "r" or rest == "long body":
                names[kind, rest, 0] = feature
            else:  # "b#evals 2+"
                skill, least = rest.rsplit(" ", 1)
                names[kind, skill, int(least.rstrip("+"))] = feature
        return names

    def scores(self, features: Iterable[str]) -> list[float]:
        """Each skill's log-odds, independently of the others."""
        scores = list(self.bias)
        for row in filter(None, map(self.weights.get, features)):
            for column, weight in row:
                scores[column] += weight
        return scores

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        return {
            skill: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))
            for skill, score in zip(self.skills, self.scores(features), strict=True)
        }

    def decide(self, features: Iterable[str], rules: list[str]) -> tuple[list[str], list[str]]:
        """(the rules' skills the model keeps, the skills it adds), compared in log-odds
        (no exponential per skill)."""
        scores = self.scores(features)
        column = self._columns
        drop, add = self._logits
        kept = [s for s in rules if s not in column or scores[column[s]] >= drop]
        added = [
            skill
            for skill, score in zip(self.skills, scores, strict=True)
            if score >= add and skill not in rules
        ]
        return kept, added

    @cached_property
    def _columns(self) -> dict[str, int]:
        return {skill: index for index, skill in enumerate(self.skills)}

    @cached_property
    def _logits(self) -> tuple[float, float]:
        def logit(p: float) -> float:
            return -math.inf if p <= 0 else math.inf if p >= 1 else math.log(p / (1 - p))

        return logit(self.drop_below), logit(self.add_at)

    def strongest(
        self, features: Iterable[str], skills: Iterable[str], count: int = 3
    ) -> dict[str, list[str]]:
        """Per skill, the features that speak most for it in this posting (one pass over
        the features for all of them)."""
        wanted = {self._columns[skill]: skill for skill in skills}
        scored: dict[str, list[tuple[float, str]]] = {skill: [] for skill in wanted.values()}
        for feature in features:
            for column, weight in self.weights.get(feature, ()):
                if weight > 0 and column in wanted:
                    scored[wanted[column]].append((weight, feature))
        return {
            skill: [feature for _, feature in sorted(found, reverse=True)[:count]]
            for skill, found in scored.items()
        }


@dataclass(frozen=True)
class Model:
    heads: dict[str, Head]
    about: str = ""
    skills: SkillHead | None = None

    def head(self, label: str) -> Head | None:
        return self.heads.get(label)

    def features(self, texts: dict[str, str], scan: Scan) -> list[str]:
        """``posting_features`` that any head has weights for, each once, in one pass (a
        head ignores the others' features). Cheaper: a phrase hit's known feature names
        are kept per hit (most hits have none)."""
        return _features(texts, scan, self._known_hit_features, self._known)

    @cached_property
    def _known_hit_features(self) -> _HitMemo:
        return {}

    @cached_property
    def _known(self) -> set[str]:
        known = {f for head in self.heads.values() for f in head.weights}
        return known | set(self.skills.weights if self.skills else ())


def model_from_dict(data: dict[str, Any]) -> Model:
    heads = {}
    for label, head in data["heads"].items():
        classes = tuple(head["classes"])
        weights = {f: tuple(map(float, row)) for f, row in head["weights"].items()}
        if any(len(row) != len(classes) for row in weights.values()):
            raise ValueError(f"learned model head {label}: a weight row of the wrong length")
        heads[label] = Head(classes, tuple(head["bias"]), weights, float(head["mix"]))
    return Model(heads, str(data.get("about", "")), _skill_head(data.get("skills")))


def _skill_head(data: dict[str, Any] | None) -> SkillHead | None:
    """The skill head of the file: ``weights`` maps a feature to {skill: weight}."""
    if data is None:
        return None
    names = tuple(data["skills"])
    column = {skill: index for index, skill in enumerate(names)}
    weights = {
        feature: tuple((column[skill], float(weight)) for skill, weight in row.items())
        for feature, row in data["weights"].items()
    }
    return SkillHead(
        names,
        tuple(map(float, data["bias"])),
        weights,
        float(data["drop_below"]),
        float(data["add_at"]),
    )


@cache
def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The shipped model, or None when the file is absent (the rules alone then)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return model_from_dict(json.loads(text))
