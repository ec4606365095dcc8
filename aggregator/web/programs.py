"""Program pages: ``/programs`` (open now, opening soon, the typical calendar) and
``/programs/{key}`` (one program with the history of its cycles)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Program
from aggregator.programs.status import MONTH_NAMES, ProgramStatus, program_status
from aggregator.search import PostingFilter
from aggregator.web import render
from aggregator.web.deps import db_session

router = APIRouter(include_in_schema=False)
SOON = timedelta(days=62)
KeyParam = Annotated[str, Path(max_length=120, pattern=r"^[a-z0-9][a-z0-9_]*$")]


def _today() -> date:
    return datetime.now(UTC).date()


def _programs(session: Session) -> list[Program]:
    return list(
        session.scalars(
            select(Program).options(selectinload(Program.cycles)).order_by(Program.name)
        )
    )


@router.get("/programs", response_class=HTMLResponse)
def programs_page(
    request: Request, session: Annotated[Session, Depends(db_session)]
) -> HTMLResponse:
    today = _today()
    rows: list[tuple[Program, ProgramStatus]] = [
        (p, program_status(p, today)) for p in _programs(session)
    ]
    open_now = sorted((r for r in rows if r[1].state == "open"), key=lambda r: r[1].cycle.deadline)
    soon = sorted(
        (
            r
            for r in rows
            if r[1].state == "expected"
            and r[1].expected_month is not None
            and r[1].expected_month <= today + SOON
        ),
        key=lambda r: r[1].expected_month or today,
    )
    calendar: dict[int, list[Program]] = {m: [] for m in range(1, 13)}
    for program, status in rows:
        for month in status.usual_months:
            calendar[month].append(program)
    context: dict[str, Any] = {
        "rows": rows,
        "open_now": open_now,
        "soon": soon,
        "calendar": [(MONTH_NAMES[m - 1], calendar[m]) for m in range(1, 13)],
        "today": today,
        "f": PostingFilter(),
    }
    return render.page(request, "programs.html", context)


@router.get("/programs/{key}", response_class=HTMLResponse)
def program_page(
    request: Request, key: KeyParam, session: Annotated[Session, Depends(db_session)]
) -> HTMLResponse:
    program = session.scalar(
        select(Program).where(Program.key == key).options(selectinload(Program.cycles))
    )
    if program is None:
        raise HTTPException(404, "No program with this key.")
    cycles = sorted(
        program.cycles,
        key=lambda c: c.deadline or c.opens_on or date.min,
        reverse=True,
    )
    context = {
        "program": program,
        "status": program_status(program, _today()),
        "cycles": cycles,
        "f": PostingFilter(),
    }
    return render.page(request, "program.html", context)
