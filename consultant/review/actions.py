"""What a reviewer does to a case. Each function runs inside the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.config import Settings
from consultant.drafting.service import latest_draft, next_version
from consultant.mailout import send
from consultant.mailout import states as outbound_states
from consultant.mailout.compose import mint_message_id
from consultant.models import Case, Draft, Outbound, Reviewer, utcnow


class ReviewError(ValueError):
    """A reviewer's request that cannot be carried out; shown back on the form."""


def claim(session: Session, case: Case, reviewer: Reviewer) -> None:
    if case.status == states.IN_REVIEW and case.claimed_by_id == reviewer.id:
        return
    if case.status != states.AWAITING_REVIEW:
        raise ReviewError(f"case is {case.status}, not awaiting review")
    states.transition(session, case, states.IN_REVIEW, reviewer.email, "claimed")
    case.claimed_by_id = reviewer.id


def release(session: Session, case: Case, reviewer: Reviewer) -> None:
    if case.status == states.IN_REVIEW:
        states.transition(session, case, states.AWAITING_REVIEW, reviewer.email, "released")
        case.claimed_by_id = None


def save_edit(session: Session, case: Case, reviewer: Reviewer, subject: str, body: str) -> Draft:
    """Keep the reviewer's text as a new draft version (if it changed)."""
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise ReviewError("The subject cannot be empty.")
    if not body:
        raise ReviewError("The reply text cannot be empty.")
    current = latest_draft(session, case.id)
    if current is None:
        raise ReviewError("This case has no draft yet.")
    if current.subject == subject and current.body_text.strip() == body:
        return current
    draft = Draft(
        case_id=case.id,
        version=next_version(session, case.id),
        author=reviewer.email,
        subject=subject,
        body_text=body + "\n",
        # An edited text makes the drafter's HTML stale; plain text goes out alone.
        body_html="",
        analysis=current.analysis,
        confidence=current.confidence,
        based_on_message_id=current.based_on_message_id,
    )
    session.add(draft)
    states.audit(session, case.id, reviewer.email, "edited", f"draft v{draft.version}")
    return draft


def approve(
    session: Session, case: Case, reviewer: Reviewer, subject: str, body: str, settings: Settings
) -> Outbound:
    """Approve the (possibly edited) draft and queue the reply in the same transaction."""
    if case.status not in states.OPEN_FOR_REVIEW:
        raise ReviewError(f"case is {case.status}; only a case awaiting review can be approved")
    draft = save_edit(session, case, reviewer, subject, body)
    session.flush()
    question = next((m for m in reversed(case.messages) if m.direction == "in"), None)
    references = ""
    in_reply_to = ""
    if question is not None:
        in_reply_to = question.message_id
        references = " ".join(filter(None, [question.references, question.message_id]))
    out = Outbound(
        case_id=case.id,
        draft_id=draft.id,
        message_id=mint_message_id(case.id, settings),
        to_address=case.requester,
        subject=draft.subject,
        in_reply_to=in_reply_to,
        references=references,
        body_text=draft.body_text,
        body_html=draft.body_html,
        deliver_until=utcnow() + timedelta(hours=settings.smtp_deliver_hours),
    )
    session.add(out)
    session.flush()
    states.transition(session, case, states.APPROVED, reviewer.email, f"draft v{draft.version}")
    queue.publish_on_commit(session, queue.SEND_REPLY, out.id)
    return out


def reject(session: Session, case: Case, reviewer: Reviewer, reason: str) -> None:
    if not reason.strip():
        raise ReviewError("Say why the case is closed without a reply.")
    states.transition(session, case, states.CLOSED, reviewer.email, reason.strip())


def redraft(session: Session, case: Case, reviewer: Reviewer) -> None:
    states.transition(session, case, states.QUEUED, reviewer.email, "redraft requested")
    queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)


def failed_reply(session: Session, case: Case) -> Outbound | None:
    """The case's newest reply whose delivery failed, if the case is waiting on it."""
    return session.scalars(
        select(Outbound)
        .where(
            Outbound.case_id == case.id,
            Outbound.kind == "reply",
            Outbound.status == outbound_states.FAILED,
        )
        .order_by(Outbound.id.desc())
        .limit(1)
    ).first()


def retry_delivery(
    session: Session, case: Case, reviewer: Reviewer, settings: Settings
) -> Outbound:
    """Send the failed reply again, unchanged (same Message-ID), with a fresh deadline.

    For a relay that refused it (5xx) once the cause is fixed; to change the text, edit
    and approve the draft instead, which makes a new reply."""
    if case.status not in states.OPEN_FOR_REVIEW:
        raise ReviewError(f"case is {case.status}; only a case back in review can be retried")
    out = failed_reply(session, case)
    if out is None:
        raise ReviewError("This case has no failed reply to send again.")
    send.retry_failed(session, out, reviewer.email, settings)
    states.transition(
        session, case, states.APPROVED, reviewer.email, f"retry delivery of {out.message_id}"
    )
    queue.publish_on_commit(session, queue.SEND_REPLY, out.id)
    return out
