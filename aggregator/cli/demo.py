"""``aisafety-jobs demo``: the whole product on bundled recorded sources, offline."""

from __future__ import annotations

from pathlib import Path

import typer

from aggregator.cli.context import app_context


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        ctx: typer.Context,
        data_dir: Path = typer.Option(
            Path("var/demo"),
            "--data-dir",
            metavar="DIR",
            help="Folder for the demo's database, outbox and sources file (reset each run).",
        ),
        no_serve: bool = typer.Option(
            False, "--no-serve", help="Exit after the summary instead of serving the web UI."
        ),
        port: int | None = typer.Option(
            None,
            "--port",
            min=1,
            max=65535,
            help="Port of the web UI (default: the web_port setting, 8000, if free, else any "
            "free port).",
        ),
    ) -> None:
        """Crawl the bundled sample-data sources from a local server, sign up three
        sample subscribers, write their digests to the outbox, then serve the web UI.

        Runs entirely on 127.0.0.1 in a fresh SQLite database under --data-dir; the
        database and mail settings (and --db) are ignored so nothing real is touched.
        """
        from aggregator.demo.run import run_demo

        settings = app_context(ctx).settings
        report, server = run_demo(settings, data_dir, web_port=port, echo=typer.echo)
        try:
            for line in report.lines():
                typer.echo(line)
            if no_serve:
                return
            from aggregator.web.serving import serve

            typer.echo(f"web UI: {report.web_url}  (Ctrl+C to stop)")
            host, _, bind_port = report.web_url.removeprefix("http://").partition(":")
            serve(report.settings, host, int(bind_port))
        finally:
            server.stop()
