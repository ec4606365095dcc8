"""``aisafety-jobs sources list`` (registry with health), ``sources check KEY`` and
``sources platforms`` (what each platform declares) and ``sources probe NAME``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.cli.context import app_context
from aggregator.cli.output import console, styled
from aggregator.crawl.probe import probe, probe_platforms, registry_snippet
from aggregator.crawl.registry import load_registry, registry_path
from aggregator.crawl.runner import fetch_sources, select_sources
from aggregator.db.models import CrawlRun, Source
from spiders.platforms import discover_platforms, platform_table

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


def _last_run_status(session: Session) -> dict[int, str]:
    """Source id → status of its latest crawl run."""
    latest = (
        select(CrawlRun.source_id, func.max(CrawlRun.id).label("run_id"))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    stmt = select(CrawlRun.source_id, CrawlRun.status).join(latest, CrawlRun.id == latest.c.run_id)
    return {int(row[0]): str(row[1]) for row in session.execute(stmt)}


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
            last_run = _last_run_status(session)
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
                    # "suspect": an empty answer where postings were listed (closes nothing)
                    "last_run_status": last_run.get(row.id) if row else None,
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
            "last run",
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
                r["last_run_status"] or "-",
                _when(row.last_success_at if row else None),
                str(r["consecutive_failures"]),
                "-" if r["last_item_count"] is None else str(r["last_item_count"]),
                (r["last_error"] or "")[:80],
            )
        console().print(table)

    @group.command("platforms")
    def platforms() -> None:
        """The registered platforms as the Markdown table of docs/adding-a-source.md."""
        typer.echo(platform_table(), nl=False)

    @group.command("probe")
    def probe_command(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="The organisation's name, e.g. 'Example AI Lab'."),
        slug: list[str] = typer.Option([], "--slug", help="Extra slug to try (repeatable)."),
        platform: list[str] = typer.Option(
            [], "--platform", help="Only these platforms (repeatable; default: all)."
        ),
        endpoint: list[str] = typer.Option(
            [],
            "--endpoint",
            metavar="PLATFORM=URL",
            help="Replace a platform's endpoint by a URL template with {token} (mirrors, tests).",
        ),
        show_all: bool = typer.Option(False, "--all", help="Also list candidates that failed."),
    ) -> None:
        """Try an organisation's likely boards on each platform with slug variants; print
        which answer with postings and a registry entry for the best one."""
        context = app_context(ctx)
        platforms = discover_platforms()
        candidates = probe_platforms(platforms)
        unknown = [p for p in platform if p not in candidates]
        if unknown:
            raise typer.BadParameter(
                f"cannot probe {', '.join(unknown)}; probe-able: {', '.join(candidates)}"
            )
        endpoints: dict[str, str] = {}
        for item in endpoint:
            key, sep, template = item.partition("=")
            if not sep or "{token}" not in template:
                raise typer.BadParameter(
                    f"--endpoint {item!r}: expected PLATFORM=URL with {{token}}"
                )
            endpoints[key] = template
        results = probe(
            context.settings,
            name,
            platforms,
            only=platform or None,
            slugs=slug,
            endpoints=endpoints,
        )
        hits = sorted((r for r in results if r.found), key=lambda r: -r.postings)
        table = Table(title=f"{name}: {len(hits)} board(s) with postings of {len(results)} tried")
        for column in ("platform", "slug", "status", "postings", "first posting"):
            table.add_column(column)
        for r in results if show_all else hits:
            table.add_row(
                r.platform, r.slug, r.status, str(r.postings), r.sample or r.message or ""
            )
        out = console()
        out.print(table)
        if not hits:
            out.print("no board answered with postings; try --slug with the board's name")
            raise typer.Exit(1)
        out.print("add to config/sources.toml (check homepage and org_type):")
        out.print(registry_snippet(name, hits[0]), highlight=False, markup=False)

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
        out = console()
        items = result.get("items") or []
        out.print(
            f"{key}: {result.get('status')} - {len(items)} item(s) in "
            f"{result.get('seconds', 0):.1f} s"
        )
        for message in result.get("error_messages") or (
            [result["message"]] if result.get("message") else []
        ):
            out.print(styled("  ", (str(message), "yellow")), soft_wrap=True)
        for item in items[:show]:
            out.print(
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
        out.print(table)
        if result.get("status") not in ("success", "partial"):
            raise typer.Exit(1)
