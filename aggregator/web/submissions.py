""" "Submit an opportunity" and the maintainers' moderation page.

The form is CSRF-protected and rate-limited per address like the sign-up form, with a
honeypot field that people never see: a filled one gets the thank-you page and nothing
is stored. The shared link is fetched and queued by :mod:`aggregator.crawl.submit`.

``/admin/submissions`` exists only when the ``admin_token`` setting is set (else 404):
a maintainer signs in once with the token (an HttpOnly cookie then carries a keyed hash
of it, never the token) and approves, edits or rejects each waiting link.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from aggregator import clock
from aggregator.crawl.submit import share_link
from aggregator.errors import UserError
from aggregator.normalize import posting as normalize_posting
from aggregator.normalize.text import html_to_text, sanitize_html
from aggregator.search import MAX_ID
from aggregator.settings import Settings
from aggregator.store.reports import visitor_key
from aggregator.store.submissions import EDITABLE, approve, edit, reject, submissions
from aggregator.web import render
from aggregator.web.deps import app_settings, client_ip, db_session
from aggregator.web.security import RateLimiter, checked_form

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
IdParam = Annotated[int, Path(ge=1, le=MAX_ID)]
ADMIN_COOKIE = "admin"
HONEYPOT = "website"  # hidden from people by the stylesheet; bots fill every field
ADMIN = "/admin/submissions"
EXCERPT = 600


def _form_page(
    request: Request, url: str = "", notes: str = "", error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {"url": url, "notes": notes, "error": error, "honeypot": HONEYPOT}
    return render.page(request, "submit.html", context, status_code=status)


@router.get("/submit", response_class=HTMLResponse)
def submit_form(request: Request) -> HTMLResponse:
    return _form_page(request)


@router.post("/submit", response_class=HTMLResponse)
async def submit_post(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    form, _ = await checked_form(request)
    url = str(form.get("url") or "").strip()[:2000]
    notes = str(form.get("notes") or "")[:2000]
    if str(form.get(HONEYPOT) or ""):
        return render.page(request, "submitted.html", {"outcome": "queued"})
    limiter: RateLimiter = request.app.state.submit_limiter
    ip = client_ip(request)
    wait = limiter.hit("submit:" + ip)
    if wait:
        message = "Too many links shared from here; try again later."
        response = render.page(request, "error.html", {"message": message}, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if not url:
        return _form_page(request, url, notes, "Paste the link of the job or opportunity.", 422)
    submitter = visitor_key(request.app.state.secret, ip)
    try:
        # Fetching the page takes seconds: off the event loop.
        shared = await to_thread.run_sync(
            lambda: share_link(settings, session, url, notes, submitter=submitter)
        )
    except UserError as exc:
        return _form_page(request, url, notes, str(exc), 422)
    context = {"outcome": shared.outcome, "posting": shared.posting}
    return render.page(request, "submitted.html", context)


# -- moderation -------------------------------------------------------------------------


def _admin_key(settings: Settings, secret: str) -> str:
    return hmac.new(secret.encode(), settings.admin_token.encode(), hashlib.sha256).hexdigest()


def _page_on(settings: Settings) -> None:
    if not settings.admin_token:
        raise HTTPException(404, "Not found")


def _signed_in(request: Request, settings: Settings) -> bool:
    cookie = request.cookies.get(ADMIN_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(
        cookie, _admin_key(settings, request.app.state.secret)
    )


def _require_admin(request: Request, settings: Settings) -> None:
    _page_on(settings)
    if not _signed_in(request, settings):
        raise HTTPException(403, "Sign in with the admin token first.")


def _excerpt(raw: dict[str, Any]) -> str:
    """The start of the fetched page's text, sanitized like any description."""
    return html_to_text(sanitize_html(str(raw.get("description_html") or "")))[:EXCERPT]


@router.get(ADMIN, response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    _page_on(settings)
    if not _signed_in(request, settings):
        return render.page(request, "admin_login.html", {"error": None})
    waiting = submissions(session, "pending")
    context = {
        "waiting": waiting,
        "excerpts": {s.id: _excerpt(s.raw) for s in waiting},
        "roles": normalize_posting._default_taxonomy().roles,
    }
    return render.page(request, "admin_submissions.html", context)


@router.post("/admin/login", response_class=HTMLResponse)
async def admin_login(request: Request, settings: SettingsDep) -> Response:
    _page_on(settings)
    form, _ = await checked_form(request)
    limiter: RateLimiter = request.app.state.report_limiter
    if limiter.hit("admin:" + client_ip(request)):
        message = "Too many attempts from here; try again later."
        return render.page(request, "error.html", {"message": message}, status_code=429)
    given = str(form.get("token") or "")
    if not hmac.compare_digest(given.encode(), settings.admin_token.encode()):
        context = {"error": "That is not the admin token."}
        return render.page(request, "admin_login.html", context, status_code=403)
    response = RedirectResponse(ADMIN, status_code=303)
    response.set_cookie(
        ADMIN_COOKIE,
        _admin_key(settings, request.app.state.secret),
        max_age=12 * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/admin",
    )
    return response


@router.post(ADMIN + "/{submission_id}/{action}")
async def admin_action(
    request: Request,
    submission_id: IdParam,
    action: Annotated[str, Path(pattern="^(approve|reject|edit)$")],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    _require_admin(request, settings)
    form, _ = await checked_form(request)
    now = clock.now()
    if action == "approve":
        approve(session, submission_id, now)
    elif action == "reject":
        reject(session, submission_id, str(form.get("reason") or ""), now)
    else:
        changes = {name: str(form[name]) for name in EDITABLE if name in form}
        edit(session, submission_id, changes)
    session.commit()
    return RedirectResponse(ADMIN, status_code=303)
