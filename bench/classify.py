"""Classifier benchmark: figures per split of the real corpus, the team's own set, speed.

Run ``python bench/classify.py`` (``--splits train dev`` while developing: open ``test``
once per change and report it as it comes out). For each split of ``../shared/corpus/``
it prints role accuracy (primary or acceptable second reading; primary only) with a
confusion matrix, skill precision and recall, safety relevance (how often labelled
``none`` comes out ``none``, labelled ``core`` comes out ``none``), forum opportunity
precision and recall, seniority and PhD accuracy where the label is stated (recall per
value), and the headline figures again as if every organisation were unknown (the nearer
guide to ``test``'s new organisations); then the team's set separately; then postings
per second on one core (with the learned role model, and by the rules alone: what the
model costs; and on train + dev's real postings as they are).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator import evaluation  # noqa: E402
from aggregator.evaluation import Figures  # noqa: E402
from aggregator.normalize.classifier import classify  # noqa: E402
from aggregator.normalize.taxonomy import load_taxonomy  # noqa: E402


def _pct(value: float) -> str:
    return "  n/a" if value != value else f"{value:5.1%}"  # NaN: nothing to measure


def print_figures(name: str, figures: Figures, matrix: bool) -> None:
    print(f"\n== {name}: {figures.n} records")
    print(
        f"role (primary or role2) {_pct(figures.role_accuracy)}   "
        f"primary only {_pct(figures.primary_accuracy)}"
    )
    print(f"skills precision {_pct(figures.skill_precision)}   recall {_pct(figures.skill_recall)}")
    if figures.skills_by_org:
        print(
            f"skills, each organisation weighing as one: precision "
            f"{_pct(figures.skill_precision_org_weighted)}   "
            f"recall {_pct(figures.skill_recall_org_weighted)}"
        )
    if figures.relevance:
        print(
            f"relevance: labelled none -> none {_pct(figures.relevance_rate('none', 'none'))}   "
            f"core -> none {_pct(figures.relevance_rate('core', 'none'))}   "
            f"adjacent -> adjacent {_pct(figures.relevance_rate('adjacent', 'adjacent'))}"
        )
        for gold in ("core", "adjacent", "none"):
            row = "  ".join(
                f"{p}={figures.relevance[gold, p]:3d}" for p in ("core", "adjacent", "none")
            )
            print(f"  gold {gold:9s} {row}")
    if figures.forum:
        print(
            f"forum opportunity precision {_pct(figures.forum_precision)}   "
            f"recall {_pct(figures.forum_recall)}   (posts: {sum(figures.forum.values())})"
        )
    for label, table in (("seniority", figures.seniority), ("phd", figures.phd)):
        if table:
            per_value = "  ".join(
                f"{value} {right}/{total}"
                for value, (right, total) in figures.recall_by_value(table).items()
            )
            print(
                f"{label} right where stated {_pct(figures.stated_accuracy(table))}   {per_value}"
            )
    if figures.seniority_by_org:
        orgs = len({org for org, _ in figures.seniority_by_org})
        print(
            f"seniority right where stated, each organisation weighing as one "
            f"{_pct(figures.seniority_org_weighted)} ({orgs} organisations)"
        )
    if matrix:
        roles = load_taxonomy().roles
        used = [
            r
            for r in roles
            if any(figures.confusion[r, p] or figures.confusion[p, r] for p in roles)
        ]
        print("confusion (rows: labelled primary role; columns: predicted)")
        print(" " * 14 + " ".join(f"{r[:5]:>5s}" for r in used))
        for gold in used:
            cells = " ".join(f"{figures.confusion[gold, p] or '.':>5}" for p in used)
            print(f"  {gold[:12]:12s}{cells}")


def print_unseen(figures: Figures, label: str = "as unseen organisations") -> None:
    """The headline figures again with every organisation unknown to the classifier (no
    name, no type), as ``test``'s are: what naming an employer in the taxonomy hides."""
    print(
        f"{label}: role {_pct(figures.role_accuracy)} / "
        f"{_pct(figures.primary_accuracy)}   skills {_pct(figures.skill_precision)} / "
        f"{_pct(figures.skill_recall)}   none -> none "
        f"{_pct(figures.relevance_rate('none', 'none'))}   core -> none "
        f"{_pct(figures.relevance_rate('core', 'none'))}   seniority "
        f"{_pct(figures.stated_accuracy(figures.seniority))}"
    )


def _rates(batch: list[Any], run: Callable[[Any], object]) -> tuple[float, float]:
    """Postings per second of wall time and per second of this process's CPU time (the
    second is what one idle core would do: other load on the machine does not count)."""
    run(batch[0])  # build the matchers outside the timing
    began, cpu = time.perf_counter(), time.process_time()
    for one in batch:
        run(one)
    return len(batch) / (time.perf_counter() - began), len(batch) / (time.process_time() - cpu)


def throughput(
    records: list[dict[str, Any]], count: int, model: bool = True
) -> tuple[float, float]:
    """:func:`_rates` on ``count`` of ``records``, each with 2,600 characters of the
    others' descriptions added (~3 KB)."""
    rng = random.Random(7)
    filler = " ".join(r["description"] for r in records)
    batch = []
    for index in range(count):
        record = dict(rng.choice(records))
        start = rng.randrange(0, max(len(filler) - 3000, 1))
        record["description"] = record["description"] + " " + filler[start : start + 2600]
        record["title"] = f"{record['title']} {index}"
        batch.append(record)
    return _rates(batch, lambda record: evaluation.run(record, model))


def real_throughput(records: list[dict[str, Any]], count: int) -> float:
    """Postings per CPU second on the corpus's own postings as they are (their lengths,
    their typography), given to ``classify`` as ingest gives them: turning HTML into
    text is ingest's work and stays outside the timing."""
    prepared = [evaluation.inputs(r) for r in records]
    batch = []
    for index in range(count):
        one = prepared[index % len(prepared)]
        batch.append(one | {"title": f"{one['title']} {index}"})
    return _rates(batch, lambda one: classify(**one))[1]


def calibration(records: list[dict[str, Any]]) -> float:
    """Microseconds for a plain ``\\w+`` findall over 3 KB: relates figures across machines."""
    text = " ".join(r["description"] for r in records)[:3000]
    words = re.compile(r"\w+")
    began = time.perf_counter()
    for _ in range(200):
        words.findall(text)
    return (time.perf_counter() - began) / 200 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--splits", nargs="+", default=list(evaluation.SPLITS), choices=evaluation.SPLITS
    )
    parser.add_argument("--count", type=int, default=3000, help="postings in the speed batch")
    parser.add_argument("--errors", action="store_true", help="list wrong roles and relevance")
    parser.add_argument("--no-matrix", action="store_true", help="leave out confusion matrices")
    args = parser.parse_args()
    print(f"taxonomy {load_taxonomy().version}")
    folder = evaluation.corpus_folder()
    if folder is None:
        print("real corpus not found (../shared/corpus/): corpus figures skipped")
    for split in args.splits if folder else ():
        records = evaluation.load_corpus(folder, [split])
        figures = evaluation.evaluate(records)
        print_figures(f"corpus {split}", figures, not args.no_matrix)
        if args.errors:
            print("\n".join(figures.errors))
        print_unseen(evaluation.evaluate(records, unseen=True))
        # The learned model is fitted on train + dev: on them it has seen every posting
        # and lifts the role well above what it does out of fold. The rules alone, as
        # unseen organisations, are the nearer guide to test's (organisations the model
        # never saw).
        print_unseen(
            evaluation.evaluate(records, model=False, unseen=True),
            "as unseen organisations, rules alone",
        )
    team = evaluation.load_jsonl(evaluation.TEAM_SET)
    team_figures = evaluation.evaluate(team)
    print_figures("team set (tests/data/labeled_postings.jsonl)", team_figures, False)
    if args.errors:
        print("\n".join(team_figures.errors))
    rate, cpu_rate = throughput(team, args.count)
    base = calibration(team)
    print(f"\nthroughput: {rate:,.0f} postings/s wall on one core (~3 KB descriptions)")
    print(f"            {cpu_rate:,.0f} postings per CPU second")
    _, rules_cpu_rate = throughput(team, args.count, model=False)
    print(f"            {rules_cpu_rate:,.0f} postings per CPU second by the rules alone")
    if folder:
        real = evaluation.load_corpus(folder, ["train", "dev"])
        print(
            f"            {real_throughput(real, args.count):,.0f} postings per CPU second "
            f"on train + dev as they are ({len(real)} real postings, in turn)"
        )
    print(
        f"calibration: a \\w+ findall over 3 KB takes {base:.0f} us here; "
        f"one classify() costs {1e6 / rate / base:.1f} of those"
    )


if __name__ == "__main__":
    main()
