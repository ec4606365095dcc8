"""``aisafety-jobs classify [FILE|-]`` (JSON Lines in and out) and ``reclassify``.

``classify`` needs no database: each input line becomes a RawPosting and goes through
the same ``normalize()`` as crawled postings. A bad line yields ``{"line": N, "error":
...}`` and processing continues; the exit code is 1 when any line failed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import typer

from aggregator import clock
from aggregator.cli.context import app_context
from aggregator.errors import UserError
from aggregator.items import RawPosting
from aggregator.normalize.posting import NormalizedPosting, normalize
from aggregator.normalize.taxonomy import Taxonomy, load_taxonomy
from aggregator.settings import Settings

MAX_LINE_CHARS = 2_000_000
OUTPUT_FIELDS = (
    "role", "roles", "skills", "seniority", "remote", "cities", "countries", "phd_required",
    "ml_experience_required", "salary_min", "salary_max", "salary_currency", "salary_period",
    "deadline", "deadline_rolling", "safety_relevance", "taxonomy_version",
)  # fmt: skip


class LineError(Exception):
    """One input line that cannot be classified."""


def taxonomy_for(settings: Settings) -> Taxonomy:
    return load_taxonomy(Path(settings.taxonomy_file) if settings.taxonomy_file else None)


def _lines(stream: IO[str]) -> Iterator[tuple[int, str | None]]:
    """(line number, text) pairs; text is None for a line longer than the limit."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # skip the rest of the long line
                line = stream.readline(MAX_LINE_CHARS)
            yield number, None
        else:
            yield number, line


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise LineError(f'"{key}" must be a string')


def raw_from_json(data: dict[str, Any], number: int) -> RawPosting:
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise LineError('missing "title" (a non-empty string)')
    location = data.get("location")
    if isinstance(location, str):
        locations = [location]
    elif isinstance(location, list) and all(isinstance(v, str) for v in location):
        locations = list(location)
    elif location is None:
        locations = []
    else:
        raise LineError('"location" must be a string or a list of strings')
    salary = data.get("salary")
    return RawPosting(
        source_key="classify",
        external_id=f"line {number}",
        org=_text(data, "org") or "",
        title=title,
        url=_text(data, "url") or "",
        description_html=_text(data, "description") or "",
        locations=locations,
        remote_hint=_text(data, "remote"),
        employment_type=_text(data, "employment_type"),
        department=_text(data, "department"),
        deadline=_text(data, "deadline"),
        salary=salary if isinstance(salary, dict) else None,
        salary_text=None if isinstance(salary, dict) or salary is None else str(salary),
    )


def _output(data: dict[str, Any], result: NormalizedPosting) -> dict[str, Any]:
    values = result.to_dict()
    out = dict(data)
    out.update({name: values[name] for name in OUTPUT_FIELDS})
    out["evidence"] = result.classification.get("evidence")
    return out


def classify_line(
    line: str | None, number: int, taxonomy: Taxonomy | None, now: datetime
) -> dict[str, Any]:
    try:
        if line is None:
            raise LineError(f"line longer than {MAX_LINE_CHARS} characters")
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise LineError(f"invalid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise LineError("not a JSON object")
        org_type = data.get("org_type")
        raw = raw_from_json(data, number)
        result = normalize(
            raw,
            org_type=org_type if isinstance(org_type, str) else None,
            now=now,
            taxonomy=taxonomy,
            strict=False,
        )
    except (LineError, UserError) as exc:
        return {"line": number, "error": str(exc)}
    return _output(data, result)


def _open(file: str) -> IO[str]:
    if file == "-":
        return typer.get_text_stream("stdin")
    try:
        return open(file, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify_command(
        ctx: typer.Context,
        file: str = typer.Argument("-", metavar="[FILE|-]", help="JSON Lines; - is stdin."),
    ) -> None:
        """Classify postings given as JSON Lines (no database needed).

        Keys: title (required), org, description (HTML or text), location, department,
        employment_type, url, salary, org_type. Prints one JSON line per input line.
        """
        taxonomy = taxonomy_for(app_context(ctx).settings)
        now = clock.now()
        failed = 0
        stream = _open(file)
        try:
            for number, line in _lines(stream):
                if line is not None and not line.strip():
                    continue
                out = classify_line(line, number, taxonomy, now)
                failed += "error" in out and set(out) == {"line", "error"}
                typer.echo(json.dumps(out, ensure_ascii=False, default=str))
        finally:
            if file != "-":
                stream.close()
        if failed:
            raise typer.Exit(1)

    @app.command("reclassify")
    def reclassify_command(ctx: typer.Context) -> None:
        """Re-run normalization and the taxonomy over every stored posting."""
        from aggregator.store.ingest import reclassify

        context = app_context(ctx)
        taxonomy = taxonomy_for(context.settings)
        with context.session() as session:
            changed = reclassify(session, taxonomy=taxonomy)
            session.commit()
        typer.echo(f"{changed} postings changed (taxonomy version {taxonomy.version})")
