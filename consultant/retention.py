"""Retention: raw mail and original message text go once a case is done with them.

``purge`` empties the raw bytes of stored mail older than the cutoff (keeping the row, its
Message-ID for duplicate detection and its reason) and the original subject and text of
the messages of answered or closed cases, keeping their redacted text, drafts, replies and
audit trail. Mail still needed is left alone: a case still open, a message in quarantine.
``rotate_data`` re-encrypts what remains under the current data key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from consultant.cases import states
from consultant.models import Case, InboundMail, Message, utcnow

DONE = (states.ANSWERED, states.CLOSED)
# Inbound statuses that never made a case: nothing depends on their bytes any more.
_NO_CASE = ("ignored", "bounce")


@dataclass(frozen=True)
class Purged:
    inbound: int
    messages: int
    cases: int


def purge(session: Session, older_than: timedelta, actor: str, dry_run: bool = False) -> Purged:
    """Remove raw mail and original text older than ``older_than`` where it is no longer
    needed; returns the counts. The caller commits."""
    cutoff = utcnow() - older_than
    done_cases = set(
        session.scalars(select(Case.id).where(Case.status.in_(DONE), Case.updated_at < cutoff))
    )
    inbound_count = message_count = 0
    touched: set[int] = set()
    for message in session.scalars(
        select(Message).where(Message.case_id.in_(done_cases), Message.created_at < cutoff)
    ):
        if message.direction != "in" or (not message.body_text and not message.body_html):
            continue
        message_count += 1
        touched.add(message.case_id)
        if not dry_run:
            message.body_text = message.body_html = message.subject = ""
    linked = dict(
        session.execute(
            select(Message.inbound_mail_id, Message.case_id).where(
                Message.inbound_mail_id.is_not(None)
            )
        ).all()
    )
    for row in session.scalars(
        select(InboundMail).where(InboundMail.received_at < cutoff, InboundMail.purged_at.is_(None))
    ):
        case_id = linked.get(row.id)
        if row.status in _NO_CASE or (row.status == "processed" and case_id in done_cases):
            inbound_count += 1
            if not dry_run:
                row.raw = b""
                row.purged_at = utcnow()
    if not dry_run:
        for case_id in sorted(touched):
            states.audit(
                session, case_id, actor, "purged", f"original mail older than {cutoff:%Y-%m-%d}"
            )
    return Purged(inbound_count, message_count, len(touched))


def rotate_data(session: Session, batch: int = 200) -> int:
    """Rewrite every encrypted value under the current data key; returns rows rewritten."""
    count = 0
    for model, fields in (
        (InboundMail, ("raw",)),
        (Message, ("subject", "body_text", "body_html")),
    ):
        for row in session.scalars(select(model)).yield_per(batch):
            for name in fields:
                flag_modified(row, name)
            count += 1
    return count
