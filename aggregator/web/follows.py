"""Following an organization, a mentor or a team from its page: ``POST /follows`` (the
forms on organization and posting pages), ``/watch/{token}`` confirms,
``/unwatch/{token}`` stops (one-click ``List-Unsubscribe`` POSTs accepted)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import valid_address
from aggregator.programs import posting_follows
from aggregator.search import PostingFilter
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken
from aggregator.web import render
from aggregator.web.deps import client_ip
from aggregator.web.security import RateLimiter, checked_form
from aggregator.web.subscribe import SessionDep, SettingsDep, TokenParam

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)


def _follow_later(
    sessions: Any, settings: Settings, kind: str, name: str, org: str, email: str
) -> None:
    with sessions() as session:
        try:
            posting_follows.follow(session, settings, kind, name, email, org_slug=org or None)
        except Exception as exc:  # logged; the visitor already got the neutral answer
            session.rollback()
            log(logger, logging.WARNING, "web.posting_follow_failed", error=exc)


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
    # Sent after the response: neither the answer nor its timing says who follows.
    background.add_task(_follow_later, request.app.state.sessions, settings, kind, name, org, email)
    context = {"f": PostingFilter(), "hours": settings.confirm_max_age_hours}
    return render.page(request, "check_inbox.html", context)


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
