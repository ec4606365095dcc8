"""Alert sign-up from the current search and its confirmation (managing and
unsubscribing: :mod:`aggregator.web.manage`).

A GET never changes state: links in emails open a page with a button that POSTs. The
response to a sign-up is the same whether the address is new, pending, active or
unsubscribed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from aggregator import subscriptions as subs
from aggregator.db.models import Posting, utcnow
from aggregator.errors import UserError
from aggregator.logs import log
from aggregator.mail.message import valid_address
from aggregator.matching.index import PostingIndex
from aggregator.search import PostingFilter
from aggregator.search.counts import facet_counts
from aggregator.search.fresh import Fresh
from aggregator.search.validate import build_filter
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, make_token
from aggregator.web import render
from aggregator.web.deps import app_settings, client_ip, db_session
from aggregator.web.filter_groups import KINDS, grouped
from aggregator.web.query_params import posting_filter
from aggregator.web.security import RateLimiter, checked_form

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)
TokenParam = Annotated[str, Path(max_length=500)]
SessionDep = Annotated[Session, Depends(db_session)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
LIST_FIELDS = (
    "role", "skill", "org", "org_type", "country", "remote", "seniority", "source", "relevance",
)  # fmt: skip
PREVIEW_WEEKS = 4
PREVIEW_SAMPLE = 5
INVALID_LINK = "This link is not valid any more. Links from older emails stop working after you unsubscribe or subscribe again."  # noqa: E501


def _recent_postings(session: Session) -> PostingIndex:
    now = utcnow()
    index = PostingIndex.load(session, since=now - timedelta(weeks=PREVIEW_WEEKS), now=now)
    index.count(subs.ProfileInput())  # builds the bit sets before threads share the index
    return index


# Previews match against the open postings of the last weeks, loaded once per change.
RECENT: Fresh[PostingIndex] = Fresh(_recent_postings, max_age=600.0)


def preview(session: Session, profile: subs.ProfileInput) -> tuple[int, list[Posting]]:
    """How many postings of the last PREVIEW_WEEKS the profile matches, and the best few."""
    profile = subs.validate_profile(profile)
    index = RECENT.get(session)
    matches, total = index.top(profile, PREVIEW_SAMPLE)
    return total, [index.postings[m.posting_id] for m in matches]


@lru_cache(maxsize=1)
def timezones() -> list[str]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [*zones, "UTC"]


def profile_of(f: PostingFilter) -> subs.ProfileInput:
    """The alert profile of a list filter (the parts alerts support)."""
    return subs.ProfileInput(
        roles=list(f.role),
        skills=list(f.skill),
        locations=list(f.country),
        remote_only=f.remote == ["remote"],
        include_orgs=list(f.org),
        keywords=[f.q] if f.q else [],
        seniority=list(f.seniority),
        min_salary=f.min_salary,
        relevance=list(f.relevance),
    )


def unsupported(f: PostingFilter) -> list[str]:
    """Filters of the list that an alert cannot keep."""
    out = []
    if f.org_type:
        out.append("organization type")
    if f.remote and f.remote != ["remote"]:
        out.append("work mode other than remote-only")
    if f.source:
        out.append("source")
    if f.posted_within is not None or f.deadline_within is not None:
        out.append("date windows (alerts always send what is new)")
    if f.has_salary is not None:
        out.append("has salary")
    return out


def filter_controls(session: Session, f: PostingFilter) -> dict[str, Any]:
    """Context of the list's filter controls (``_filters.html``) for ``f``: the alert
    sign-up and manage pages choose an alert with the controls a search is made with."""
    facets = facet_counts(session, f)
    return {
        "facets": facets,
        "groups": {kind: grouped(kind, getattr(facets, kind)) for kind in KINDS},
    }


def browser_timezone(value: Any) -> str:
    """The timezone the page's script read from the browser; UTC when it sent none or one
    this server does not know (an alert is still worth having)."""
    zone = str(value or "").strip()[:64]
    return zone if zone in timezones() else "UTC"


def form_filter(form: FormData) -> PostingFilter:
    """The alert's filter from a posted form with the list's control names."""
    lists: dict[str, Any] = {name: [str(v) for v in form.getlist(name)] for name in LIST_FIELDS}
    min_salary = str(form.get("min_salary") or "").strip()
    try:
        salary = float(min_salary) if min_salary else None
    except ValueError:
        raise UserError("minimum salary must be a number") from None
    return build_filter(q=str(form.get("q") or ""), min_salary=salary, **lists)


def _subscribe_page(
    request: Request,
    session: Session,
    f: PostingFilter,
    *,
    email: str = "",
    frequency: str = "weekly",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    profile = profile_of(f)
    try:
        count, sample = preview(session, profile)
    except UserError as exc:
        count, sample, error = 0, [], error or str(exc)
    context: dict[str, Any] = {
        "f": f,
        "profile": subs.describe_profile(profile),
        "semantics": subs.SEMANTICS,
        "unsupported": unsupported(f),
        "count": count,
        "weeks": PREVIEW_WEEKS,
        "per_week": count / PREVIEW_WEEKS,
        "sample": sample,
        "email": email,
        "frequency": frequency,
        "error": error,
        **filter_controls(session, f),
    }
    return render.page(request, "subscribe.html", context, status_code=status_code)


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_form(
    request: Request,
    f: Annotated[PostingFilter, Depends(posting_filter)],
    session: SessionDep,
) -> HTMLResponse:
    return _subscribe_page(request, session, f)


def _check_signup(
    email: str, profile: subs.ProfileInput, frequency: str, timezone: str
) -> subs.ProfileInput:
    """Everything the visitor can fix, checked before answering (no database access)."""
    if valid_address(email) is None:
        raise UserError("invalid email address: please check it")
    if frequency not in subs.FREQUENCIES:
        raise UserError("choose weekly or daily")
    if timezone not in timezones():
        raise UserError(f"unknown timezone {timezone!r}: pick one from the list")
    return subs.validate_profile(profile)


def _subscribe_later(
    sessions: Any,
    settings: Settings,
    email: str,
    profile: subs.ProfileInput,
    frequency: str,
    timezone: str,
) -> None:
    with sessions() as session:
        try:
            subs.subscribe(
                session, settings, email, profile, frequency=frequency, timezone=timezone
            )
        except Exception as exc:  # logged; the visitor already got the neutral answer
            session.rollback()
            log(logger, logging.WARNING, "web.subscribe_failed", error=exc)


@router.post("/subscribe", response_class=HTMLResponse)
async def subscribe_post(
    request: Request, background: BackgroundTasks, session: SessionDep, settings: SettingsDep
) -> Response:
    form, _ = await checked_form(request)
    f = form_filter(form)
    email = str(form.get("email") or "").strip()[:320]
    frequency = str(form.get("frequency") or "weekly")
    timezone = browser_timezone(form.get("timezone"))
    limiter: RateLimiter = request.app.state.subscribe_limiter
    wait = limiter.hit("ip:" + client_ip(request), "email:" + email.lower())
    if wait:
        response = render.page(
            request,
            "error.html",
            {"message": "Too many sign-ups from here or for this address; try again later."},
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        profile = _check_signup(email, profile_of(f), frequency, timezone)
    except UserError as exc:
        return _subscribe_page(
            request,
            session,
            f,
            email=email,
            frequency=frequency,
            error=str(exc),
            status_code=422,
        )
    # The sign-up itself (and any email) happens after the response is sent, so neither
    # the answer nor its timing tells whether the address was already subscribed.
    background.add_task(
        _subscribe_later, request.app.state.sessions, settings, email, profile, frequency, timezone
    )
    # Identical for new, pending, active and unsubscribed addresses: no enumeration.
    context = {"f": f, "hours": settings.confirm_max_age_hours}
    return render.page(request, "check_inbox.html", context)


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_form(request: Request, token: TokenParam) -> HTMLResponse:
    return render.page(request, "confirm.html", {"token": token})


@router.post("/confirm/{token}", response_class=HTMLResponse)
async def confirm_post(
    request: Request, token: TokenParam, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    await checked_form(request)
    try:
        subscriber = subs.confirm(session, settings, token)
    except InvalidToken as exc:
        return render.page(request, "error.html", {"message": str(exc)}, status_code=400)
    context = {
        "manage": make_token(settings, "manage", subscriber),
        "list_url": render.filter_url(subs.profile_filter(subscriber.profile)),
    }
    return render.page(request, "confirmed.html", context)
