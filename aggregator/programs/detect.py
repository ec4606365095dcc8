"""New program cycles from what the crawl sees: page changes, postings, forum posts.

* A program page's key-dates section (read by the ``program_page`` platform) is
  reduced to its text and fingerprinted; a change after the first reading is
  recorded (``page_changed_at``) and, when the new text states a deadline still
  ahead, becomes a cycle that opened that day (origin ``page``).
* An open posting or forum post that the normalizer marked as the program's call
  (a ``program`` posting tag: :mod:`aggregator.normalize.program_calls` looks for the
  program's names in title and body with "applications open"-style signals) and that
  has a deadline still ahead: a cycle that opened when the posting was first seen
  (origin ``posting``, or ``forum`` when it came from a forum feed).

A cycle whose deadline is within three days of a known cycle's is the same cycle.
"""

from __future__ import annotations

import hashlib
import html
from datetime import date, datetime, timedelta

from parsel import Selector
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aggregator.db.models import Posting, PostingSource, PostingTag, Program, ProgramCycle
from aggregator.normalize.dates import find_deadline
from aggregator.programs.config import ProgramConfig

SAME_CYCLE = timedelta(days=3)


def section_text(section_html: str) -> str:
    """The visible text of a key-dates section, whitespace normalized."""
    if not section_html.strip():
        return ""
    parts = Selector(text=section_html).xpath("//text()[not(ancestor::script)]").getall()
    return " ".join(" ".join(html.unescape(p) for p in parts).split())


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.casefold().encode("utf-8")).hexdigest()


def _known(program: Program, deadline: date) -> bool:
    return any(
        c.deadline is not None and abs(c.deadline - deadline) <= SAME_CYCLE for c in program.cycles
    )


def _add_cycle(
    program: Program, deadline: date, opens: date, origin: str, ref: str | None, now: datetime
) -> ProgramCycle | None:
    if _known(program, deadline):
        return None
    label = f"Deadline {deadline.isoformat()}"
    cycle = ProgramCycle(
        label=label, opens_on=opens, deadline=deadline, origin=origin, ref=ref, detected_at=now
    )
    program.cycles.append(cycle)
    return cycle


def record_page(
    session: Session, program: Program, section_html: str, now: datetime
) -> ProgramCycle | None:
    """Store the page's key-dates fingerprint; a change may open a new cycle."""
    text = section_text(section_html)
    digest = fingerprint(text)
    first_reading = program.page_fingerprint is None
    changed = not first_reading and digest != program.page_fingerprint
    program.page_checked_at = now
    cycle = None
    if first_reading or changed:
        program.page_fingerprint, program.page_dates_text = digest, text[:5000]
    if changed:
        program.page_changed_at = now
        found = find_deadline(text, now).when
        if found is not None and found.date() >= now.date():
            cycle = _add_cycle(program, found.date(), now.date(), "page", program.url, now)
    session.commit()
    return cycle


def detect_from_postings(
    session: Session, configs: list[ProgramConfig], now: datetime
) -> list[ProgramCycle]:
    """Cycles from open postings and forum posts marked as a program's call; commit."""
    programs = {
        p.key: p for p in session.scalars(select(Program).options(selectinload(Program.cycles)))
    }
    wanted = [c.key for c in configs if c.key in programs]
    marked = session.execute(
        select(PostingTag.value, Posting)
        .join(Posting, Posting.id == PostingTag.posting_id)
        .where(
            PostingTag.kind == "program",
            PostingTag.value.in_(wanted),
            Posting.status == "open",
            Posting.deadline.is_not(None),
        )
        .order_by(Posting.first_seen_at, Posting.id)
        .options(selectinload(Posting.sources).selectinload(PostingSource.source))
    ).all()
    found: list[ProgramCycle] = []
    for key, posting in marked:
        deadline = posting.deadline
        if deadline is None or deadline.date() < now.date():
            continue
        forum = any(
            ps.source is not None and ps.source.platform == "feed" for ps in posting.sources
        )
        cycle = _add_cycle(
            programs[key],
            deadline.date(),
            posting.first_seen_at.date(),
            "forum" if forum else "posting",
            posting.url,
            now,
        )
        if cycle is not None:
            found.append(cycle)
    session.commit()
    return found
