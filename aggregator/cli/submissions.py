"""``aisafety-jobs submit URL`` and ``submissions list|edit|approve|reject``: shared links
and their moderation (see :mod:`aggregator.store.submissions`)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from aggregator import clock
from aggregator.cli.context import app_context
from aggregator.cli.output import console
from aggregator.crawl.submit import share_link
from aggregator.db.models import SUBMISSION_STATUSES, Submission
from aggregator.errors import UserError
from aggregator.store.submissions import approve, edit, reject, submissions

submissions_app = typer.Typer(
    help="Links shared by people, waiting for moderation.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("submit")(submit)
    app.add_typer(submissions_app, name="submissions")


def submit(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The job or opportunity page (http or https)."),
    notes: str = typer.Option("", "--notes", help="Anything a maintainer should know."),
) -> None:
    """Share a link: it is fetched, classified and queued for a maintainer's review."""
    context = app_context(ctx)
    base = context.settings.base_url.rstrip("/")
    with context.session() as session:
        shared = share_link(context.settings, session, url, notes, submitter="cli")
        if shared.outcome == "listed" and shared.posting is not None:
            typer.echo(f"already listed as posting {shared.posting.id}: "
                       f"{base}/postings/{shared.posting.id}")  # fmt: skip
        elif shared.submission is not None:
            s = shared.submission
            verb = "queued" if shared.outcome == "queued" else "already waiting for review as"
            typer.echo(f"{verb} submission {s.id}: {s.title} · {s.org_name} · {s.role}")


COLUMNS = ("id", "status", "title", "org", "role", "deadline", "url", "notes")


def _row(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "status": s.status,
        "url": s.url,
        "title": s.title,
        "org": s.org_name,
        "role": s.role,
        "relevance": s.safety_relevance,
        "deadline": s.deadline.date().isoformat() if s.deadline else None,
        "notes": s.notes,
        "edited": sorted(s.edits or {}),
        "submitted_at": s.created_at.isoformat(),
        "posting_id": s.posting_id,
        "reason": s.reason,
    }


@submissions_app.command("list")
def list_submissions(
    ctx: typer.Context,
    status: str = typer.Option(
        "pending", "--status", help=f"{', '.join(SUBMISSION_STATUSES)} or all."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Submissions, oldest first (by default those waiting for review)."""
    wanted = status.strip().lower()
    if wanted not in (*SUBMISSION_STATUSES, "all"):
        raise UserError(f"unknown status {status!r}: {', '.join(SUBMISSION_STATUSES)} or all")
    context = app_context(ctx)
    with context.session() as session:
        rows = [_row(s) for s in submissions(session, None if wanted == "all" else wanted)]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"no submissions ({wanted})")
        return
    table = Table(title=f"{len(rows)} submission(s) ({wanted})")
    for name in COLUMNS:
        table.add_column(name)
    for row in rows:
        table.add_row(*(str(row[name] or "") for name in COLUMNS))
    console().print(table)


@submissions_app.command("edit")
def edit_submission(
    ctx: typer.Context,
    submission_id: int = typer.Argument(..., help="Submission id (from 'submissions list')."),
    title: str | None = typer.Option(None, "--title"),
    org: str | None = typer.Option(None, "--org", help="The organization's name."),
    role: str | None = typer.Option(None, "--role", help="A taxonomy role, e.g. fellowship."),
    deadline: str | None = typer.Option(None, "--deadline", help="YYYY-MM-DD; '' for none."),
) -> None:
    """Correct a waiting submission before approving it."""
    context = app_context(ctx)
    changes = {"title": title, "org": org, "role": role, "deadline": deadline}
    if all(v is None for v in changes.values()):
        raise UserError("nothing to change: give --title, --org, --role or --deadline")
    with context.session() as session:
        s = edit(session, submission_id, changes)
        session.commit()
        deadline_text = s.deadline.date().isoformat() if s.deadline else "no deadline"
        typer.echo(f"submission {s.id}: {s.title} · {s.org_name} · {s.role} · {deadline_text}")


@submissions_app.command("approve")
def approve_submission(
    ctx: typer.Context,
    submission_id: int = typer.Argument(..., help="Submission id (from 'submissions list')."),
) -> None:
    """Publish a waiting submission: it becomes a posting shared by the community."""
    context = app_context(ctx)
    base = context.settings.base_url.rstrip("/")
    with context.session() as session:
        posting = approve(session, submission_id, clock.now())
        session.commit()
        typer.echo(f"approved submission {submission_id}: posting {posting.id} "
                   f"{base}/postings/{posting.id}")  # fmt: skip


@submissions_app.command("reject")
def reject_submission(
    ctx: typer.Context,
    submission_id: int = typer.Argument(..., help="Submission id (from 'submissions list')."),
    reason: str = typer.Option("", "--reason", help="Why, for the record."),
) -> None:
    """Turn a waiting submission down; the same link is refused if submitted again."""
    context = app_context(ctx)
    with context.session() as session:
        reject(session, submission_id, reason, clock.now())
        session.commit()
    typer.echo(f"rejected submission {submission_id}")
