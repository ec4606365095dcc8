"""Visitors' reports of a problem with a posting, and maintainers' decisions on them.

Anyone may report a posting as expired, wrongly tagged, not AI safety or with a broken
link (no account). Reports wait in a queue (``aisafety-jobs reports list``). Reports of an
expired posting or a broken link from two different visitors hide the posting from every
list and digest until a maintainer decides (``reports resolve``): keep it (shown again) or
close it. Visitors are told apart by a keyed hash of their address, never the address.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import HIDING_KINDS, REPORT_KINDS, Posting, PostingReport
from aggregator.errors import UserError
from aggregator.store.lifecycle import set_status

DECISIONS = ("keep", "close")
HIDE_AFTER = 2  # different visitors


def visitor_key(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def report(session: Session, posting: Posting, kind: str, visitor: str, now: datetime) -> bool:
    """Queue a visitor's report (once per visitor, kind and posting); True when the posting
    is hidden now. The caller commits."""
    if kind not in REPORT_KINDS:
        raise UserError(f"unknown problem {kind!r}: use {', '.join(REPORT_KINDS)}")
    pending = select(PostingReport).where(
        PostingReport.posting_id == posting.id, PostingReport.resolved_at.is_(None)
    )
    mine = pending.where(PostingReport.kind == kind, PostingReport.visitor == visitor)
    if session.scalar(mine) is None:
        session.add(PostingReport(posting=posting, kind=kind, visitor=visitor, created_at=now))
        session.flush()
    visitors = session.scalar(
        select(func.count(func.distinct(PostingReport.visitor))).where(
            PostingReport.posting_id == posting.id,
            PostingReport.resolved_at.is_(None),
            PostingReport.kind.in_(HIDING_KINDS),
        )
    )
    if (visitors or 0) >= HIDE_AFTER:
        posting.hidden = True
    return posting.hidden


def pending_reports(session: Session) -> list[PostingReport]:
    """Unresolved reports, oldest first, with their postings."""
    stmt = (
        select(PostingReport)
        .where(PostingReport.resolved_at.is_(None))
        .order_by(PostingReport.created_at, PostingReport.id)
        .options(selectinload(PostingReport.posting))
    )
    return list(session.scalars(stmt))


def resolve(session: Session, report_id: int, decision: str, now: datetime) -> int:
    """A maintainer's decision on a report's posting, resolving every pending report of
    it: ``keep`` shows it again, ``close`` closes it. How many reports were resolved. The
    caller commits."""
    if decision not in DECISIONS:
        raise UserError(f"unknown decision {decision!r}: use {' or '.join(DECISIONS)}")
    found = session.get(PostingReport, report_id)
    if found is None:
        raise UserError(f"no report {report_id}")
    posting = found.posting
    reports = session.scalars(
        select(PostingReport).where(
            PostingReport.posting_id == posting.id, PostingReport.resolved_at.is_(None)
        )
    ).all()
    for r in reports:
        r.resolved_at, r.resolution = now, decision
    posting.hidden = False
    if decision == "close":
        set_status(posting, "closed", now)
    return len(reports)
