"""The data model: organizations, sources, crawl runs, postings, subscribers, digests.

Times are stored as naive UTC and come back timezone-aware (see
:class:`aggregator.db.base.UTCDateTime`), so SQLite and PostgreSQL behave alike. Role,
skill and country filters go through the indexed ``posting_tags`` table, never through
JSON text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Re-exported: callers and migration 0001 (``aggregator.db.models.UTCDateTime()``) use them.
from aggregator.db.base import NAMING_CONVENTION as NAMING_CONVENTION
from aggregator.db.base import Base as Base
from aggregator.db.base import UTCDateTime as UTCDateTime
from aggregator.db.base import utcnow as utcnow

ORG_TYPES = ("lab", "nonprofit", "government", "academic", "program", "funder", "board")
SUBSCRIBER_STATUSES = ("pending", "active", "paused", "unsubscribed", "bounced")
DIGEST_STATUSES = ("pending", "sending", "sent", "skipped", "failed", "unknown")
RUN_STATUSES = ("running", "success", "partial", "suspect", "failed", "timeout")


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(20), default="nonprofit")
    homepage: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sources: Mapped[list[Source]] = relationship(back_populates="organization")


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    platform: Mapped[str] = mapped_column(String(60))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Conditional-GET validators and other per-source crawl state.
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_item_count: Mapped[int | None] = mapped_column(Integer)
    total_runs: Mapped[int] = mapped_column(Integer, default=0)

    organization: Mapped[Organization | None] = relationship(back_populates="sources")
    runs: Mapped[list[CrawlRun]] = relationship(back_populates="source")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship(back_populates="runs")


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        Index("ix_postings_status_first_seen", "status", "first_seen_at"),
        # "Newest" lists sort by the posted date: the source's date, else first seen.
        Index("ix_postings_status_posted", "status", text("coalesce(posted_at, first_seen_at)")),
        Index("ix_postings_dedup", "organization_id", "dedup_key"),
        Index("ix_postings_deadline", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    org_name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    normalized_title: Mapped[str] = mapped_column(String(500))
    dedup_key: Mapped[str] = mapped_column(String(700))
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000), index=True)
    apply_url: Mapped[str | None] = mapped_column(String(2000))
    description_html: Mapped[str] = mapped_column(Text, default="")
    description_text: Mapped[str] = mapped_column(Text, default="")
    locations: Mapped[list[Any]] = mapped_column(default=list)
    cities: Mapped[list[Any]] = mapped_column(default=list)
    countries: Mapped[list[Any]] = mapped_column(default=list)
    remote: Mapped[str] = mapped_column(String(20), default="unspecified", index=True)
    employment_type: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(40), default="other", index=True)
    seniority: Mapped[str] = mapped_column(String(20), default="unspecified")
    phd_required: Mapped[str] = mapped_column(String(20), default="unspecified")
    ml_experience_required: Mapped[str] = mapped_column(String(20), default="unspecified")
    safety_relevance: Mapped[str] = mapped_column(String(20), default="adjacent")
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(10))
    salary_text: Mapped[str | None] = mapped_column(String(500))
    posted_at: Mapped[datetime | None]
    source_updated_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    deadline_rolling: Mapped[bool] = mapped_column(Boolean, default=False)
    # Full classifier output: roles with confidence, evidence, flags; for display and audit.
    classification: Mapped[dict[str, Any]] = mapped_column(default=dict)
    taxonomy_version: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Hidden from every list and digest while visitors' reports await a maintainer.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    organization: Mapped[Organization | None] = relationship()
    tags: Mapped[list[PostingTag]] = relationship(
        back_populates="posting", cascade="all, delete-orphan"
    )
    sources: Mapped[list[PostingSource]] = relationship(
        back_populates="posting", cascade="all, delete-orphan"
    )
    changes: Mapped[list[PostingChange]] = relationship(
        back_populates="posting", cascade="all, delete-orphan", order_by="PostingChange.id"
    )


class PostingTag(Base):
    """Indexed facet values of a posting: kind is ``role``, ``skill`` or ``country``."""

    __tablename__ = "posting_tags"
    __table_args__ = (Index("ix_posting_tags_kind_value", "kind", "value", "posting_id"),)

    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)

    posting: Mapped[Posting] = relationship(back_populates="tags")


class PostingSource(Base):
    """A source that lists a posting; one posting may be listed by several."""

    __tablename__ = "posting_sources"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    apply_url: Mapped[str | None] = mapped_column(String(2000))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # This listing normalized (``NormalizedPosting.to_dict``) for the taxonomy version next
    # to it: a posting is merged from its listings' stored records, never re-normalized
    # from ``raw`` while the version holds. NULL until first stored (rows of older versions).
    normalized: Mapped[dict[str, Any] | None]
    taxonomy_version: Mapped[str | None] = mapped_column(String(40))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a complete crawl of the source no longer lists it.
    removed_at: Mapped[datetime | None]

    posting: Mapped[Posting] = relationship(back_populates="sources")
    source: Mapped[Source] = relationship()


class PostingChange(Base):
    __tablename__ = "posting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    posting: Mapped[Posting] = relationship(back_populates="changes")


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped to invalidate every link issued before (e.g. after unsubscribe + re-signup).
    token_version: Mapped[int] = mapped_column(Integer, default=1)

    profile: Mapped[SubscriberProfile] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", uselist=False
    )
    digests: Mapped[list[Digest]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan"
    )


class SubscriberProfile(Base):
    """What a subscriber wants. Within a facet values are OR, facets are AND, empty = any."""

    __tablename__ = "subscriber_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), unique=True
    )
    roles: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    locations: Mapped[list[Any]] = mapped_column(default=list)
    remote_only: Mapped[bool] = mapped_column(Boolean, default=False)
    include_orgs: Mapped[list[Any]] = mapped_column(default=list)
    exclude_orgs: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    exclude_keywords: Mapped[list[Any]] = mapped_column(default=list)
    seniority: Mapped[list[Any]] = mapped_column(default=list)
    min_salary: Mapped[float | None] = mapped_column(Float)
    # core / adjacent / none; empty means the default (core and adjacent)
    relevance: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    subscriber: Mapped[Subscriber] = relationship(back_populates="profile")


class Digest(Base):
    """One digest per subscriber and period, created before sending (exactly once)."""

    __tablename__ = "digests"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "period"),
        Index("ix_digests_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    posting_ids: Mapped[list[Any]] = mapped_column(default=list)
    message_id: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    subscriber: Mapped[Subscriber] = relationship(back_populates="digests")


class Program(Base):
    """A fellowship, course or grant round that opens in cycles (``config/programs.toml``)."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    usual_open_months: Mapped[list[Any]] = mapped_column(default=list)
    # The key-dates section of the program's page, as last read, and when it changed.
    page_fingerprint: Mapped[str | None] = mapped_column(String(64))
    page_dates_text: Mapped[str | None] = mapped_column(Text)
    page_checked_at: Mapped[datetime | None]
    page_changed_at: Mapped[datetime | None]

    cycles: Mapped[list[ProgramCycle]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="ProgramCycle.id"
    )


class ProgramCycle(Base):
    """One cycle of a program: when applications open and close, when it starts.

    ``origin`` says who told us: ``config`` (maintained), ``page`` (a change of the
    program's key-dates section), ``posting`` or ``forum`` (a listing the classifier
    marked as this program's call).
    """

    __tablename__ = "program_cycles"
    __table_args__ = (UniqueConstraint("program_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date | None]
    deadline: Mapped[date | None]
    starts_on: Mapped[date | None]
    origin: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(500))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship(back_populates="cycles")


REPORT_KINDS = ("expired", "wrong_tags", "not_ai_safety", "broken_link")
# Reports of these kinds from two different visitors hide a posting until a maintainer decides.
HIDING_KINDS = ("expired", "broken_link")


class PostingReport(Base):
    """A visitor's report of a problem with a posting, queued for maintainers."""

    __tablename__ = "posting_reports"
    __table_args__ = (Index("ix_posting_reports_open", "resolved_at", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # A keyed hash of the visitor's address: tells visitors apart without storing it.
    visitor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(20))

    posting: Mapped[Posting] = relationship()


class ProgramFollow(Base):
    """A visitor asking to be told when a program opens (double opt-in, like alerts)."""

    __tablename__ = "program_follows"
    __table_args__ = (UniqueConstraint("program_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|active|stopped
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    program: Mapped[Program] = relationship()


class ProgramNotice(Base):
    """One "now open" or deadline-reminder email of one cycle to one follower.

    The row exists before the email is sent (unique per follow, cycle and kind), so
    each is sent at most once: ``pending`` → ``sending`` (claimed) → ``sent``; a
    ``sending`` left by a crash becomes ``unknown`` and is never sent again.
    """

    __tablename__ = "program_notices"
    __table_args__ = (
        UniqueConstraint("follow_id", "cycle_id", "kind"),
        Index("ix_program_notices_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("program_follows.id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("program_cycles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # opened | reminder_7 | reminder_1
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    follow: Mapped[ProgramFollow] = relationship()
    cycle: Mapped[ProgramCycle] = relationship()


FOLLOW_KINDS = ("organization", "mentor", "team")


class PostingFollow(Base):
    """A visitor asking to be told of each new posting of an organization, or naming a
    mentor or a team (double opt-in, like alerts and program follows).

    ``target`` identifies what is followed, the same for every spelling: the
    organization's slug, the mentor's name casefolded, or ``<org slug>/<team
    casefolded>`` (a team belongs to its organization); ``name`` is how it is shown.
    """

    __tablename__ = "posting_follows"
    __table_args__ = (UniqueConstraint("kind", "target", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # organization | mentor | team
    target: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|active|stopped
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship()


class PostingFollowNotice(Base):
    """One "new posting" email of one posting to one follower, created before it is sent
    (unique per follow and posting) and claimed like :class:`ProgramNotice`."""

    __tablename__ = "posting_follow_notices"
    __table_args__ = (
        UniqueConstraint("follow_id", "posting_id"),
        Index("ix_posting_follow_notices_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("posting_follows.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    follow: Mapped[PostingFollow] = relationship()
    posting: Mapped[Posting] = relationship()


SUBMISSION_STATUSES = ("pending", "approved", "rejected")


class Submission(Base):
    """A link someone shared ("submit an opportunity"), fetched, classified and queued
    until a maintainer approves it (it becomes a posting of the community source) or
    rejects it (its canonical URL is then refused if submitted again).

    ``raw`` is the fetched page as a :class:`aggregator.items.RawPosting` dict; ``title``,
    ``org_name``, ``role`` and ``deadline`` are what will be published: the fetched and
    classified values with the maintainer's ``edits`` on top.
    """

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_canonical_status", "canonical_url", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    edits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    title: Mapped[str] = mapped_column(String(500))
    org_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40), default="other")
    safety_relevance: Mapped[str] = mapped_column(String(20), default="adjacent")
    deadline: Mapped[datetime | None]
    # A keyed hash of the submitter's address ("cli" from the command line).
    submitter: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"))

    posting: Mapped[Posting | None] = relationship()
