"""Cases, their messages, drafts, outbound replies and the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from consultant.crypto import EncryptedBytes, EncryptedText
from consultant.models.base import Base, created_at, utcnow


class InboundMail(Base):
    """Raw bytes exactly as received, before any parsing: the edge writes only this.

    Unique keys make a re-delivery (poller crash before the server flag, SMTP retry)
    a no-op instead of a duplicate case.
    """

    __tablename__ = "inbound_mail"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid"),
        Index("ix_inbound_mail_status", "status"),
        # The sweeper's range scan: received rows older than its cutoff.
        Index("ix_inbound_mail_status_received_at", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # imap | smtp | cli
    mailbox: Mapped[str | None] = mapped_column(String(200))
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[int | None] = mapped_column(Integer)
    envelope_from: Mapped[str] = mapped_column(String(320), default="")
    raw: Mapped[bytes] = mapped_column(EncryptedBytes)  # encrypted at rest
    size: Mapped[int] = mapped_column(Integer)
    # See consultant/mailin/states.py for the allowed transitions.
    status: Mapped[str] = mapped_column(String(20), default="received")
    reason: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(998), default="")
    from_address: Mapped[str] = mapped_column(String(320), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = created_at()
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when retention removed the raw bytes (the redacted case record stays).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the sweeper last published it again: once per cutoff, not at every sweep.
    swept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PollerLease(Base):
    """Which poller process watches a mailbox, until when: one poller per mailbox across
    every host, taken and renewed with a conditional UPDATE."""

    __tablename__ = "poller_leases"

    mailbox: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MailboxCheckpoint(Base):
    """Last UID committed per IMAP mailbox and UIDVALIDITY epoch."""

    __tablename__ = "mailbox_checkpoints"

    mailbox: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(Integer)
    last_uid: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Case(Base):
    """One consultation: a thread of questions and answers with one subscriber."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status", "status"),
        # The queue pages through cases by due time (keyset), most urgent first.
        Index("ix_cases_due_at_id", "due_at", "id"),
        # Counting the overdue open cases for the queue header.
        Index("ix_cases_status_due_at", "status", "due_at"),
        # The sweeper's range scans: a status whose last change is older than a cutoff.
        Index("ix_cases_status_status_changed_at", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(998), default="")
    requester: Mapped[str] = mapped_column(String(320))
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id"))
    status: Mapped[str] = mapped_column(String(30), default="queued")
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("reviewers.id"))
    needs_expert: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # When the status last changed; the sweeper uses it to find stuck work.
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the subscriber's SLA expects the answer (set at insert, see cases/sla.py).
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A claim older than the configured minutes may be taken over by another reviewer.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Copied from the newest draft so the queue can filter without reading drafts.
    kind: Mapped[str] = mapped_column(String(30), default="", server_default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    # A second review: who approved first, and which draft version they approved.
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("reviewers.id"))
    first_approved_version: Mapped[int | None] = mapped_column(Integer)
    # When the sweeper last published it again: once per cutoff, not at every sweep.
    swept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    messages: Mapped[list[Message]] = relationship(
        back_populates="case", order_by="Message.id", cascade="all, delete-orphan"
    )
    drafts: Mapped[list[Draft]] = relationship(
        back_populates="case", order_by="Draft.version", cascade="all, delete-orphan"
    )


class Message(Base):
    """A parsed message on a case, inbound (question) or outbound (our reply)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))  # in | out
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str] = mapped_column(String(998), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    from_address: Mapped[str] = mapped_column(String(320), default="")
    to_address: Mapped[str] = mapped_column(String(998), default="")
    # The original subject and text carry PHI: encrypted at rest (clean_text is redacted).
    subject: Mapped[str] = mapped_column(EncryptedText, default="")
    body_text: Mapped[str] = mapped_column(EncryptedText, default="")
    body_html: Mapped[str] = mapped_column(EncryptedText, default="")  # sanitized for display
    # Question text with quoted history and signature removed and PHI redacted.
    clean_text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    inbound_mail_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_mail.id"))
    created_at: Mapped[datetime] = created_at()

    case: Mapped[Case] = relationship(back_populates="messages")


class Draft(Base):
    """A versioned proposed reply. Drafter versions and reviewer edits are both kept."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(320))  # "drafter" or a reviewer email
    subject: Mapped[str] = mapped_column(String(998))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float] = mapped_column(default=0.0)
    # The newest inbound message this draft answers; a later one means redraft.
    based_on_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at: Mapped[datetime] = created_at()

    case: Mapped[Case] = relationship(back_populates="drafts")

    # Not a column: True when whoever wrote the draft already copied its facts to the case
    # in the UPDATE it made anyway (see _copy_draft_facts), so no second UPDATE is needed.
    facts_on_case = False

    def case_facts(self) -> dict[str, Any]:
        """What the case keeps of its newest draft, for the queue's filters."""
        return draft_facts(self.analysis, self.confidence)


class Outbound(Base):
    """A reply waiting to be sent. Its Message-ID is fixed at approval so a retry
    can never send a second, different reply."""

    __tablename__ = "outbound"
    __table_args__ = (
        Index("ix_outbound_status", "status"),
        Index("ix_outbound_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbound_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # reply (an approved draft) | ack (case acknowledgement) | notice (to a non-subscriber)
    kind: Mapped[str] = mapped_column(String(10), default="reply")
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    in_reply_to: Mapped[str] = mapped_column(String(998), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # See consultant/mailout/states.py: queued -> sending -> sent | queued | failed | uncertain
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # The worker holding a ``sending`` claim ("host:pid") and until when: the row is sent
    # again only after the lease has passed and that worker is known to be gone.
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A temporary failure waits until then (exponential backoff); None means now.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the sweeper last published it again: once per cutoff, not at every sweep.
    swept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bounce_reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # When an attempt ended without the relay's answer to the message (its worker died
    # holding the claim, or the connection broke after the final dot): the relay may have
    # that copy, so the row can no longer fail plainly (see mailout/states.py).
    maybe_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deliver_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who did what, when: every case transition and every sensitive view."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(50))
    from_status: Mapped[str] = mapped_column(String(30), default="")
    to_status: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at()


class CaseNote(Base):
    """An internal note between reviewers; never part of a reply."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()


class ReplyFrame(Base):
    """The greeting and closing around every approved reply, edited by an admin.

    One row; ``{name}`` in the greeting becomes the asker's name.
    """

    __tablename__ = "reply_frame"

    id: Mapped[int] = mapped_column(primary_key=True)
    greeting: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


DEFAULT_SLA_HOURS = 24  # a case with no subscriber (embedded mode accepts anyone)


def draft_facts(analysis: object, confidence: float) -> dict[str, Any]:
    """The columns a case copies from its newest draft (analysis and confidence)."""
    found = analysis if isinstance(analysis, dict) else {}
    kind = str(found.get("question_type") or found.get("kind") or "")[:30]
    return {"kind": kind, "confidence": confidence}


def due_time(created: datetime | None, sla_hours: int | None) -> datetime:
    """When a case opened at ``created`` is due under a subscriber's SLA (or the default)."""
    return (created or utcnow()) + timedelta(hours=sla_hours or DEFAULT_SLA_HOURS)


@event.listens_for(Case, "before_insert")
def _set_due_time(_mapper: Mapper[Case], connection: Connection, case: Case) -> None:
    """Every case gets its due time from its subscriber's SLA, whoever creates it."""
    set_due_time(connection, case)


def set_due_time(connection: Connection, case: Case) -> None:
    """Give a new ``case`` its due time from its subscriber's SLA, unless it has one (the
    ORM does it before its INSERT; a Core INSERT of a case calls it first)."""
    if case.due_at is not None:
        return
    from consultant.models.people import Subscriber

    hours = None
    if case.subscriber_id is not None:
        hours = connection.scalar(
            select(Subscriber.sla_hours).where(Subscriber.id == case.subscriber_id)
        )
    case.due_at = due_time(case.created_at, hours)


@event.listens_for(Draft, "after_insert")
def _copy_draft_facts(_mapper: Mapper[Draft], connection: Connection, draft: Draft) -> None:
    """The queue filters on the newest draft's kind and confidence: keep them on the case."""
    if draft.facts_on_case:
        return
    connection.execute(
        update(Case.__table__)  # type: ignore[arg-type]
        .where(Case.__table__.c.id == draft.case_id)
        .values(**draft.case_facts())
    )
