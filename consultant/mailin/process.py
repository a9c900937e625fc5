"""From stored bytes to a message on a case: parse, classify, clean, redact, thread.

Called by the ``process_inbound`` task inside the caller's transaction. Safe to run
twice: a row that is no longer ``received`` is left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.cases.tags import strip_tags
from consultant.cases.threading import find_case
from consultant.config import Settings
from consultant.mailin.classify import Kind, classify
from consultant.mailin.clean import question_of
from consultant.mailin.parse import ParsedMail, ParseError, parse, summary_headers
from consultant.mailin.phi import redact
from consultant.models import Case, InboundMail, Message, Subscriber, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # processed | ignored | quarantined | skipped
    case_id: int | None = None
    reason: str = ""


def process_inbound(session: Session, inbound_id: int, settings: Settings) -> Outcome:
    """Turn one stored message into a case message, or put it aside with a reason."""
    row = session.get(InboundMail, inbound_id)
    if row is None or row.status != "received":
        return Outcome("skipped")
    row.attempts += 1
    subject, sender = summary_headers(row.raw)
    row.subject, row.from_address = subject[:998], sender[:320]
    if row.size > settings.smtpd_max_bytes:
        return quarantine(
            row, f"message is {row.size} bytes, over the {settings.smtpd_max_bytes} limit"
        )
    try:
        mail = parse(row.raw, row.message_id)
    except ParseError as exc:
        return quarantine(row, str(exc))
    kind, why = classify(mail)
    if kind is not Kind.QUESTION:
        return _finish(row, "ignored", f"{kind.value}: {why}")
    subscriber = find_subscriber(session, mail.from_address)
    if subscriber is None and not settings.accepts_unknown_senders:
        return quarantine(row, f"sender {mail.from_address} is not a subscriber")
    case = find_case(session, mail, settings.secret_key)
    if case is None:
        case = Case(
            subject=strip_tags(mail.subject)[:998] or "(no subject)",
            requester=mail.from_address,
            requester_name=mail.from_name[:200],
            subscriber_id=subscriber.id if subscriber else None,
            status=states.QUEUED,
        )
        session.add(case)
        session.flush()
        states.audit(session, case.id, "mail", "opened", f"question {mail.message_id}")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
    else:
        _reopen(session, case, mail)
    session.add(_message(case, mail, row))
    return _finish(row, "processed", "", case.id)


def find_subscriber(session: Session, address: str) -> Subscriber | None:
    """A subscriber by exact address, else by ``@domain``."""
    domain = "@" + address.rsplit("@", 1)[-1]
    rows = session.scalars(
        select(Subscriber).where(Subscriber.address.in_([address, domain]), Subscriber.active)
    ).all()
    rows = sorted(rows, key=lambda s: s.address != address)
    return rows[0] if rows else None


def _reopen(session: Session, case: Case, mail: ParsedMail) -> None:
    if case.status in states.REOPENABLE:
        states.transition(session, case, states.QUEUED, "mail", f"follow-up {mail.message_id}")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
    else:
        # queued/drafting: the coming draft sees it; approved: a new draft after sending.
        states.audit(session, case.id, "mail", "follow_up", mail.message_id)


def _message(case: Case, mail: ParsedMail, row: InboundMail) -> Message:
    return Message(
        case=case,
        direction="in",
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to[:998],
        references=" ".join(mail.references),
        from_address=mail.from_address,
        to_address=", ".join(mail.to)[:998],
        subject=mail.subject[:998],
        body_text=mail.text,
        body_html=mail.html,
        clean_text=redact(question_of(mail)),
        attachments=mail.attachments,
        inbound_mail_id=row.id,
    )


def quarantine(row: InboundMail, reason: str) -> Outcome:
    log.warning("quarantined inbound %s: %s", row.id, reason)
    return _finish(row, "quarantined", reason)


def _finish(row: InboundMail, status: str, reason: str, case_id: int | None = None) -> Outcome:
    row.status = status
    row.reason = reason
    row.processed_at = utcnow()
    return Outcome(status, case_id, reason)
