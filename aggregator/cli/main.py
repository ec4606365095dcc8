"""Entry point: global options, error handling, and the command groups."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from pathlib import Path

import typer

from aggregator import __version__, clock, logs
from aggregator.cli.context import AppContext, app_context
from aggregator.cli.output import console, styled
from aggregator.errors import UserError
from aggregator.settings import load_settings

app = typer.Typer(
    name="aisafety-jobs",
    help="Gather AI safety jobs and opportunities, tag them, and send tailored digests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = console(stderr=True)
_state = {"verbose": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aisafety-jobs {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", metavar="URL", help="Database URL (overrides the database_url setting)."
    ),
    config: Path | None = typer.Option(
        None, "--config", metavar="PATH", help="Settings file (default: config/settings.toml)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every event; tracebacks."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    _state["verbose"] = verbose
    logs.configure(verbose)
    settings = load_settings(config, overrides={"database_url": db})
    clock.set_fixed(settings.fixed_now)
    ctx.obj = AppContext(settings=settings, verbose=verbose)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database or upgrade it to the latest schema (safe to repeat)."""
    from aggregator.db.migrate import current_revision

    context = app_context(ctx)
    engine = context.engine
    typer.echo(
        f"database ready at revision {current_revision(engine)}: "
        f"{engine.url.render_as_string(hide_password=True)}"
    )


def _register_command_groups() -> None:
    """Every module of this package that defines ``register(app)`` adds its commands."""
    import aggregator.cli

    for info in sorted(pkgutil.iter_modules(aggregator.cli.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"aggregator.cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_command_groups()


def main() -> None:
    try:
        app()
    except UserError as exc:
        _fail(str(exc), exc)
    except KeyboardInterrupt:
        _fail("interrupted", None)
    except Exception as exc:  # one clear line for anything unexpected, traceback with -v
        _fail(f"unexpected error: {type(exc).__name__}: {exc}", exc)


def _fail(message: str, exc: BaseException | None) -> None:
    if _state["verbose"] and exc is not None:
        logging.getLogger("aggregator").exception(message)
    err.print(styled(("error:", "bold red"), " ", message), soft_wrap=True)
    sys.exit(1)
