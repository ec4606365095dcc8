"""``aisafety-jobs run``: the scheduler (crawls + digests) and, unless --no-web, the web UI."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer

from aggregator.cli.context import app_context


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        ctx: typer.Context,
        no_web: bool = typer.Option(False, "--no-web", help="Only the scheduler, no web UI."),
        host: str | None = typer.Option(None, "--host", help="Web address (web_host)."),
        port: int | None = typer.Option(None, "--port", help="Web port (web_port)."),
    ) -> None:
        """Run crawls on schedule and send due digests (one scheduler per database)."""
        from aggregator.locks import LeaderLock
        from aggregator.scheduler import build_scheduler

        context = app_context(ctx)
        settings, engine = context.settings, context.engine
        with LeaderLock(settings, engine):
            scheduler = build_scheduler(settings, engine)
            scheduler.start()
            typer.echo(f"scheduler running with {len(scheduler.get_jobs())} jobs")
            try:
                if no_web:
                    stop = threading.Event()

                    def _stop(signum: int, frame: FrameType | None) -> None:
                        stop.set()

                    signal.signal(signal.SIGTERM, _stop)
                    signal.signal(signal.SIGINT, _stop)
                    stop.wait()
                else:
                    from aggregator.web.serving import serve

                    bind_host, bind_port = host or settings.web_host, port or settings.web_port
                    typer.echo(f"serving on http://{bind_host}:{bind_port}")
                    # uvicorn handles SIGTERM/SIGINT and returns; then we stop the scheduler
                    serve(settings, bind_host, bind_port)
            finally:
                scheduler.shutdown(wait=True)
                typer.echo("scheduler stopped")
