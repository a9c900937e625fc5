"""Re-enqueue work whose broker message was lost: the database says what is pending.

Every query is a range scan on a (status, time) index, bounded by ``BATCH``: the cost
of a sweep follows the work in flight, not the history of answered cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.mailin import states as inbound_states
from consultant.mailout import send
from consultant.mailout import states as outbound_states
from consultant.models import Case, Draft, InboundMail, Message, Outbound, utcnow

# Rows handled per kind and sweep; the rest waits for the next sweep (every 30 s).
BATCH = 500
# A follow-up that raced the drafter is looked for among cases whose status changed
# within this window: older ones had every chance to be swept already.
FOLLOW_UP_WINDOW = timedelta(days=1)


@dataclass
class Swept:
    inbound: int = 0
    cases: int = 0
    outbound: int = 0
    reclaimed: int = 0


def sweep(session: Session, older_than_seconds: int) -> Swept:
    """Find stuck rows and publish their tasks again (on commit)."""
    now = utcnow()
    cutoff = now - timedelta(seconds=older_than_seconds)
    swept = Swept()
    inbound_ids = list(
        session.scalars(
            select(InboundMail.id)
            .where(
                InboundMail.status == inbound_states.RECEIVED,
                InboundMail.received_at < cutoff,
                _not_swept_since(InboundMail.swept_at, cutoff),
            )
            .order_by(InboundMail.received_at)
            .limit(BATCH)
        )
    )
    _mark_swept(session, InboundMail, inbound_ids, now)
    for inbound_id in inbound_ids:
        queue.publish_on_commit(session, queue.PROCESS_INBOUND, inbound_id)
        swept.inbound += 1
    stuck = session.scalars(
        select(Case)
        .where(
            Case.status.in_([states.QUEUED, states.DRAFTING]),
            Case.status_changed_at < cutoff,
            _not_swept_since(Case.swept_at, cutoff),
        )
        .order_by(Case.status_changed_at)
        .limit(BATCH)
    ).all()
    _mark_swept(session, Case, [case.id for case in stuck], now)
    for case in stuck:
        if case.status == states.DRAFTING:
            states.transition(session, case, states.QUEUED, "sweeper", "stuck in drafting")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
        swept.cases += 1
    for case in session.scalars(followups_after_draft(cutoff, now - FOLLOW_UP_WINDOW)):
        # A follow-up that raced the drafter, or arrived while the reply was being sent:
        # draft again so that it gets an answer too.
        states.transition(session, case, states.QUEUED, "sweeper", "follow-up after draft")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
        swept.cases += 1
    for out in send.abandoned_claims(session, BATCH):
        if send.reclaim(session, out):
            queue.publish_on_commit(session, queue.SEND_REPLY, out.id)
            swept.reclaimed += 1
    waiting = list(
        session.scalars(
            select(Outbound.id)
            .where(
                Outbound.status == outbound_states.QUEUED,
                Outbound.status_changed_at < cutoff,
                or_(Outbound.next_attempt_at.is_(None), Outbound.next_attempt_at < cutoff),
                _not_swept_since(Outbound.swept_at, cutoff),
            )
            .order_by(Outbound.status_changed_at)
            .limit(BATCH)
        )
    )
    _mark_swept(session, Outbound, waiting, now)
    for out_id in waiting:
        queue.publish_on_commit(session, queue.SEND_REPLY, out_id)
        swept.outbound += 1
    return swept


def _not_swept_since(column: Any, cutoff: datetime) -> ColumnElement[bool]:
    # Under a backlog longer than the cutoff, publishing again at every sweep would pile
    # copies of the same task onto the queue it is waiting in.
    return or_(column.is_(None), column < cutoff)


def _mark_swept(session: Session, model: Any, ids: list[int], now: datetime) -> None:
    if ids:
        session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(swept_at=now)
            .execution_options(synchronize_session=False)
        )


def followups_after_draft(cutoff: datetime, since: datetime) -> Select[Case]:
    """Cases awaiting review or answered, changed between ``since`` and ``cutoff``, with an
    inbound message newer than the one their drafts answer: one query, correlated
    sub-queries on the cases found by the (status, status_changed_at) index."""
    answered_up_to = (
        select(func.coalesce(func.max(Draft.based_on_message_id), 0))
        .where(Draft.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    newer_question = (
        select(Message.id)
        .where(Message.case_id == Case.id, Message.direction == "in", Message.id > answered_up_to)
        .correlate(Case)
        .exists()
    )
    has_draft = select(Draft.id).where(Draft.case_id == Case.id).correlate(Case).exists()
    return (
        select(Case)
        .where(
            Case.status.in_([states.AWAITING_REVIEW, states.ANSWERED]),
            Case.status_changed_at < cutoff,
            Case.status_changed_at >= since,
            has_draft,
            newer_question,
        )
        .order_by(Case.status_changed_at)
        .limit(BATCH)
    )
