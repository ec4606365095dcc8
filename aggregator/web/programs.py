"""Program pages: ``/programs`` (open now, opening soon, the typical calendar),
``/programs/{key}`` (one program with the history of its cycles and a follow form) and
the follow links (``/follow/{token}`` confirms, ``/unfollow/{token}`` stops; one-click
``List-Unsubscribe`` POSTs accepted)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Program, ProgramFollow
from aggregator.logs import log
from aggregator.mail.message import valid_address
from aggregator.programs import follows
from aggregator.programs.status import MONTH_NAMES, ProgramStatus, program_status
from aggregator.search import PostingFilter
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken
from aggregator.web import render
from aggregator.web.deps import client_ip, db_session
from aggregator.web.security import RateLimiter, checked_form
from aggregator.web.subscribe import SessionDep, SettingsDep, TokenParam

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)
SOON = timedelta(days=62)
KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,119}$")
KeyParam = Annotated[str, Path(max_length=120, pattern=KEY.pattern)]


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


# -- following a program ("tell me when it opens") ----------------------------------------


def _follow_later(sessions: Any, follow: Callable[[Session], object], event: str) -> None:
    with sessions() as session:
        try:
            follow(session)
        except Exception as exc:  # logged; the visitor already got the neutral answer
            session.rollback()
            log(logger, logging.WARNING, event, error=exc)


def answer_follow_form(
    request: Request,
    background: BackgroundTasks,
    settings: Settings,
    email: str,
    follow: Callable[[Session], object],
    failure_event: str,
) -> Response:
    """The one answer to every follow form: the sign-up rate limit, the address check,
    then "check your inbox" while ``follow`` (which sends the confirmation) runs after
    the response, so neither the answer nor its timing says who follows."""
    limiter: RateLimiter = request.app.state.subscribe_limiter
    wait = limiter.hit("ip:" + client_ip(request), "email:" + email.lower())
    if wait:
        message = "Too many requests from here or for this address; try again later."
        response = render.page(request, "error.html", {"message": message}, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if valid_address(email) is None:
        message = "That email address does not look right: please check it."
        return render.page(request, "error.html", {"message": message}, status_code=422)
    background.add_task(_follow_later, request.app.state.sessions, follow, failure_event)
    context = {"f": PostingFilter(), "hours": settings.confirm_max_age_hours}
    return render.page(request, "check_inbox.html", context)


@router.post("/programs/{key}/follow", response_class=HTMLResponse)
async def follow_post(
    request: Request,
    key: KeyParam,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    form, _ = await checked_form(request)
    if session.scalar(select(Program.id).where(Program.key == key)) is None:
        raise HTTPException(404, "No program with this key.")
    email = str(form.get("email") or "").strip()[:320]

    def follow(db: Session) -> None:
        follows.follow(db, settings, follows.find_program(db, key), email)

    return answer_follow_form(request, background, settings, email, follow, "web.follow_failed")


@router.get("/follow/{token}", response_class=HTMLResponse)
def follow_confirm_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "follow_confirm.html", {"token": token, "f": PostingFilter()})


@router.post("/follow/{token}", response_class=HTMLResponse)
async def follow_confirm_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    await checked_form(request)
    try:
        row = follows.confirm_follow(session, settings, token)
    except InvalidToken as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=400)
    followed = session.scalars(
        select(Program.key)
        .join(ProgramFollow, ProgramFollow.program_id == Program.id)
        .where(ProgramFollow.email == row.email, ProgramFollow.status == "active")
        .order_by(Program.key)
    )
    calendar = "/feeds/programs.ics?" + urlencode([("program", k) for k in followed])
    context = {"follow": row, "calendar": calendar, "f": PostingFilter()}
    return render.page(request, "followed.html", context)


@router.get("/unfollow/{token}", response_class=HTMLResponse)
def unfollow_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "unfollow.html", {"token": token, "f": PostingFilter()})


@router.post("/unfollow/{token}")
async def unfollow_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> Response:
    await checked_form(request, one_click=True)
    try:
        follows.stop_follow(session, settings, token)
    except InvalidToken:
        return PlainTextResponse("This link is not valid.", status_code=400)
    return PlainTextResponse("You will get no more emails about this program.")


# -- the deadlines calendar ---------------------------------------------------------------


def program_calendar(programs: list[Program], base: str, now: datetime) -> bytes:
    """Every known cycle deadline of ``programs`` (from 30 days ago on) as iCalendar."""
    cal = Calendar()
    cal.add("prodid", "-//aisafety-jobs//program deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "AI safety program deadlines")
    host = urlsplit(base).hostname or "localhost"
    since = now.date() - timedelta(days=30)
    for program in programs:
        page = f"{base}/programs/{program.key}"
        for cycle in program.cycles:
            if cycle.deadline is None or cycle.deadline < since:
                continue
            event = Event()
            event.add("uid", f"program-cycle-{cycle.id}@{host}")
            event.add("dtstamp", now)
            event.add("dtstart", cycle.deadline)
            event.add("dtend", cycle.deadline + timedelta(days=1))
            event.add("summary", f"Deadline: {program.name} ({cycle.label})")
            event.add("url", page)
            event.add("description", f"{program.org_name}. Apply: {program.url}\n{page}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return bytes(cal.to_ical())


@router.get("/feeds/programs.ics")
def programs_ics(
    request: Request,
    session: Annotated[Session, Depends(db_session)],
    program: Annotated[
        list[str], Query(max_length=50, description="program keys (repeatable); none: all")
    ] = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    keys = [k for k in program if KEY.match(k)][:50]
    chosen = [p for p in _programs(session) if not keys or p.key in keys]
    base = str(request.app.state.settings.base_url).rstrip("/")
    body = program_calendar(chosen, base, datetime.now(UTC))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="program-deadlines.ics"'},
    )
