"""Rebuild the classifier's learned model (aggregator/normalize/learned_model.json).

    python tools/train_classifier.py            # fit on train + team set, tune on dev, write
    python tools/train_classifier.py --dry-run  # print the dev figures, write nothing

Fits a multinomial logistic regression for the role over ``learned.posting_features`` of
the corpus ``train`` split and the team's own set in tests/data, and picks its ``mix``
(how far the model may outweigh the rules) on the ``dev`` split. (Heads for seniority and
safety relevance were tried the same way and did not beat the rules on dev: none ships.)
The ``test`` split is never read here. Plain Python, no numerical library: a few hundred
postings train in about a minute, and the result is deterministic (fixed seed). The file
holds weights over words, word pairs and taxonomy phrases only; no sentence of the corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator import evaluation  # noqa: E402
from aggregator.normalize import learned  # noqa: E402
from aggregator.normalize.classifier import scan_posting  # noqa: E402
from aggregator.normalize.taxonomy import load_taxonomy  # noqa: E402

EPOCHS = 30
LEARNING_RATE = 0.3
L2 = 0.01
MIN_COUNT = 2  # a feature seen in fewer training postings is left out
TEAM_WEIGHT = 0.5  # the team's written examples count half a real posting
MIXES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0)  # 1.0: the model never outweighs the rules
SEED = 7

Example = tuple[list[str], str, float]  # features, gold value, weight


def features_of(record: dict[str, Any]) -> list[str]:
    texts, scan, _ = scan_posting(load_taxonomy(), **evaluation.inputs(record))
    return learned.posting_features(texts, scan)


def examples(records: list[dict[str, Any]]) -> list[Example]:
    """(features, role, weight) of the postings and forum announcements among ``records``
    (an ordinary forum post is dropped by the feed, not given a role)."""
    out: list[Example] = []
    for record in records:
        labels = record.get("labels")
        if labels is None:  # the team's set
            out.append((features_of(record), record["expected_role"], TEAM_WEIGHT))
        elif record.get("kind") != "forum_post" or labels.get("is_opportunity"):
            out.append((features_of(record), labels["role"], 1.0))
    return out


def fit(data: list[Example], classes: tuple[str, ...]) -> dict[str, Any]:
    """Multinomial logistic regression by AdaGrad, L2 on the features of each step."""
    counts = Counter(f for features, _, _ in data for f in set(features))
    kept = {f for f, n in counts.items() if n >= MIN_COUNT}
    size = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    weights: dict[str, list[float]] = {f: [0.0] * size for f in kept}
    squares: dict[str, list[float]] = {f: [1e-6] * size for f in kept}
    bias, bias_squares = [0.0] * size, [1e-6] * size
    rng = random.Random(SEED)
    order = list(range(len(data)))
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for position in order:
            features, gold, weight = data[position]
            active = [f for f in features if f in kept]
            scores = list(bias)
            for f in active:
                scores = [s + w for s, w in zip(scores, weights[f], strict=True)]
            top = max(scores)
            exps = [2.718281828459045 ** (s - top) for s in scores]
            total = sum(exps)
            gradient = [weight * e / total for e in exps]
            gradient[index[gold]] -= weight
            for k in range(size):
                bias_squares[k] += gradient[k] ** 2
                bias[k] -= LEARNING_RATE * gradient[k] / bias_squares[k] ** 0.5
            for f in active:
                row, row_squares = weights[f], squares[f]
                for k in range(size):
                    g = gradient[k] + L2 * row[k]
                    row_squares[k] += g * g
                    row[k] -= LEARNING_RATE * g / row_squares[k] ** 0.5
    rows = {
        f: [round(w, 3) for w in row]
        for f, row in sorted(weights.items())
        if max(abs(w) for w in row) >= 0.005
    }
    return {"classes": list(classes), "bias": [round(b, 3) for b in bias], "weights": rows}


def tune(model: dict[str, Any], dev: list[dict[str, Any]]) -> evaluation.Figures:
    """Set the role head's ``mix`` to the one that does best on dev (ties: the smaller,
    nearer the rules)."""
    best: tuple[float, float, evaluation.Figures] | None = None
    for mix in MIXES:
        model["heads"]["role"]["mix"] = mix
        figures = evaluation.evaluate(dev, learned.model_from_dict(model))
        score = figures.role_accuracy + figures.primary_accuracy
        if best is None or score > best[0] + 1e-9:
            best = (score, mix, figures)
        print(f"  mix {mix:4.2f}: {describe(figures)}")
    assert best is not None
    model["heads"]["role"]["mix"] = best[1]
    return best[2]


def describe(figures: evaluation.Figures) -> str:
    return f"role {figures.role_accuracy:.1%}, primary only {figures.primary_accuracy:.1%}"


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
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print dev figures only")
    parser.add_argument("--out", type=Path, default=learned.MODEL_PATH)
    args = parser.parse_args()
    folder = evaluation.corpus_folder()
    if folder is None:
        sys.exit("the real corpus (../shared/corpus/) is not here: nothing to train on")
    train = evaluation.load_corpus(folder, ["train"])
    dev = evaluation.load_corpus(folder, ["dev"])
    team = evaluation.load_jsonl(evaluation.TEAM_SET)
    roles = tuple(load_taxonomy().roles)
    model: dict[str, Any] = {
        "about": "Learned weights beside the taxonomy rules; rebuild with "
        "`python tools/train_classifier.py` (aggregator/normalize/learned.py).",
        "heads": {},
    }
    print("dev, rules alone: " + describe(evaluation.evaluate(dev, model=False)))
    head = fit(examples(train + team), roles)
    model["heads"]["role"] = head | {"mix": 1.0}
    figures = tune(model, dev)
    mix = model["heads"]["role"]["mix"]
    print(f"dev, rules and model: {len(head['weights'])} features, mix {mix}: {describe(figures)}")
    if args.dry_run:
        return
    args.out.write_text(dump(model), encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
