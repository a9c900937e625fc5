"""From stored bytes to a message on a case: parse, classify, apply the sender policy,
clean, redact, thread. Bounces are linked to the reply they bounce.

Called by the ``process_inbound`` task inside the caller's transaction. Safe to run
twice: a row that is no longer ``received`` is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from consultant import queue
from consultant.cases import states
from consultant.cases.tags import strip_tags
from consultant.cases.threading import find_case
from consultant.config import Settings
from consultant.db import insert_row
from consultant.drafting.answer import build_answer
from consultant.drafting.service import drafted_steps, drafted_values, new_draft
from consultant.mailin import states as inbound_states
from consultant.mailin.bounces import read_bounce
from consultant.mailin.classify import Kind, classify
from consultant.mailin.clean import question_of
from consultant.mailin.parse import ParsedMail, ParseError, parse, summary_headers
from consultant.mailin.phi import redact
from consultant.mailout import states as outbound_states
from consultant.mailout.notices import queue_notice
from consultant.models import Case, InboundMail, Message, Outbound, Subscriber, utcnow
from consultant.models.cases import due_time

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # processed | ignored | bounce | quarantined | skipped
    case_id: int | None = None
    reason: str = ""


def process_inbound(session: Session, inbound_id: int, settings: Settings) -> Outcome:
    """Turn one stored message into a case message, or put it aside with a reason."""
    row = session.get(InboundMail, inbound_id)
    if row is None or row.status != inbound_states.RECEIVED:
        return Outcome("skipped")
    subject, sender = summary_headers(row.raw)
    # Written by the one UPDATE that records the outcome (see _finish), not a second one.
    for key, value in (
        ("attempts", row.attempts + 1),
        ("subject", redact(subject)[:998]),
        ("from_address", sender[:320]),
    ):
        set_committed_value(row, key, value)
    if row.size > settings.smtpd_max_bytes:
        return quarantine(
            session, row, f"message is {row.size} bytes, over the {settings.smtpd_max_bytes} limit"
        )
    try:
        mail = parse(row.raw, row.message_id)
    except ParseError as exc:
        return quarantine(session, row, str(exc))
    kind, why = classify(mail)
    if kind is Kind.BOUNCE:
        return _bounce(session, row, why)
    if kind is not Kind.QUESTION:
        return _finish(session, row, inbound_states.IGNORED, f"{kind.value}: {why}")
    question = question_of(mail)
    topic = strip_tags(mail.subject)
    if not question.strip() and not topic:
        return quarantine(session, row, "empty message: no subject and no text")
    # The sender policy comes before threading: knowing a case's Message-ID or tag must not
    # let a non-subscriber past the hold, nor a stranger into someone else's case.
    subscriber = find_subscriber(session, mail.from_address)
    held = _unknown_sender(session, row, mail, subscriber, settings)
    if held is not None:
        return held
    case = find_case(session, mail, settings.verification_keys, subscriber)
    if case is not None:
        _reopen(session, case, mail)
        session.add(_message(case, mail, row, question, include_subject=not case.messages))
        return _finish(session, row, inbound_states.PROCESSED, "", case.id)
    held = _over_quota(session, row, subscriber)
    if held is not None:
        return held
    return _new_case(session, row, mail, question, subscriber, settings)


def load_inbound(session: Session, ids: list[int]) -> dict[int, InboundMail]:
    """Read the stored messages ``ids`` into ``session`` in one statement, and their
    senders' subscribers in another: while the caller holds the rows (the session keeps
    only rows referenced elsewhere), the ``process_inbound`` of each finds its row and
    its subscriber there without a query of its own."""
    rows = {row.id: row for row in session.scalars(_INBOUND, {"ids": ids})}
    _load_subscribers(session, rows.values())
    return rows


# Built once (every batch runs it): the statement keeps its cache key.
_INBOUND = select(InboundMail).where(InboundMail.id.in_(bindparam("ids", expanding=True)))


def _new_case(
    session: Session,
    row: InboundMail,
    mail: ParsedMail,
    question: str,
    subscriber: Subscriber | None,
    settings: Settings,
) -> Outcome:
    """Open a case for a new question and draft it in the same transaction.

    Drafting here rather than in a task of its own saves a task, a transaction and the
    case's reading back; the answer is worked out before anything is written, so on SQLite
    the write lock is held for the writes alone. If drafting fails, the case is opened
    queued and the draft_case task tries again, as for a follow-up."""
    message = _message(None, mail, row, question, include_subject=True)
    answer, analysis = None, {}
    try:
        answer = build_answer(session, message.clean_text)
        analysis = answer.as_json()
    except SQLAlchemyError:
        raise  # the database's trouble, not the question's: the task tries again
    except Exception:
        log.exception("drafting inbound %s failed; it is queued for the drafter", row.id)
        answer = None
    case = Case(
        # The subject is shown in the queue and becomes the reply's subject: redacted.
        subject=redact(strip_tags(mail.subject))[:998] or "(no subject)",
        requester=mail.from_address,
        requester_name=mail.from_name[:200],
        subscriber_id=subscriber.id if subscriber else None,
        due_at=due_time(None, subscriber.sla_hours if subscriber else None),
    )
    # The case, its message and its draft are new rows nobody reads back in this
    # transaction: each is one Core INSERT (db.insert_row), without the unit of work.
    opened = f"question {mail.message_id}"
    if answer is None:
        states.open_case(session, case, "mail", opened)
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
    else:
        steps, values = drafted_steps(answer), drafted_values(answer, analysis)
        states.open_case(session, case, "mail", opened, steps, **values)
    message.case_id = case.id
    insert_row(session, message)
    if answer is not None:  # the draft names the message it answers
        insert_row(session, new_draft(case, answer, analysis, 1, message.id, settings))
    if settings.ack_enabled and not _acknowledged_recently(session, mail.from_address, settings):
        queue_notice(session, "ack", mail.from_address, mail, settings, case=case)
    return _finish(session, row, inbound_states.PROCESSED, "", case.id)


def _unknown_sender(
    session: Session,
    row: InboundMail,
    mail: ParsedMail,
    subscriber: Subscriber | None,
    settings: Settings,
) -> Outcome | None:
    """None when the sender may write to the service; otherwise the message is held."""
    if subscriber is not None or settings.accepts_unknown_senders:
        return None
    if settings.sender_policy == "reply":
        queue_notice(session, "notice", mail.from_address, mail, settings)
    return quarantine(session, row, f"sender {mail.from_address} is not a subscriber")


def _over_quota(
    session: Session, row: InboundMail, subscriber: Subscriber | None
) -> Outcome | None:
    """None while the subscriber may open another case this month."""
    if subscriber is None or not subscriber.monthly_quota:
        return None
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = (
        session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.subscriber_id == subscriber.id, Case.created_at >= start)
        )
        or 0
    )
    if used >= subscriber.monthly_quota:
        return quarantine(
            session,
            row,
            f"{subscriber.address} has used its {subscriber.monthly_quota} questions this month",
        )
    return None


def _acknowledged_recently(session: Session, address: str, settings: Settings) -> bool:
    since = utcnow() - timedelta(hours=settings.ack_period_hours)
    return bool(
        session.scalar(
            select(Outbound.id)
            .where(
                Outbound.kind == "ack", Outbound.to_address == address, Outbound.created_at >= since
            )
            .limit(1)
        )
    )


def _bounce(session: Session, row: InboundMail, why: str) -> Outcome:
    """Link a DSN to the reply it bounces and show it on the case."""
    bounce = read_bounce(row.raw)
    if bounce is None or not bounce.original_message_id:
        return _finish(
            session, row, inbound_states.BOUNCE, f"{why}; original message not identified"
        )
    out = session.scalar(select(Outbound).where(Outbound.message_id == bounce.original_message_id))
    if out is None:
        return _finish(
            session,
            row,
            inbound_states.BOUNCE,
            f"{why}; not one of our replies ({bounce.original_message_id})",
        )
    reason = f"{bounce.status} {bounce.diagnostic}".strip() or why
    if (bounce.permanent or not bounce.status) and outbound_states.allowed(
        out.status, outbound_states.BOUNCED
    ):
        outbound_states.transition(session, out, outbound_states.BOUNCED, "mail", reason)
    out.bounce_reason = reason[:2000]
    if out.case_id is not None:
        states.audit(session, out.case_id, "mail", "bounced", f"{out.message_id}: {reason}")
    return _finish(
        session, row, inbound_states.BOUNCE, f"bounce of {out.message_id}: {reason}", out.case_id
    )


def find_subscriber(session: Session, address: str) -> Subscriber | None:
    """A subscriber by exact address, else by ``@domain`` (read with the batch's by
    ``load_inbound`` when it was)."""
    known = session.info.get(_SENDERS, {})
    if address in known:
        return known[address]
    rows = session.scalars(_SUBSCRIBERS, {"keys": [address, _domain(address)]}).all()
    return _subscriber_of(address, rows)


def _domain(address: str) -> str:
    return "@" + address.rsplit("@", 1)[-1]


def _subscriber_of(address: str, rows: Sequence[Subscriber]) -> Subscriber | None:
    """Of the active subscribers read for ``address``, the one it writes as: its own
    address before its domain's."""
    mine = [s for s in rows if s.address in (address, _domain(address))]
    mine.sort(key=lambda s: s.address != address)
    return mine[0] if mine else None


def _load_subscribers(session: Session, rows: Iterable[InboundMail]) -> None:
    """The subscribers of the senders of ``rows`` in one statement, kept on ``session``
    until its transaction ends, for ``find_subscriber``."""
    senders = {summary_headers(row.raw)[1] for row in rows} - {""}
    keys = sorted(senders | {_domain(a) for a in senders})
    found = session.scalars(_SUBSCRIBERS, {"keys": keys}).all() if keys else []
    session.info[_SENDERS] = {a: _subscriber_of(a, found) for a in senders}


_SENDERS = "consultant.subscribers_of_senders"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_senders(session: Session) -> None:
    # A subscriber may be added or changed before the next transaction.
    session.info.pop(_SENDERS, None)


# Built once (every question runs it): the statement keeps its cache key.
_SUBSCRIBERS = select(Subscriber).where(
    Subscriber.address.in_(bindparam("keys", expanding=True)), Subscriber.active
)


def _reopen(session: Session, case: Case, mail: ParsedMail) -> None:
    if case.status in states.REOPENABLE:
        states.transition(session, case, states.QUEUED, "mail", f"follow-up {mail.message_id}")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
    else:
        # queued/drafting: the coming draft sees it; approved: the sweeper drafts again.
        states.audit(session, case.id, "mail", "follow_up", mail.message_id)


def _message(
    case: Case | None, mail: ParsedMail, row: InboundMail, question: str, include_subject: bool
) -> Message:
    topic = strip_tags(mail.subject)
    # The subject often carries the question ("96521 with 99211?"): the first message of a
    # case is analysed with it unless the body already says it.
    if include_subject and topic and topic.lower() not in question.lower():
        question = f"{topic}\n\n{question}".strip()
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
        clean_text=redact(question),
        attachments=mail.attachments,
        inbound_mail_id=row.id,
    )


def quarantine(session: Session, row: InboundMail, reason: str) -> Outcome:
    """Set a message aside with its reason (shown in the workspace's quarantine)."""
    log.warning("quarantined inbound %s: %s", row.id, reason)
    return _finish(session, row, inbound_states.QUARANTINED, reason)


def _finish(
    session: Session, row: InboundMail, status: str, reason: str, case_id: int | None = None
) -> Outcome:
    inbound_states.transition(
        session,
        row,
        status,
        reason=reason,
        processed_at=utcnow(),
        attempts=row.attempts,
        subject=row.subject,
        from_address=row.from_address,
    )
    return Outcome(status, case_id, reason)
