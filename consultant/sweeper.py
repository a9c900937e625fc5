"""Re-enqueue work whose broker message was lost: the database says what is pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.drafting.service import unanswered_followups
from consultant.models import Case, InboundMail, Outbound, utcnow


@dataclass
class Swept:
    inbound: int = 0
    cases: int = 0
    outbound: int = 0


def sweep(session: Session, older_than_seconds: int) -> Swept:
    """Find stuck rows and publish their tasks again (on commit)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    swept = Swept()
    for inbound_id in session.scalars(
        select(InboundMail.id).where(
            InboundMail.status == "received", InboundMail.received_at < cutoff
        )
    ):
        queue.publish_on_commit(session, queue.PROCESS_INBOUND, inbound_id)
        swept.inbound += 1
    for case in session.scalars(
        select(Case).where(
            Case.status.in_([states.QUEUED, states.DRAFTING]), Case.status_changed_at < cutoff
        )
    ):
        if case.status == states.DRAFTING:
            states.transition(session, case, states.QUEUED, "sweeper", "stuck in drafting")
        queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
        swept.cases += 1
    for case in session.scalars(
        select(Case).where(
            Case.status.in_([states.AWAITING_REVIEW, states.ANSWERED]),
            Case.status_changed_at < cutoff,
        )
    ):
        # A follow-up that raced the drafter, or arrived while the reply was being sent:
        # draft again so that it gets an answer too.
        if unanswered_followups(session, case):
            states.transition(session, case, states.QUEUED, "sweeper", "follow-up after draft")
            queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)
            swept.cases += 1
    session.execute(
        update(Outbound)
        .where(Outbound.status == "sending", Outbound.status_changed_at < cutoff)
        .values(status="queued")
    )
    for out_id in session.scalars(
        select(Outbound.id).where(Outbound.status == "queued", Outbound.status_changed_at < cutoff)
    ):
        queue.publish_on_commit(session, queue.SEND_REPLY, out_id)
        swept.outbound += 1
    return swept
