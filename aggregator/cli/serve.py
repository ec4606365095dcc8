"""``aisafety-jobs serve``: the web UI, JSON API and feeds under uvicorn."""

from __future__ import annotations

import typer

from aggregator.cli.context import app_context


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        ctx: typer.Context,
        host: str | None = typer.Option(None, "--host", help="Address (setting web_host)."),
        port: int | None = typer.Option(
            None, "--port", min=1, max=65535, help="Port (setting web_port)."
        ),
    ) -> None:
        """Serve the web UI, the JSON API and the feeds."""
        from aggregator.web.serving import serve as serve_app
        from aggregator.web.serving import worker_count

        settings = app_context(ctx).settings
        bind_host = host or settings.web_host
        bind_port = port or settings.web_port
        workers = worker_count(settings)
        typer.echo(
            f"serving on http://{bind_host}:{bind_port} with {workers} "
            f"{'process' if workers == 1 else 'processes'} (Ctrl+C to stop)"
        )
        serve_app(settings, bind_host, bind_port)
