"""``aisafety-jobs sources list`` (registry with health), ``sources check KEY`` and
``sources platforms`` (what each platform declares)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from aggregator.cli.context import app_context
from aggregator.crawl.platforms import discover_platforms, platform_table
from aggregator.crawl.registry import load_registry, registry_path
from aggregator.crawl.runner import fetch_sources, select_sources
from aggregator.db.models import Source

COVERAGE: dict[str, Callable[[dict[str, Any]], bool]] = {
    "title": lambda i: bool(i.get("title")),
    "location": lambda i: bool(i.get("locations")),
    "remote": lambda i: bool(i.get("remote_hint")),
    "deadline": lambda i: bool(i.get("deadline")),
    "salary": lambda i: bool(i.get("salary") or i.get("salary_text")),
    "description": lambda i: bool(i.get("description_html")),
}


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The source registry: list sources with health, check one.")
    app.add_typer(group, name="sources")

    @group.command("list")
    def list_sources(
        ctx: typer.Context,
        sources_file: str | None = typer.Option(None, "--sources-file", metavar="PATH"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    ) -> None:
        """Every registered source with its health (last success, failures, last error)."""
        context = app_context(ctx)
        configs = load_registry(registry_path(context.settings, sources_file))
        with context.session() as session:
            rows = {s.key: s for s in session.scalars(select(Source))}
        records: list[dict[str, Any]] = []
        for c in configs:
            row = rows.get(c.key)
            records.append(
                {
                    "key": c.key,
                    "org": c.org,
                    "platform": c.platform,
                    "enabled": c.enabled,
                    "last_run_at": row.last_run_at.isoformat() if row and row.last_run_at else None,
                    "last_success_at": (
                        row.last_success_at.isoformat() if row and row.last_success_at else None
                    ),
                    "consecutive_failures": row.consecutive_failures if row else 0,
                    "last_item_count": row.last_item_count if row else None,
                    "last_error": row.last_error if row else None,
                }
            )
        if as_json:
            typer.echo(json.dumps(records, indent=2))
            return
        table = Table(title=f"{len(records)} sources")
        for name in (
            "key",
            "org",
            "platform",
            "enabled",
            "last success",
            "failures",
            "items",
            "last error",
        ):
            table.add_column(name)
        for c, r in zip(configs, records, strict=True):
            row = rows.get(c.key)
            table.add_row(
                c.key,
                c.org,
                c.platform,
                "yes" if c.enabled else "no",
                _when(row.last_success_at if row else None),
                str(r["consecutive_failures"]),
                "-" if r["last_item_count"] is None else str(r["last_item_count"]),
                (r["last_error"] or "")[:80],
            )
        Console().print(table)

    @group.command("platforms")
    def platforms() -> None:
        """The registered platforms as the Markdown table of docs/adding-a-source.md."""
        typer.echo(platform_table(), nl=False)

    @group.command("check")
    def check(
        ctx: typer.Context,
        key: str = typer.Argument(..., help="Source key."),
        sources_file: str | None = typer.Option(None, "--sources-file", metavar="PATH"),
        show: int = typer.Option(5, "--show", help="How many items to print."),
    ) -> None:
        """Fetch one source once, print its first items and field coverage; store nothing."""
        context = app_context(ctx)
        platforms = discover_platforms()
        configs = load_registry(registry_path(context.settings, sources_file), platforms)
        (config,) = select_sources(configs, [key])
        result = fetch_sources(context.settings, [config], platforms=platforms)[key]
        console = Console()
        items = result.get("items") or []
        console.print(
            f"{key}: {result.get('status')} - {len(items)} item(s) in "
            f"{result.get('seconds', 0):.1f} s",
            highlight=False,
        )
        for message in result.get("error_messages") or (
            [result["message"]] if result.get("message") else []
        ):
            console.print(f"  [yellow]{message}[/]", highlight=False, soft_wrap=True)
        for item in items[:show]:
            console.print(
                f"- {item.get('title')} | {', '.join(item.get('locations') or [])} | "
                f"{item.get('url')}",
                highlight=False,
                soft_wrap=True,
            )
        table = Table(title="field coverage")
        table.add_column("field")
        table.add_column("filled", justify="right")
        for name, filled in COVERAGE.items():
            count = sum(1 for i in items if filled(i))
            table.add_row(name, f"{count}/{len(items)}")
        console.print(table)
        if result.get("status") not in ("success", "partial"):
            raise typer.Exit(1)
