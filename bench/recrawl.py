"""Re-crawl under churn (issue 14, point 12): 30 Greenhouse-format boards x 200 postings,
each posting carrying ~15 skill tags, are crawled once into a fresh SQLite database; then
a re-crawl in which 6 boards answer an empty list and 6 list half their jobs runs ROUNDS
times, each as a fresh ``aisafety-jobs crawl`` process on a copy of the first crawl's
database (the shape that died with SIGSEGV in ``fetchall`` under ``selectinload``).

PRINTS each re-crawl's exit code and wall time, then the number of crashes (an exit by a
signal); it asserts nothing. Everything is served from 127.0.0.1.

    .venv/bin/python bench/recrawl.py [--rounds 5] [--boards 30] [--postings 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl import board, serve  # bench/crawl.py

SKILLS = (
    "Interpretability, evals, red teaming, scalable oversight, RLHF, AI control, adversarial "
    "robustness, agent foundations, scheming, AI governance, infosec, CBRN, forecasting, "
    "AI agents and PyTorch. "
) * 3
CLI = str(Path(sys.executable).with_name("aisafety-jobs"))


def crawl(registry: Path, data: Path) -> tuple[int, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISAFETY_JOBS_")}
    env.update(
        AISAFETY_JOBS_DATA_DIR=str(data), AISAFETY_JOBS_DOWNLOAD_DELAY="0", PYTHONFAULTHANDLER="1"
    )
    started = time.monotonic()
    proc = subprocess.run(
        [CLI, "crawl", "--sources-file", str(registry)], env=env, capture_output=True, text=True
    )
    return proc.returncode, time.monotonic() - started, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--boards", type=int, default=30)
    parser.add_argument("--postings", type=int, default=200)
    args = parser.parse_args()
    payloads = {f"/b/{i}.json": board(i, args.postings, SKILLS) for i in range(args.boards)}
    server = serve(payloads)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    crashes = 0
    with tempfile.TemporaryDirectory(prefix="aisj-recrawl-") as tmp:
        registry = Path(tmp) / "sources.toml"
        registry.write_text(
            "".join(
                f'[[sources]]\nkey = "org{i}"\norg = "Bench Org {i}"\norg_type = "lab"\n'
                f'platform = "greenhouse"\ntoken = "org{i}"\nurl = "{base}/b/{i}.json"\n\n'
                for i in range(args.boards)
            )
        )
        first = Path(tmp) / "first"
        code, seconds, _ = crawl(registry, first)
        print(f"first crawl: {args.boards} x {args.postings}, exit {code}, {seconds:.0f} s")
        for i in range(6):
            payloads[f"/b/{i}.json"] = board(i, 0, SKILLS)
        for i in range(6, 12):
            payloads[f"/b/{i}.json"] = board(i, args.postings // 2, SKILLS)
        for round_ in range(1, args.rounds + 1):
            data = Path(tmp) / f"round{round_}"
            shutil.copytree(first, data)
            code, seconds, stderr = crawl(registry, data)
            crashed = code < 0
            crashes += crashed
            print(f"re-crawl {round_}: exit {code}, {seconds:.0f} s", flush=True)
            if crashed:
                print("  " + "\n  ".join(stderr.strip().splitlines()[-12:]))
            shutil.rmtree(data)
    server.shutdown()
    print(f"crashes: {crashes} of {args.rounds} re-crawls")


if __name__ == "__main__":
    main()
