"""Program calls, mentors and teams on the real corpus: how often a marked forum post is
an opportunity, and how fast marking is.

Run ``python bench/program_calls.py`` (``--splits train dev`` while developing; open
``test`` once per change and report it as it comes out). For each split of
``../shared/corpus/`` it prints the forum posts marked as a program's call (with how
many of them the labels call an opportunity), the postings marked, how many listings
name mentors and teams, then microseconds per listing for marking (names, signals,
mentors, teams; the classifier is not timed: ``bench/classify.py`` does that).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.evaluation import corpus_folder  # noqa: E402
from aggregator.normalize.classifier import classify  # noqa: E402
from aggregator.normalize.mentors import mentor_names, team_names  # noqa: E402
from aggregator.normalize.program_calls import bundled_program_names, program_calls  # noqa: E402
from aggregator.normalize.taxonomy import load_taxonomy  # noqa: E402
from aggregator.normalize.text import (  # noqa: E402
    html_to_text,
    looks_like_html,
    sanitize_html,
    text_to_html,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", nargs="+", default=["train", "dev", "test"])
    args = parser.parse_args()
    corpus = corpus_folder()
    if corpus is None:
        print("real corpus not found (../shared/corpus/): nothing to measure")
        return
    taxonomy, names = load_taxonomy(), bundled_program_names()
    for split in args.splits:
        rows = []
        for path in sorted(corpus.glob("part-*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record["split"] == split:
                    description = record.get("description") or ""
                    if not looks_like_html(description):
                        description = text_to_html(description)
                    text = html_to_text(sanitize_html(description), sanitized=True)
                    role = classify(title=record["title"], description_text=text,
                                    department=None, org_type=None, employment_type=None,
                                    org=record.get("org"), taxonomy=taxonomy).role  # fmt: skip
                    rows.append((record, text, str(role)))
        started = time.perf_counter()
        marked = []
        for record, text, role in rows:
            forum = record["kind"] == "forum_post"
            calls = program_calls(names, record["title"], text, role=role, forum=forum)
            marked.append((record, calls, mentor_names(text), team_names(text, None)))
        per_item = (time.perf_counter() - started) / max(len(rows), 1) * 1e6
        forum_calls = [(r, c) for r, c, _, _ in marked if c and r["kind"] == "forum_post"]
        real = sum(1 for r, _ in forum_calls if r["labels"].get("is_opportunity"))
        posting_calls = [(r, c) for r, c, _, _ in marked if c and r["kind"] != "forum_post"]
        print(f"== {split}: {len(rows)} listings")
        print(f"forum posts marked as a program's call: {len(forum_calls)}, "
              f"of which labelled opportunities: {real}")  # fmt: skip
        for record, calls in forum_calls + posting_calls:
            print(f"  {record['kind']:<10} {','.join(calls):<22} {record['title'][:70]}")
        print(f"postings marked: {len(posting_calls)}")
        print(f"listings naming mentors: {sum(1 for m in marked if m[2])}, "
              f"teams: {sum(1 for m in marked if m[3])}")  # fmt: skip
        print(f"marking: {per_item:.0f} µs per listing")


if __name__ == "__main__":
    main()
