"""``aisafety-jobs crawl``: crawl sources now, with a progress bar and a summary table."""

from __future__ import annotations

import typer
from rich.table import Table

from aggregator.cli.context import app_context
from aggregator.cli.output import console, styled
from aggregator.crawl.runner import SourceResult, crawl_sources


def summary_table(results: list[SourceResult]) -> Table:
    table = Table(title="Crawl summary")
    for name in ("source", "status", "items", "new", "updated", "closed", "errors", "seconds"):
        table.add_column(name, justify="left" if name in ("source", "status") else "right")
    styles = {"success": "green", "partial": "yellow", "suspect": "yellow"}
    for r in results:
        table.add_row(
            r.key,
            f"[{styles.get(r.status, 'red')}]{r.status}[/]",
            str(r.items),
            str(r.new),
            str(r.updated),
            str(r.closed),
            str(r.errors),
            f"{r.seconds:.1f}",
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command()
    def crawl(
        ctx: typer.Context,
        source: list[str] = typer.Option(
            [], "--source", "-s", metavar="KEY", help="Crawl only this source (repeatable)."
        ),
        sources_file: str | None = typer.Option(
            None, "--sources-file", metavar="PATH", help="Source registry (TOML) to use."
        ),
    ) -> None:
        """Crawl the enabled sources now and store their postings.

        Exits 1 if any source failed (after finishing the others).
        """
        context = app_context(ctx)
        out = console()
        results = crawl_sources(
            context.settings,
            keys=source or None,
            sources_file=sources_file,
            progress=out.is_terminal,
        )
        out.print(summary_table(results))
        for r in results:
            if r.status == "suspect":
                out.print(styled((r.key, "yellow"), ": suspect: ", r.message or ""), soft_wrap=True)
        failed = [r for r in results if not r.ok]
        for r in failed:
            out.print(styled((r.key, "red"), ": ", r.message or ""), soft_wrap=True)
        if failed:
            raise typer.Exit(1)
