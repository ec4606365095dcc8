"""Following an organization, a mentor or a team from its page: ``POST /follows`` (the
forms on organization and posting pages), ``/watch/{token}`` confirms,
``/unwatch/{token}`` stops (one-click ``List-Unsubscribe`` POSTs accepted)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session

from aggregator.errors import UserError
from aggregator.programs import posting_follows
from aggregator.search import PostingFilter
from aggregator.tokens import InvalidToken
from aggregator.web import render
from aggregator.web.programs import answer_follow_form
from aggregator.web.security import checked_form
from aggregator.web.subscribe import SessionDep, SettingsDep, TokenParam

router = APIRouter(include_in_schema=False)


@router.post("/follows", response_class=HTMLResponse)
async def follow_post(
    request: Request, background: BackgroundTasks, session: SessionDep, settings: SettingsDep
) -> Response:
    form, _ = await checked_form(request)
    kind = str(form.get("kind") or "")[:20]
    name = str(form.get("name") or "").strip()[:200]
    org = str(form.get("org") or "").strip()[:120]
    email = str(form.get("email") or "").strip()[:320]
    try:
        posting_follows.find_target(session, kind, name, org or None)
    except UserError as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=404)

    def follow(db: Session) -> None:
        posting_follows.follow(db, settings, kind, name, email, org_slug=org or None)

    return answer_follow_form(
        request, background, settings, email, follow, "web.posting_follow_failed"
    )


@router.get("/watch/{token}", response_class=HTMLResponse)
def watch_confirm_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "watch_confirm.html", {"token": token, "f": PostingFilter()})


@router.post("/watch/{token}", response_class=HTMLResponse)
async def watch_confirm_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    await checked_form(request)
    try:
        row = posting_follows.confirm_follow(session, settings, token)
    except InvalidToken as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=400)
    context = {"follow": row, "what": posting_follows.describe(row), "f": PostingFilter()}
    return render.page(request, "watching.html", context)


@router.get("/unwatch/{token}", response_class=HTMLResponse)
def unwatch_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "unwatch.html", {"token": token, "f": PostingFilter()})


@router.post("/unwatch/{token}")
async def unwatch_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> Response:
    await checked_form(request, one_click=True)
    try:
        posting_follows.stop_follow(session, settings, token)
    except InvalidToken:
        return PlainTextResponse("This link is not valid.", status_code=400)
    return PlainTextResponse("You will get no more emails about these openings.")
