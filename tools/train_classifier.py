"""Rebuild the classifier's learned model (aggregator/normalize/learned_model.json).

    pip install -e '.[train]'                    # scikit-learn: training only
    python tools/train_classifier.py            # grouped CV, then fit on train + dev, write
    python tools/train_classifier.py --dry-run  # print the cross-validated figures only
    python tools/train_classifier.py --dry-run --unseen  # and as unseen organisations

Fits a multinomial logistic regression for the role over ``learned.posting_features`` of
the corpus ``train`` and ``dev`` splits and the team's own set in tests/data. The corpus
splits are by organisation, and a model that memorises an organisation's postings (train
is a third Anthropic) looks good on that organisation only; so the regularisation (L1 or
L2 and its strength), how many organisations must show a feature before it is used, and
the ``mix`` (how far the model may outweigh the rules) are chosen by cross-validation
grouped by organisation over train + dev (forum posts, assigned to splits post by post,
are their own groups). The figures printed are out-of-fold: each posting is judged by a
model that saw none of its organisation's postings. The ``test`` split is never read.

scikit-learn is needed here only; the classifier reads the weights in plain Python. The
file holds weights over words, word pairs and taxonomy phrases only, never a sentence of
the corpus; L1 keeps it small (and ``classify()`` fast).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator import evaluation  # noqa: E402
from aggregator.normalize import learned  # noqa: E402
from aggregator.normalize.announcements import is_opportunity  # noqa: E402
from aggregator.normalize.classifier import (  # noqa: E402
    LONG_BODY_CHARS,
    classify,
    scan_posting,
    title_is_clear,
)
from aggregator.normalize.results import Classification, Scan  # noqa: E402
from aggregator.normalize.taxonomy import load_taxonomy  # noqa: E402

TEAM_WEIGHT = 0.5  # the team's written examples count half a real posting
FOLDS = 5
# (penalty, C): C is the inverse regularisation strength; L1 drops features outright.
# Tried on train + dev (December 2026), out-of-fold role / primary: rules alone 90.8 /
# 81.8 %; L1 C 0.3-3 at most 91.0 / 82.1 (the model adds nearly nothing); L2 C=1 92.0 /
# 83.3 with features of one organisation, 92.0 / 83.1 without (and a third of the size).
# Taxonomy 2026.12.5 (compliance, PR, strategist, seasonal fellows, PI): rules alone 93.0 /
# 83.8; the model consulted only where the title is not clear: 93.7 / 85.5 (L2 C=1, mix 2.5;
# consulted everywhere it overruled clear titles: 93.5 / 84.5). Fitted on the vague-title
# postings alone it has too few to learn from: 93.0 / 84.3.
# Each organisation weighing as one, or 1/sqrt of its postings, and consulting the model
# where a clear title's two best roles are close: no clear gain (docs/taxonomy.md).
PENALTIES = (("l1", 1.0), ("l2", 0.3), ("l2", 1.0), ("l2", 3.0))
# A feature seen at fewer organisations is left out: seen at one, it is that
# organisation's way of writing, not the field's.
MIN_GROUPS = (2,)
MIXES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)  # 1.0: the model never outweighs the rules
SEED = 7
# The skill head: one binary model per skill seen in at least SKILL_MIN_POSITIVES labelled
# postings; settings and thresholds chosen by the same grouped CV (micro F1 of skills).
# L1 only: a sparse head costs classify() little (L2 at C=1: 68.5 / 68.3 % out of fold,
# L1 at C=1: 70.4 / 65.0, and a quarter of the classifier's time instead of a tenth).
SKILL_PENALTIES = (("l1", 0.3), ("l1", 1.0), ("l1", 3.0))
SKILL_MIN_POSITIVES = 4
DROP_BELOW = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)  # 0: the model never drops a rules' skill
SKILL_HEAD_KEYS = ("skills", "bias", "drop_below", "add_at")
ADD_AT = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: the model never adds one


@dataclass
class Scanned:
    """One record's scan and the rules' result, which both heads' examples are built from
    (``classify`` scans the record again: a fraction of a second over the whole corpus)."""

    texts: dict[str, str]
    scan: Scan
    body_mentions: Counter[str]
    rules: Classification


def scan_record(record: dict[str, Any], unseen: bool = False) -> Scanned:
    """``unseen`` as for :func:`evaluation.inputs`."""
    inputs = evaluation.inputs(record, unseen)
    texts, scan, body_mentions = scan_posting(load_taxonomy(), **inputs)
    return Scanned(texts, scan, body_mentions, classify(**inputs, model=False))


@dataclass
class Example:
    """One labelled posting as the trainer sees it."""

    features: list[str]
    role: str
    weight: float
    group: str  # organisation (forum posts: the post)
    org: str  # the organisation as written (forum posts: the forum), for org-weighted figures
    rules_role: str  # what the rules alone say
    acceptable: frozenset[str]  # primary and acceptable second readings
    title_clear: bool  # the title decides: classify() does not consult the model
    judged: bool  # a corpus posting or announcement (the team's set only trains)


def to_example(record: dict[str, Any], scanned: Scanned) -> Example | None:
    """The posting's features and labels; None for an ordinary forum post (the feed
    drops it, it gets no role)."""
    labels = record.get("labels")
    if labels is None:  # the team's set
        role, weight, group, judged = record["expected_role"], TEAM_WEIGHT, "team", False
        acceptable = {role, *record.get("acceptable_roles", [])}
    elif record.get("kind") == "forum_post":
        if not labels.get("is_opportunity"):
            return None
        if not is_opportunity(record["title"], record.get("description") or "").value:
            return None  # the feed drops it whatever its role: nothing to learn here
        role, weight, group, judged = labels["role"], 1.0, record["id"], True
        acceptable = {role, labels.get("role2") or role}
    else:
        role, weight, judged = labels["role"], 1.0, True
        group = str(record.get("org") or record["id"]).lower()
        acceptable = {role, labels.get("role2") or role}
    features = learned.posting_features(scanned.texts, scanned.scan)
    return Example(
        features,
        role,
        weight,
        group,
        str(record.get("org") or "").lower(),
        scanned.rules.role,
        frozenset(acceptable),
        title_is_clear(scanned.scan),
        judged,
    )


@dataclass
class SkillExample:
    """One labelled posting as the skill head's trainer sees it."""

    features: list[str]
    skills: frozenset[str]  # labelled
    rules: frozenset[str]  # what the rules alone say
    weight: float
    group: str
    judged: bool


def to_skill_example(record: dict[str, Any], scanned: Scanned) -> SkillExample:
    """Every corpus record is judged on skills (forum posts too, as bench/classify.py)."""
    labels = record.get("labels")
    if labels is None:  # the team's set
        skills, weight, group, judged = (
            record.get("expected_skills", []),
            TEAM_WEIGHT,
            "team",
            False,
        )
    else:
        skills, weight, judged = labels.get("skills", []), 1.0, True
        group = record["id"] if record.get("kind") == "forum_post" else record.get("org") or ""
        group = str(group or record["id"]).lower()
    texts, rules = scanned.texts, scanned.rules.skills
    features = learned.posting_features(texts, scanned.scan) + learned.skill_count_features(
        scanned.body_mentions, len(texts["body"]) > LONG_BODY_CHARS, rules
    )
    return SkillExample(features, frozenset(skills), frozenset(rules), weight, group, judged)


def feature_matrix(
    data: Sequence[Example | SkillExample], min_groups: int
) -> tuple[Any, list[str]]:
    """The 0/1 matrix of the features seen at ``min_groups`` organisations or more (seen
    at one, a feature is that organisation's way of writing), and their names."""
    from sklearn.feature_extraction import DictVectorizer

    groups_of: dict[str, set[str]] = defaultdict(set)
    for example in data:
        for feature in example.features:
            groups_of[feature].add(example.group)
    kept = {f for f, groups in groups_of.items() if len(groups) >= min_groups}
    vectorizer = DictVectorizer(sparse=False)  # small: a few hundred postings
    matrix = vectorizer.fit_transform(
        [dict.fromkeys((f for f in e.features if f in kept), 1) for e in data]
    )
    return matrix, [str(name) for name in vectorizer.get_feature_names_out()]


def fit_skills(data: list[SkillExample], penalty: str, c: float) -> dict[str, Any]:
    """A skill head (skills, bias, weights): one binary logistic regression per skill
    with enough positives, over features seen at two organisations or more."""
    from sklearn.linear_model import LogisticRegression

    positives: dict[str, int] = defaultdict(int)
    for example in data:
        for skill in example.skills:
            positives[skill] += 1
    matrix, names = feature_matrix(data, 2)
    skills = [s for s in load_taxonomy().skills if positives[s] >= SKILL_MIN_POSITIVES]
    bias, columns = [], []
    for skill in skills:
        model = LogisticRegression(
            C=c,
            l1_ratio=1.0 if penalty == "l1" else 0.0,
            solver="liblinear",
            max_iter=1000,
            random_state=SEED,
        )
        model.fit(matrix, [skill in e.skills for e in data], sample_weight=[e.weight for e in data])
        bias.append(round(float(model.intercept_[0]), 3))
        columns.append(model.coef_[0])
    weights: dict[str, dict[str, float]] = {}
    for index, feature in enumerate(names):
        row = {s: round(float(c[index]), 3) for s, c in zip(skills, columns, strict=True)}
        row = {skill: weight for skill, weight in row.items() if abs(weight) >= 0.005}
        if row:
            weights[feature] = row
    return {"skills": skills, "bias": bias, "weights": dict(sorted(weights.items()))}


def skill_counts(
    head: dict[str, Any], examples: list[SkillExample]
) -> dict[tuple[float, float], tuple[int, int, int]]:
    """Per (drop_below, add_at): skills (right, wrong, missed) among the judged examples."""
    model = learned.model_from_dict({"heads": {}, "skills": head | {"drop_below": 0, "add_at": 1}})
    assert model.skills is not None
    probabilities = [model.skills.probabilities(e.features) for e in examples if e.judged]
    judged = [e for e in examples if e.judged]
    out = {}
    for drop_below, add_at in itertools.product(DROP_BELOW, ADD_AT):
        right = wrong = missed = 0
        for example, chances in zip(judged, probabilities, strict=True):
            found = {s for s in example.rules if chances.get(s, 1.0) >= drop_below}
            found |= {s for s, p in chances.items() if p >= add_at}
            right += len(found & example.skills)
            wrong += len(found - example.skills)
            missed += len(example.skills - found)
        out[drop_below, add_at] = (right, wrong, missed)
    return out


def _f1(counts: tuple[int, int, int]) -> float:
    right, wrong, missed = counts
    return 2 * right / (2 * right + wrong + missed) if right else 0.0


def _precision(counts: tuple[int, int, int]) -> float:
    right, wrong, _ = counts
    return right / max(1, right + wrong)


def _precision_recall(counts: tuple[int, int, int]) -> str:
    right, wrong, missed = counts
    precision, recall = right / max(1, right + wrong), right / max(1, right + missed)
    return (
        f"precision {precision:.1%}, recall {recall:.1%} "
        f"({right} right, {wrong} wrong, {missed} missed)"
    )


def cross_validate_skills(
    examples: list[SkillExample], team: list[SkillExample]
) -> tuple[tuple[str, float, float, float], tuple[int, int, int]]:
    """The (penalty, C, drop_below, add_at) with the best out-of-fold skill F1 among those
    at least as precise as the rules alone (a wrong tag misleads a subscriber more than a
    missing one; on train + dev F1 is flat from adding at 0.4 to 0.7 while precision
    falls five points), and its (right, wrong, missed)."""
    split = folds(examples)
    results: dict[tuple[str, float, float, float], tuple[int, int, int]] = {}
    for penalty, c in SKILL_PENALTIES:
        totals: dict[tuple[float, float], list[int]] = defaultdict(lambda: [0, 0, 0])
        for held in split:
            held_set = set(held)
            training = [e for i, e in enumerate(examples) if i not in held_set] + team
            head = fit_skills(training, penalty, c)
            for key, counts in skill_counts(head, [examples[i] for i in held]).items():
                for position, value in enumerate(counts):
                    totals[key][position] += value
        for (drop_below, add_at), (right, wrong, missed) in totals.items():
            results[penalty, c, drop_below, add_at] = (right, wrong, missed)
        best = max(totals, key=lambda k: _f1(results[penalty, c, *k]))
        print(
            f"  skills {penalty} C={c:<4}: best F1 dropping below {best[0]}, adding at "
            f"{best[1]}: {_precision_recall(results[penalty, c, *best])}"
        )
    rules = results[SKILL_PENALTIES[0] + (0.0, ADD_AT[-1])]  # never dropped, never added
    precise = [k for k in results if _precision(results[k]) >= _precision(rules)]
    # Ties go to the stronger regularisation and to thresholds nearer the rules.
    chosen = max(precise, key=lambda k: (_f1(results[k]), -k[1], -k[2], k[3]))
    return chosen, results[chosen]


def _rules_alone_skills(examples: list[SkillExample]) -> str:
    judged = [e for e in examples if e.judged]
    right = sum(len(e.rules & e.skills) for e in judged)
    wrong = sum(len(e.rules - e.skills) for e in judged)
    missed = sum(len(e.skills - e.rules) for e in judged)
    return _precision_recall((right, wrong, missed))


def fit(
    data: list[Example], classes: tuple[str, ...], penalty: str, c: float, min_groups: int
) -> dict[str, Any]:
    """A role head (classes, bias, weights) fitted on ``data``."""
    from sklearn.linear_model import LogisticRegression

    matrix, names = feature_matrix(data, min_groups)
    model = LogisticRegression(
        C=c,
        l1_ratio=1.0 if penalty == "l1" else 0.0,
        solver="saga" if penalty == "l1" else "lbfgs",
        max_iter=2000,
        tol=1e-3,
        random_state=SEED,
    )
    model.fit(matrix, [e.role for e in data], sample_weight=[e.weight for e in data])
    learned_classes = list(model.classes_)
    bias = []
    for name in classes:  # a role no example has: never predicted
        bias.append(
            round(float(model.intercept_[learned_classes.index(name)]), 3)
            if name in learned_classes
            else -10.0
        )
    weights: dict[str, list[float]] = {}
    for column, feature in enumerate(names):
        row = [
            round(float(model.coef_[learned_classes.index(name), column]), 3)
            if name in learned_classes
            else 0.0
            for name in classes
        ]
        if max(abs(w) for w in row) >= 0.005:
            weights[feature] = row
    return {"classes": list(classes), "bias": bias, "weights": dict(sorted(weights.items()))}


Outcome = tuple[str, bool, bool]  # (organisation, primary or acceptable, primary)


def role_scores(head: dict[str, Any], examples: list[Example]) -> dict[float, list[Outcome]]:
    """Per mix, each judged example's outcome."""
    model = learned.model_from_dict({"heads": {"role": head | {"mix": 1.0}}})
    role_head = model.head("role")
    assert role_head is not None
    out = {}
    for mix in MIXES:
        mixed = learned.Head(role_head.classes, role_head.bias, role_head.weights, mix)
        outcomes = []
        for example in examples:
            if not example.judged:
                continue
            chosen = example.rules_role
            if not example.title_clear:
                chosen, _ = mixed.choose(example.features, example.rules_role)
            outcomes.append((example.org, chosen in example.acceptable, chosen == example.role))
        out[mix] = outcomes
    return out


# Out-of-fold role figures: (right, primary right, and both as a mean over organisations).
RoleFigures = tuple[int, int, float, float]


def _figures(outcomes: list[Outcome]) -> RoleFigures:
    """(right, primary right, and both as a mean over organisations): the test split's
    organisations are all new, and a third of train is one employer, so each organisation
    weighing as one is the nearer guide (a fix at Anthropic is one posting of 116)."""
    right = Counter((org, ok) for org, ok, _ in outcomes)
    primary = Counter((org, ok) for org, _, ok in outcomes)
    return (
        sum(ok for _, ok, _ in outcomes),
        sum(ok for _, _, ok in outcomes),
        evaluation.org_mean(right, True, False),
        evaluation.org_mean(primary, True, False),
    )


def _describe(figures: RoleFigures, n: int) -> str:
    ok, primary, ok_orgs, primary_orgs = figures
    return (
        f"role {ok / n:.1%}, primary {primary / n:.1%} ({ok} / {primary} of {n}; "
        f"org-weighted {ok_orgs:.1%} / {primary_orgs:.1%})"
    )


def folds(examples: Sequence[Example | SkillExample]) -> list[list[int]]:
    """Indices of the judged examples in ``FOLDS`` groups with no organisation in two."""
    from sklearn.model_selection import GroupKFold

    judged = [i for i, e in enumerate(examples) if e.judged]
    splitter = GroupKFold(n_splits=FOLDS)
    groups = [examples[i].group for i in judged]
    return [[judged[k] for k in held] for _, held in splitter.split(judged, groups=groups)]


def cross_validate(
    examples: list[Example],
    team: list[Example],
    classes: tuple[str, ...],
    unseen: list[Example] | None = None,
) -> tuple[tuple[str, float, int, float], dict[Any, RoleFigures], dict[Any, RoleFigures]]:
    """The (penalty, C, min_groups, mix) with the best out-of-fold role figures (counted
    per posting), the figures of every setting and, given ``unseen`` (``examples`` read
    as from organisations the taxonomy does not know, index for index), every setting's
    figures on the held-out folds read so (the nearer guide to ``test``)."""
    results: dict[Any, RoleFigures] = {}
    unseen_results: dict[Any, RoleFigures] = {}
    split = folds(examples)
    n = sum(len(h) for h in split)
    for (penalty, c), min_groups in itertools.product(PENALTIES, MIN_GROUPS):
        outcomes: dict[float, list[Outcome]] = {mix: [] for mix in MIXES}
        unseen_outcomes: dict[float, list[Outcome]] = {mix: [] for mix in MIXES}
        for held in split:
            held_set = set(held)
            training = [e for i, e in enumerate(examples) if i not in held_set] + team
            head = fit(training, classes, penalty, c, min_groups)
            for mix, found in role_scores(head, [examples[i] for i in held]).items():
                outcomes[mix] += found
            if unseen is not None:
                for mix, found in role_scores(head, [unseen[i] for i in held]).items():
                    unseen_outcomes[mix] += found
        for mix, found in outcomes.items():
            results[penalty, c, min_groups, mix] = _figures(found)
            if unseen is not None:
                unseen_results[penalty, c, min_groups, mix] = _figures(unseen_outcomes[mix])
        best_mix = max(MIXES, key=lambda m: sum(results[penalty, c, min_groups, m][:2]))
        print(
            f"  {penalty} C={c:<4} min orgs {min_groups}: best mix {best_mix}: "
            f"{_describe(results[penalty, c, min_groups, best_mix], n)}"
        )
        if unseen is not None:
            figures = unseen_results[penalty, c, min_groups, best_mix]
            print(f"    as unseen organisations: {_describe(figures, n)}")
    # Ties go to the stronger regularisation and the smaller mix (nearer the rules).
    best = max(results, key=lambda k: (sum(results[k][:2]), -k[1], k[2], -k[3]))
    return best, results, unseen_results


def _rules_alone(examples: list[Example]) -> str:
    judged = [e for e in examples if e.judged]
    outcomes = [(e.org, e.rules_role in e.acceptable, e.rules_role == e.role) for e in judged]
    return _describe(_figures(outcomes), len(judged))


def dump(model: dict[str, Any]) -> str:
    """JSON with one feature per line, so a retrained model diffs readably."""
    lines = ["{", f'"about": {json.dumps(model["about"])},', '"heads": {']
    heads = list(model["heads"].items())
    for position, (label, head) in enumerate(heads):
        rows = [f"{json.dumps(f)}: {json.dumps(w)}" for f, w in head["weights"].items()]
        lines += [
            f"{json.dumps(label)}: {{",
            f'"classes": {json.dumps(head["classes"])},',
            f'"bias": {json.dumps(head["bias"])},',
            f'"mix": {json.dumps(head["mix"])},',
            '"weights": {',
            ",\n".join(rows),
            "}}" + ("," if position < len(heads) - 1 else ""),
        ]
    lines.append("}" + ("," if "skills" in model else ""))
    if "skills" in model:
        skills = model["skills"]
        rows = [f"{json.dumps(f)}: {json.dumps(w)}" for f, w in skills["weights"].items()]
        lines += ['"skills": {']
        lines += [f"{json.dumps(key)}: {json.dumps(skills[key])}," for key in SKILL_HEAD_KEYS]
        lines += ['"weights": {', ",\n".join(rows), "}}"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print CV figures only")
    parser.add_argument("--out", type=Path, default=learned.MODEL_PATH)
    parser.add_argument(
        "--skill-head",
        action="store_true",
        help="write the skill head too (measured always; not shipped by default: it costs "
        "classify() a quarter of its time, docs/taxonomy.md)",
    )
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="also print the out-of-fold role figures with the held-out fold read as from "
        "organisations the taxonomy does not know (no name or type, the name removed from "
        "its text: bench/classify.py's 'as unseen')",
    )
    args = parser.parse_args()
    folder = evaluation.corpus_folder()
    if folder is None:
        sys.exit("the real corpus (../shared/corpus/) is not here: nothing to train on")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sys.exit("training needs scikit-learn: pip install -e '.[train]'")
    corpus = evaluation.load_corpus(folder, ["train", "dev"])
    team_set = evaluation.load_jsonl(evaluation.TEAM_SET)
    corpus_scans = [scan_record(r) for r in corpus]  # read once for both heads
    team_scans = [scan_record(r) for r in team_set]
    examples = [e for e in map(to_example, corpus, corpus_scans) if e is not None]
    team = [e for e in map(to_example, team_set, team_scans) if e is not None]
    unseen = None
    if args.unseen:  # the same records are dropped: by their labels and text, not the reading
        unseen_scans = [scan_record(r, unseen=True) for r in corpus]
        unseen = [e for e in map(to_example, corpus, unseen_scans) if e is not None]
    classes = tuple(load_taxonomy().roles)
    print(f"grouped {FOLDS}-fold CV over train + dev ({len(examples)} postings):")
    print(f"  rules alone: {_rules_alone(examples)}")
    if unseen is not None:
        print(f"  rules alone, as unseen organisations: {_rules_alone(unseen)}")
    (penalty, c, min_groups, mix), results, unseen_results = cross_validate(
        examples, team, classes, unseen
    )
    n = sum(e.judged for e in examples)
    print(
        f"chosen: {penalty} C={c}, min orgs {min_groups}, mix {mix}: out-of-fold "
        f"{_describe(results[penalty, c, min_groups, mix], n)}"
    )
    if unseen is not None:
        figures = unseen_results[penalty, c, min_groups, mix]
        print(f"  as unseen organisations: {_describe(figures, n)}")
    head = fit(examples + team, classes, penalty, c, min_groups)
    print(f"final model: {len(head['weights'])} features")
    skill_examples = list(map(to_skill_example, corpus, corpus_scans))
    skill_team = list(map(to_skill_example, team_set, team_scans))
    print(f"skills, grouped {FOLDS}-fold CV over train + dev ({len(skill_examples)} records):")
    (skill_penalty, skill_c, drop_below, add_at), counts = cross_validate_skills(
        skill_examples, skill_team
    )
    print(
        f"chosen: {skill_penalty} C={skill_c}, drop below {drop_below}, add at {add_at}: "
        f"out-of-fold skills {_precision_recall(counts)} "
        f"(rules alone {_rules_alone_skills(skill_examples)})"
    )
    skill_head = fit_skills(skill_examples + skill_team, skill_penalty, skill_c)
    skill_count, feature_count = len(skill_head["skills"]), len(skill_head["weights"])
    print(f"final skill head: {skill_count} skills, {feature_count} features")
    if args.dry_run:
        return
    model: dict[str, Any] = {
        "about": "Learned weights beside the taxonomy rules; rebuild with "
        "`python tools/train_classifier.py` (aggregator/normalize/learned.py). "
        f"Chosen by grouped CV: {penalty} C={c}, features in >= {min_groups} organisations.",
        "heads": {"role": head | {"mix": mix}},
    }
    if args.skill_head:
        model["about"] += f" Skill head: {skill_penalty} C={skill_c}."
        model["skills"] = skill_head | {"drop_below": drop_below, "add_at": add_at}
    args.out.write_text(dump(model), encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
