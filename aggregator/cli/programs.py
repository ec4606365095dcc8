"""``aisafety-jobs programs check|list``: programs and their cycles."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from aggregator.cli.context import app_context
from aggregator.cli.output import console
from aggregator.db.models import Program
from aggregator.programs import follows, posting_follows
from aggregator.programs.check import check_programs
from aggregator.programs.status import program_status


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Programs (fellowships, courses, grant rounds) and their cycles.")
    app.add_typer(group, name="programs")

    @group.command("check")
    def check(
        ctx: typer.Context,
        programs_file: str | None = typer.Option(None, "--programs-file", metavar="PATH"),
        no_pages: bool = typer.Option(False, "--no-pages", help="Skip reading program pages."),
    ) -> None:
        """Sync config/programs.toml, read each program page's key dates, detect new cycles
        from page changes, postings and forum posts."""
        context = app_context(ctx)
        with context.session() as session:
            report = check_programs(context.settings, session, programs_file, pages=not no_pages)
        out = console()
        out.print(
            f"{report.programs} programs, {report.pages_read} pages read, "
            f"{len(report.pages_changed)} changed, {len(report.new_cycles)} new cycle(s)",
            highlight=False,
        )
        for line in report.new_cycles:
            out.print(f"  new cycle: {line}")
        for key, message in report.page_errors.items():
            out.print(f"  {key}: {message}")

    @group.command("list")
    def list_programs(ctx: typer.Context) -> None:
        """Every program with its status (open, expected, closed)."""
        context = app_context(ctx)
        today = datetime.now(UTC).date()
        table = Table(title="programs")
        for column in ("key", "program", "status", "deadline / expected", "usually"):
            table.add_column(column)
        with context.session() as session:
            programs = session.scalars(
                select(Program).options(selectinload(Program.cycles)).order_by(Program.name)
            )
            for program in programs:
                status = program_status(program, today)
                when = ""
                if status.state == "open" and status.cycle is not None:
                    when = f"closes {status.cycle.deadline.isoformat()}"
                elif status.expected_month is not None:
                    when = f"from {status.expected_month:%B %Y}"
                table.add_row(program.key, program.name, status.state, when, status.usually())
        console().print(table)

    @group.command("follow")
    def follow_command(
        ctx: typer.Context,
        key: str = typer.Argument(..., help="Program key (aisafety-jobs programs list)."),
        email: str = typer.Argument(..., help="Address to tell when it opens."),
    ) -> None:
        """Follow a program: a confirmation link is emailed (double opt-in)."""
        context = app_context(ctx)
        with context.session() as session:
            row = follows.follow(
                session, context.settings, follows.find_program(session, key), email
            )
            state = row.status
        console().print(f"{email}: {state} (confirmation emailed unless already active)")

    @group.command("notify")
    def notify(ctx: typer.Context) -> None:
        """Email followers once when a cycle opens and 7 and 1 days before its deadline,
        and once per new posting of a followed organization, mentor or team."""
        context = app_context(ctx)
        with context.session() as session:
            reports = {
                "program notices": follows.send_notices(context.settings, session),
                "new-posting notices": posting_follows.send_notices(context.settings, session),
            }
        for what, report in reports.items():
            console().print(
                f"{what}: {report.planned} planned, {report.sent} sent, "
                f"{report.retry} to retry, {report.failed} failed, {report.unknown} unknown"
            )
