"""Classifier benchmark: accuracy on the labeled set and throughput on one core.

Run ``python bench/classify.py``. Prints role accuracy (exact primary role, and primary
role within the acceptable roles), per-role precision and recall, skill precision and
recall, the misclassified postings, and postings per second on a synthetic batch built
from the labeled set (descriptions padded to about 3 KB).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.normalize.classifier import classify  # noqa: E402
from aggregator.normalize.taxonomy import load_taxonomy  # noqa: E402

LABELED = ROOT / "tests" / "data" / "labeled_postings.jsonl"


def load_labeled(path: Path = LABELED) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run(record: dict[str, Any]) -> Any:
    return classify(
        title=record["title"],
        description_text=record.get("description", ""),
        department=record.get("department"),
        org_type=record.get("org_type"),
        org=record.get("org"),
    )


def evaluate(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy figures; ``role_accuracy`` counts a role in ``acceptable_roles`` as right."""
    exact = lenient = 0
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    skill_tp = skill_fp = skill_fn = 0
    errors: list[str] = []
    for record in records:
        result = run(record)
        want = record["expected_role"]
        ok = [want, *record.get("acceptable_roles", [])]
        exact += result.role == want
        lenient += result.role in ok
        predicted[result.role] += 1
        expected[want] += 1
        correct[want] += result.role == want
        if result.role not in ok:
            errors.append(f"  {record['id']} {record['title'][:60]!r}: {result.role} != {want}")
        got, gold = set(result.skills), set(record.get("expected_skills", []))
        skill_tp += len(got & gold)
        skill_fp += len(got - gold)
        skill_fn += len(gold - got)
    n = len(records)
    per_role = {
        role: (
            correct[role] / predicted[role] if predicted[role] else 0.0,
            correct[role] / expected[role] if expected[role] else 0.0,
            expected[role],
        )
        for role in load_taxonomy().roles
        if expected[role] or predicted[role]
    }
    return {
        "n": n,
        "role_accuracy": lenient / n,
        "role_exact": exact / n,
        "per_role": per_role,
        "skill_precision": skill_tp / max(skill_tp + skill_fp, 1),
        "skill_recall": skill_tp / max(skill_tp + skill_fn, 1),
        "errors": errors,
    }


def calibration(records: list[dict[str, Any]]) -> float:
    """Microseconds for a plain ``\\w+`` findall over 3 KB: relates figures across machines."""
    text = " ".join(r["description"] for r in records)[:3000]
    words = re.compile(r"\w+")
    began = time.perf_counter()
    for _ in range(200):
        words.findall(text)
    return (time.perf_counter() - began) / 200 * 1e6


def throughput(records: list[dict[str, Any]], count: int) -> tuple[float, float]:
    """Postings per second of wall time and per second of this process's CPU time (the
    second is what one idle core would do: other load on the machine does not count)."""
    rng = random.Random(7)
    filler = " ".join(r["description"] for r in records)
    batch = []
    for index in range(count):
        record = dict(rng.choice(records))
        start = rng.randrange(0, max(len(filler) - 3000, 1))
        record["description"] = record["description"] + " " + filler[start : start + 2600]
        record["title"] = f"{record['title']} {index}"
        batch.append(record)
    run(batch[0])  # compile outside the timing
    began, cpu = time.perf_counter(), time.process_time()
    for record in batch:
        run(record)
    return count / (time.perf_counter() - began), count / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="postings in the speed batch")
    parser.add_argument("--errors", action="store_true", help="list misclassified postings")
    args = parser.parse_args()
    records = load_labeled()
    figures = evaluate(records)
    print(f"labeled postings: {figures['n']} (taxonomy {load_taxonomy().version})")
    print(
        f"role accuracy:    {figures['role_accuracy']:.1%} (exact primary role "
        f"{figures['role_exact']:.1%})"
    )
    print("per role (precision / recall / n):")
    for role, (precision, recall, n) in figures["per_role"].items():
        print(f"  {role:20s} {precision:6.1%} {recall:6.1%} {n:4d}")
    print(f"skill precision:  {figures['skill_precision']:.3f}")
    print(f"skill recall:     {figures['skill_recall']:.3f}")
    if args.errors:
        print("misclassified:")
        print("\n".join(figures["errors"]) or "  none")
    rate, cpu_rate = throughput(records, args.count)
    base = calibration(records)
    print(f"throughput:       {rate:,.0f} postings/s wall on one core (~3 KB descriptions)")
    print(f"                  {cpu_rate:,.0f} postings per CPU second")
    print(
        f"calibration:      a \\w+ findall over 3 KB takes {base:.0f} us here; one classify() "
        f"costs {1e6 / rate / base:.1f} of those"
    )


if __name__ == "__main__":
    main()
