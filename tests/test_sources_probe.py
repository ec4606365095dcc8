"""``aisafety-jobs sources probe``: slug variants tried on each platform against a
127.0.0.1 mirror (endpoint templates overridden); which answer with postings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aggregator.cli.main import app
from aggregator.crawl.probe import slug_variants
from tests.crawl_server import Reply, serve
from tests.spider_helpers import DATA
from tests.test_crawl_e2e import cli_env

__all__ = ["cli_env"]


def test_slug_variants() -> None:
    assert slug_variants("FAR.AI")[:3] == ["far.ai", "farai", "far-ai"]
    variants = slug_variants("Safe Superintelligence Inc.", ["ssi"])
    assert variants[0] == "ssi"
    assert {"safesuperintelligence", "safe-superintelligence", "ss"} <= set(variants)
    assert "inc" not in " ".join(variants)
    assert slug_variants("Ünïcode Lab")[0] == "unicodelab"


def test_probe_finds_the_board_that_answers(cli_env: list[str], tmp_path: Path) -> None:
    board = (DATA / "greenhouse/board.json").read_bytes()
    routes = {
        "/gh/example-lab": Reply(board),  # the hyphenated slug is the live one
        "/ashby/examplelab": Reply(b'{"apiVersion": "1", "jobs": []}'),  # 200 for unknown
    }
    with serve(routes) as server:
        result = CliRunner().invoke(
            app,
            [
                *cli_env,
                "sources",
                "probe",
                "Example Lab",
                "--platform",
                "greenhouse",
                "--platform",
                "ashby",
                "--endpoint",
                f"greenhouse={server.base}/gh/{{token}}",
                "--endpoint",
                f"ashby={server.base}/ashby/{{token}}",
                "--all",
            ],
        )
        asked = {path.split("?")[0] for _, path in server.hits}
    assert result.exit_code == 0, result.output
    assert {"/gh/examplelab", "/gh/example-lab", "/ashby/examplelab"} <= asked
    assert "1 board(s) with postings" in result.output
    assert 'platform = "greenhouse"' in result.output and 'token = "example-lab"' in result.output
    assert "sources probe on" in result.output  # the evidence line, dated


def test_probe_with_nothing_found_exits_1(cli_env: list[str]) -> None:
    with serve({}) as server:
        result = CliRunner().invoke(
            app,
            [
                *cli_env,
                "sources",
                "probe",
                "Nobody",
                "--platform",
                "lever",
                "--endpoint",
                f"lever={server.base}/lever/{{token}}",
            ],
        )
    assert result.exit_code == 1
    assert "no board answered" in result.output
