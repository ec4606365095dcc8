"""Managing an alert and unsubscribing, from the signed links in every email.

A GET never changes state: links open a page with a button that POSTs. The RFC 8058
one-click POST (``List-Unsubscribe=One-Click``) needs no cookie or CSRF token and answers
200 without a redirect.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session

from aggregator import subscriptions as subs
from aggregator.db.models import Subscriber
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, make_token
from aggregator.web import render
from aggregator.web.security import checked_form
from aggregator.web.subscribe import (
    INVALID_LINK,
    SessionDep,
    SettingsDep,
    TokenParam,
    filter_controls,
    form_filter,
    profile_of,
    timezones,
)

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)


def _manage_subscriber(session: Session, settings: Settings, token: str) -> Subscriber:
    subscriber = subs.subscriber_from_token(session, settings, "manage", token)
    if subscriber.status in ("unsubscribed", "bounced"):
        raise InvalidToken(INVALID_LINK)
    return subscriber


def _manage_page(
    request: Request,
    session: Session,
    subscriber: Subscriber,
    token: str,
    *,
    profile: subs.ProfileInput | None = None,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    profile = profile or subs.ProfileInput.of(subscriber.profile)
    settings: Settings = request.app.state.settings
    f = subs.profile_filter(profile)
    # Several keywords (any of) have no list equivalent: they keep their own field.
    keywords = profile.keywords if len(profile.keywords) > 1 else []
    context = {
        "s": subscriber,
        "p": profile,
        "f": f,
        "keywords": keywords,
        "token": token,
        "unsubscribe": make_token(settings, "unsubscribe", subscriber),
        "timezones": timezones(),
        "message": message,
        "error": error,
        "list_url": render.filter_url(f),
        **filter_controls(session, f),
    }
    return render.page(request, "manage.html", context, status_code=status_code)


@router.get("/manage/{token}", response_class=HTMLResponse)
def manage_form(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        subscriber = _manage_subscriber(session, settings, token)
    except InvalidToken as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=400)
    return _manage_page(request, session, subscriber, token)


def _split(value: Any) -> list[str]:
    return [v.strip() for v in str(value or "").replace("\n", ",").split(",") if v.strip()]


@router.post("/manage/{token}", response_class=HTMLResponse)
async def manage_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    form, _ = await checked_form(request)
    try:
        subscriber = _manage_subscriber(session, settings, token)
    except InvalidToken as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=400)
    try:
        # The list's controls, as on the sign-up page; then what only alerts have.
        profile = profile_of(form_filter(form))
        profile.keywords += _split(form.get("keywords"))
        profile.exclude_orgs = _split(form.get("exclude_orgs"))
        profile.exclude_keywords = _split(form.get("exclude_keywords"))
    except UserError as exc:
        return _manage_page(request, session, subscriber, token, error=str(exc), status_code=422)
    try:
        subs.update_subscription(
            session,
            subscriber,
            profile,
            frequency=str(form.get("frequency") or subscriber.frequency),
            timezone=str(form.get("timezone") or subscriber.timezone)[:64],
            paused=form.get("paused") == "on",
        )
    except UserError as exc:
        session.rollback()
        session.refresh(subscriber)
        return _manage_page(
            request, session, subscriber, token, profile=profile, error=str(exc), status_code=422
        )
    log(logger, logging.INFO, "web.manage", subscriber=subscriber.id)
    return _manage_page(request, session, subscriber, token, message="Saved.")


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "unsubscribe.html", {"token": token})


@router.post("/unsubscribe/{token}")
async def unsubscribe_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> Response:
    _, one_click = await checked_form(request, one_click=True)
    try:
        subs.unsubscribe(session, settings, token=token)
    except InvalidToken:
        if one_click:
            return PlainTextResponse("This unsubscribe link is not valid.", status_code=400)
        return render.page(request, "error.html", {"message": INVALID_LINK}, status_code=400)
    if one_click:
        return PlainTextResponse("You are unsubscribed.", status_code=200)
    return render.page(request, "unsubscribed.html", {})
