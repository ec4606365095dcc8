"""``aisafety-jobs postings``: list stored postings with filters, as a table or JSON Lines."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from aggregator.cli.classify import taxonomy_for
from aggregator.cli.context import app_context
from aggregator.db.models import Posting
from aggregator.errors import UserError
from aggregator.normalize.locations import country_code
from aggregator.normalize.taxonomy import Taxonomy
from aggregator.presentation.salary import posting_salary
from aggregator.search import PostingFilter, search_postings, source_keys, tag_values

MAX_LIMIT = 10_000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def posting_json(p: Posting) -> dict[str, Any]:
    """Every normalized field of a posting, JSON-ready."""
    roles = p.classification.get("roles") if isinstance(p.classification, dict) else None
    return {
        "id": p.id,
        "title": p.title,
        "org": p.org_name,
        "org_type": p.org_type,
        "url": p.url,
        "apply_url": p.apply_url,
        "locations": p.locations,
        "cities": p.cities,
        "countries": p.countries,
        "remote": p.remote,
        "employment_type": p.employment_type,
        "department": p.department,
        "role": p.role,
        "roles": roles
        or [{"role": t.value, "confidence": t.confidence} for t in p.tags if t.kind == "role"],
        "skills": tag_values(p, "skill"),
        "seniority": p.seniority,
        "phd_required": p.phd_required,
        "ml_experience_required": p.ml_experience_required,
        "safety_relevance": p.safety_relevance,
        "deadline": _iso(p.deadline),
        "deadline_rolling": p.deadline_rolling,
        "salary_min": p.salary_min,
        "salary_max": p.salary_max,
        "salary_currency": p.salary_currency,
        "salary_period": p.salary_period,
        "salary_text": p.salary_text,
        "posted_at": _iso(p.posted_at),
        "status": p.status,
        "first_seen": _iso(p.first_seen_at),
        "last_seen": _iso(p.last_seen_at),
        "closed_at": _iso(p.closed_at),
        "sources": source_keys(p),
        "taxonomy_version": p.taxonomy_version,
        "description_text": p.description_text,
    }


def _checked(taxonomy: Taxonomy, kind: str, values: list[str]) -> list[str]:
    out = []
    for value in values:
        name = taxonomy.canonical(kind, value)
        if name is None:
            hint = taxonomy.suggest(kind, value)
            known = ", ".join(taxonomy.roles if kind == "role" else taxonomy.skills)
            advice = f"did you mean {hint!r}?" if hint else f"known {kind}s: {known}"
            raise UserError(f"unknown {kind} {value!r}: {advice}")
        out.append(name)
    return out


def _countries(values: list[str]) -> list[str]:
    out = []
    for value in values:
        code = country_code(value.upper() if len(value.strip()) == 2 else value)
        if code is None:
            raise UserError(f"unknown country {value!r}: use an ISO code such as GB or a name")
        out.append(code)
    return out


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
        role: list[str] = typer.Option([], "--role", help="Role (repeat: any of them)."),
        skill: list[str] = typer.Option([], "--skill", help="Skill (repeat: any of them)."),
        remote: bool = typer.Option(False, "--remote", help="Only remote postings."),
        country: list[str] = typer.Option([], "--country", help="ISO country code or name."),
        q: str = typer.Option("", "--q", help="Words that must all appear."),
        open_only: bool = typer.Option(True, "--open/--all", help="Open postings or all."),
        limit: int = typer.Option(50, "--limit", min=1, max=MAX_LIMIT, help="Most rows."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """List stored postings, newest first."""
        context = app_context(ctx)
        taxonomy = taxonomy_for(context.settings)
        f = PostingFilter(
            role=_checked(taxonomy, "role", role),
            skill=_checked(taxonomy, "skill", skill),
            org=org,
            country=_countries(country),
            remote=["remote"] if remote else [],
            source=source,
            q=q[:200],
            status="open" if open_only else "all",
        )
        items: list[Posting] = []
        cursor: str | None = None
        with context.session() as session:
            while len(items) < limit:
                page = search_postings(
                    session, f, limit=min(500, limit - len(items)), cursor=cursor
                )
                items.extend(page.items)
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            if as_json:
                for p in items:
                    typer.echo(json.dumps(posting_json(p), ensure_ascii=False))
                return
            if not items:
                typer.echo("no postings match")
                return
            console = Console()
            if not console.is_terminal:  # piped: do not fold titles to 80 columns
                console = Console(width=200)
            console.print(_table(items))
