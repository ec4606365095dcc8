"""The "report a problem" form of a posting page: no account, CSRF-protected and
rate-limited like the sign-up form; reports go to :mod:`aggregator.store.reports`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from aggregator.db.models import Posting, utcnow
from aggregator.search import MAX_ID
from aggregator.store.reports import report, visitor_key
from aggregator.web import render
from aggregator.web.deps import client_ip, db_session
from aggregator.web.security import RateLimiter, checked_form

router = APIRouter(include_in_schema=False)


@router.post("/postings/{posting_id}/report", response_class=HTMLResponse)
async def report_post(
    request: Request,
    posting_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: Annotated[Session, Depends(db_session)],
) -> HTMLResponse:
    form, _ = await checked_form(request)
    posting = session.get(Posting, posting_id)
    if posting is None:
        raise HTTPException(404, "This posting does not exist (it may have been merged).")
    limiter: RateLimiter = request.app.state.report_limiter
    ip = client_ip(request)
    if limiter.hit("report:" + ip):
        message = "Too many reports from here; try again later."
        return render.page(request, "error.html", {"message": message}, status_code=429)
    report(session, posting, str(form.get("kind") or "")[:40],
           visitor_key(request.app.state.secret, ip), utcnow())  # fmt: skip
    session.commit()
    context = {"p": posting, "back": f"/postings/{posting.id}"}
    return render.page(request, "reported.html", context)
