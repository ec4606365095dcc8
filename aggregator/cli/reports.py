"""``aisafety-jobs reports list|resolve``: visitors' problem reports, for maintainers."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from aggregator import clock
from aggregator.cli.context import app_context
from aggregator.cli.output import console
from aggregator.store.reports import DECISIONS, pending_reports, resolve

reports_app = typer.Typer(help="Problem reports from visitors.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(reports_app, name="reports")


@reports_app.command("list")
def list_reports(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Unresolved reports, oldest first (hidden: the posting is out of every list)."""
    context = app_context(ctx)
    with context.session() as session:
        rows = [
            {
                "id": r.id,
                "posting_id": r.posting_id,
                "title": r.posting.title,
                "org": r.posting.org_name,
                "kind": r.kind,
                "reported_at": r.created_at.isoformat(),
                "hidden": r.posting.hidden,
            }
            for r in pending_reports(session)
        ]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no reports waiting")
        return
    table = Table(title=f"{len(rows)} report(s) waiting")
    for name in ("id", "posting", "title", "org", "problem", "reported", "hidden"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            str(row["id"]), str(row["posting_id"]), str(row["title"]), str(row["org"]),
            str(row["kind"]).replace("_", " "), str(row["reported_at"])[:16],
            "yes" if row["hidden"] else "no",
        )  # fmt: skip
    console().print(table)


@reports_app.command("resolve")
def resolve_report(
    ctx: typer.Context,
    report_id: int = typer.Argument(..., help="Report id (from 'reports list')."),
    decision: str = typer.Option(
        ..., "--decision", help=f"{' or '.join(DECISIONS)}: show the posting again or close it."
    ),
) -> None:
    """Decide on a report's posting; every waiting report of that posting is resolved."""
    context = app_context(ctx)
    with context.session() as session:
        count = resolve(session, report_id, decision.strip().lower(), clock.now())
        session.commit()
    typer.echo(f"resolved {count} report(s): {decision}")
