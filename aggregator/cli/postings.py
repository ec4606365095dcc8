"""``aisafety-jobs postings``: list stored postings with the API's filters, as a table or as
JSON Lines of the public posting record (the same objects as ``/api/postings``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from aggregator.cli.context import app_context
from aggregator.cli.output import console
from aggregator.db.models import Posting
from aggregator.presentation.salary import posting_salary
from aggregator.presentation.schema import PostingRecord
from aggregator.search import (
    Page,
    PostingFilter,
    Related,
    related_values,
    search_postings,
    search_rows,
)
from aggregator.search.validate import build_filter

MAX_LIMIT = 10_000


def _table(items: list[Posting]) -> Table:
    table = Table(show_lines=False)
    for name in ("id", "title", "org", "where", "remote", "role", "salary", "deadline", "seen"):
        table.add_column(name, overflow="fold")
    for p in items:
        where = ", ".join(p.cities or p.countries or p.locations or [])
        table.add_row(
            str(p.id), p.title, p.org_name, where, p.remote, p.role, posting_salary(p),
            p.deadline.date().isoformat() if p.deadline else ("rolling" if p.deadline_rolling
                                                              else ""),
            p.first_seen_at.date().isoformat(),
        )  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    @app.command("postings")
    def postings_command(
        ctx: typer.Context,
        source: list[str] = typer.Option([], "--source", help="Source key (repeatable)."),
        org: list[str] = typer.Option([], "--org", help="Organization slug or name."),
        org_type: list[str] = typer.Option(
            [], "--org-type", help="Organization type: lab, nonprofit, government... (repeatable)."
        ),
        role: list[str] = typer.Option([], "--role", help="Role (repeat: any of them)."),
        skill: list[str] = typer.Option([], "--skill", help="Skill (repeat: any of them)."),
        remote_mode: list[str] = typer.Option(
            [], "--remote-mode", help="Work mode: remote, hybrid, onsite, unspecified (repeatable)."
        ),
        remote: bool = typer.Option(False, "--remote", help="Only remote (--remote-mode remote)."),
        seniority: list[str] = typer.Option(
            [], "--seniority", help="intern, entry, mid, senior, lead, unspecified (repeatable)."
        ),
        country: list[str] = typer.Option([], "--country", help="ISO country code or name."),
        q: str = typer.Option("", "--q", help="Words that must all appear."),
        posted_within: int | None = typer.Option(
            None, "--posted-within", help="Posted in the last DAYS days."
        ),
        deadline_within: int | None = typer.Option(
            None, "--deadline-within", help="Deadline in the next DAYS days."
        ),
        has_salary: bool = typer.Option(False, "--has-salary", help="Only postings stating pay."),
        min_salary: float | None = typer.Option(None, "--min-salary", help="Pay at least this."),
        sort: str | None = typer.Option(
            None,
            "--sort",
            help="newest, deadline or relevance (default: relevance with --q, else newest).",
        ),
        status: str | None = typer.Option(
            None, "--status", help="open, closed or all (default open; --all is --status all)."
        ),
        relevance: list[str] = typer.Option(
            [],
            "--relevance",
            help="AI-safety relevance: core, adjacent, none or all (repeatable; "
            "default core and adjacent).",
        ),
        open_only: bool = typer.Option(True, "--open/--all", help="Open postings or all."),
        limit: int = typer.Option(50, "--limit", min=1, max=MAX_LIMIT, help="Most rows."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """List stored postings, newest first: the filters and JSON of /api/postings."""
        context = app_context(ctx)
        f = build_filter(
            role=role,
            skill=skill,
            org=org,
            org_type=org_type,
            country=country,
            remote=[*remote_mode, *(["remote"] if remote else [])],
            seniority=seniority,
            source=source,
            q=q,
            posted_within=posted_within,
            deadline_within=deadline_within,
            has_salary=True if has_salary else None,
            min_salary=min_salary,
            status=status or ("open" if open_only else "all"),
            sort=sort,
            relevance=relevance,
        )
        with context.session() as session:
            if as_json:
                base = context.settings.base_url
                for rows, rel in _pages(session, f, limit, search_rows):
                    for p in rows:
                        record = PostingRecord.of(p, base, rel[p.id])
                        typer.echo(record.model_dump_json())
                return
            items = [p for rows, _ in _pages(session, f, limit, search_postings) for p in rows]
            if not items:
                typer.echo("no postings match")
                return
            out = console()
            if not out.is_terminal:  # piped: do not fold titles to 80 columns
                out = console(width=200)
            out.print(_table(items))


def _pages(
    session: Session, f: PostingFilter, limit: int, search: Callable[..., Page[Any]]
) -> Iterator[tuple[list[Any], dict[int, Related]]]:
    """Pages of at most ``limit`` postings in all, with their related values for rows."""
    cursor: str | None = None
    left = limit
    while left > 0:
        page = search(session, f, limit=min(500, left), cursor=cursor)
        rel = related_values(session, page.items) if search is search_rows else {}
        yield page.items, rel
        left -= len(page.items)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
