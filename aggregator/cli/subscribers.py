"""``aisafety-jobs subscribe`` / ``unsubscribe`` / ``subscribers list``."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from aggregator.cli.context import app_context
from aggregator.cli.output import console
from aggregator.db.models import Subscriber
from aggregator.subscriptions import (
    SEMANTICS,
    ProfileInput,
    describe_profile,
    subscribe,
    unsubscribe,
)

subscribers_app = typer.Typer(help="Subscribers of the email digests.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(subscribers_app, name="subscribers")

    @app.command("subscribe")
    def subscribe_command(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="Email address."),
        role: list[str] = typer.Option([], "--role", help="Role (repeat: any of them)."),
        skill: list[str] = typer.Option([], "--skill", help="Skill (repeat: any of them)."),
        remote: bool = typer.Option(False, "--remote", help="Only remote postings."),
        location: list[str] = typer.Option([], "--location", help="Country name or code."),
        org: list[str] = typer.Option([], "--org", help="Only these organizations."),
        exclude_org: list[str] = typer.Option([], "--exclude-org", help="Never these orgs."),
        keyword: list[str] = typer.Option([], "--keyword", help="Any of these words."),
        exclude_keyword: list[str] = typer.Option([], "--exclude-keyword", help="None of these."),
        seniority: list[str] = typer.Option([], "--seniority", help="Seniority level."),
        min_salary: float | None = typer.Option(None, "--min-salary", help="Minimum salary."),
        relevance: list[str] = typer.Option(
            [], "--relevance", help="core, adjacent, none or all (default core and adjacent)."
        ),
        frequency: str = typer.Option("weekly", "--frequency", help="weekly or daily."),
        timezone: str = typer.Option("UTC", "--timezone", help="IANA timezone for send time."),
        confirmed: bool = typer.Option(
            False, "--confirmed", help="Skip the confirmation email (the address owner agreed)."
        ),
    ) -> None:
        """Subscribe an address to the digest (double opt-in unless --confirmed)."""
        context = app_context(ctx)
        profile = ProfileInput(
            roles=role, skills=skill, locations=location, remote_only=remote,
            include_orgs=org, exclude_orgs=exclude_org, keywords=keyword,
            exclude_keywords=exclude_keyword, seniority=seniority, min_salary=min_salary,
            relevance=relevance,
        )  # fmt: skip
        with context.session() as session:
            sub = subscribe(
                session, context.settings, email, profile,
                frequency=frequency, timezone=timezone, confirmed=confirmed,
            )  # fmt: skip
            lines = describe_profile(ProfileInput.of(sub.profile))
            status = sub.status
        if status == "pending":
            typer.echo(f"confirmation email sent to {email}: the digest starts once confirmed")
        else:
            typer.echo(f"{email} is subscribed ({frequency})")
        typer.echo("filters: " + "; ".join(lines))
        typer.echo(SEMANTICS)

    @app.command("unsubscribe")
    def unsubscribe_command(
        ctx: typer.Context, email: str = typer.Argument(..., help="Email address.")
    ) -> None:
        """Unsubscribe an address (nothing happens for an unknown one)."""
        context = app_context(ctx)
        with context.session() as session:
            unsubscribe(session, context.settings, email=email)
        typer.echo(f"{email} will receive no more digests")

    @subscribers_app.command("list")
    def list_command(
        ctx: typer.Context,
        status: str | None = typer.Option(None, "--status", help="Only this status."),
    ) -> None:
        """Every subscriber with status, frequency and filters (never tokens)."""
        context = app_context(ctx)
        table = Table("id", "email", "status", "frequency", "timezone", "filters", "since")
        with context.session() as session:
            stmt = select(Subscriber).options(selectinload(Subscriber.profile))
            if status:
                stmt = stmt.where(Subscriber.status == status)
            for sub in session.scalars(stmt.order_by(Subscriber.id)):
                table.add_row(
                    str(sub.id), sub.email, sub.status, sub.frequency, sub.timezone,
                    "; ".join(describe_profile(ProfileInput.of(sub.profile))),
                    sub.created_at.date().isoformat(),
                )  # fmt: skip
        console(soft_wrap=True).print(table)
