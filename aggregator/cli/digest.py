"""``aisafety-jobs digest preview`` and ``digest send``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from aggregator import clock
from aggregator.cli.context import app_context
from aggregator.db.models import utcnow
from aggregator.errors import UserError
from aggregator.mail.message import parsed

digest_app = typer.Typer(help="Email digests: preview and send.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")


def _now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--now must be an ISO date-time, got {value!r}") from None
    when = when if when.tzinfo else when.replace(tzinfo=utcnow().tzinfo)
    clock.set_fixed(when)  # "closes 12 Dec (6 days)" and expiry count from the same time
    return when


@digest_app.command("preview")
def preview_command(
    ctx: typer.Context,
    email: str = typer.Argument(..., help="Subscriber address."),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML version here."),
    text: bool = typer.Option(False, "--text", help="Print the plain-text version."),
    now: str | None = typer.Option(None, "--now", hidden=True),
) -> None:
    """Render the digest that would be sent now, without recording or sending anything."""
    from aggregator.digest.preview import preview_digest

    context = app_context(ctx)
    with context.session() as session:
        msg = preview_digest(session, context.settings, email, _now(now))
        msg = parsed(msg) if msg is not None else None
    if msg is None:
        typer.echo(f"nothing new matches {email}'s filters: no digest would be sent")
        return
    typer.echo(f"Subject: {msg['Subject']}")
    if html is not None:
        part = msg.get_body(("html",))
        assert part is not None
        html.write_text(part.get_content())
        typer.echo(f"HTML written to {html}")
    if text or html is None:
        part = msg.get_body(("plain",))
        assert part is not None
        typer.echo(part.get_content())


@digest_app.command("send")
def send_command(
    ctx: typer.Context,
    period: str | None = typer.Option(
        None, "--period", help="Send this period (2026-W48 or 2026-11-22) to everyone."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be sent."),
    now: str | None = typer.Option(None, "--now", hidden=True),
) -> None:
    """Send the digests that are due (exactly once per subscriber and period)."""
    from aggregator.digest.periods import frequency_of
    from aggregator.digest.send import plan_digests, send_digests

    context = app_context(ctx)
    if period:
        frequency_of(period)
    when = _now(now)
    if dry_run:
        with context.session() as session:
            plan = plan_digests(session, context.settings, now=when, period=period, record=False)
        typer.echo(f"dry run: would send {plan.planned}, skip {plan.skipped} (nothing recorded)")
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("sending digests"), BarColumn(), MofNCompleteColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("send", total=None)
        summary = send_digests(
            context.settings, context.engine, now=when, period=period,
            progress=lambda _status: bar.advance(task),
            on_planned=lambda total: bar.update(task, total=total),
        )  # fmt: skip
    typer.echo(
        f"sent {summary.sent}, skipped {summary.skipped}, failed {summary.failed}, "
        f"retrying later {summary.retrying}, bounced {summary.bounced}"
        + (f", unknown {summary.unknown}" if summary.unknown else "")
        + (f", recovered {summary.recovered}" if summary.recovered else "")
    )
    if summary.stopped:
        raise UserError("stopped after too many consecutive send failures; check mail_url")
