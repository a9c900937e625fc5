"""The draft_case step: claim a queued case, draft from the whole thread, hand to review."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.cases.tags import case_tag, reply_subject
from consultant.config import Settings
from consultant.drafting.answer import build_answer
from consultant.drafting.render import render_reply
from consultant.models import Case, Draft, Message


def question_text(case: Case) -> str:
    """The redacted question, follow-ups included, oldest first."""
    return "\n\n".join(m.clean_text for m in case.messages if m.direction == "in" and m.clean_text)


def draft_case(session: Session, case_id: int, settings: Settings) -> Draft | None:
    """Draft the next version for a queued case. Returns None if another worker has it."""
    case = session.get(Case, case_id)
    if case is None or case.status != states.QUEUED:
        return None
    try:
        states.transition(session, case, states.DRAFTING, "drafter")
    except states.TransitionError:
        return None
    answer = build_answer(session, question_text(case))
    reply = render_reply(
        answer,
        reply_subject(case.subject, case.id, settings.secret_key),
        f"Case reference: {case_tag(case.id, settings.secret_key)}",
    )
    latest_in = max((m.id for m in case.messages if m.direction == "in"), default=None)
    draft = Draft(
        case_id=case.id,
        version=next_version(session, case.id),
        author="drafter",
        subject=reply.subject,
        body_text=reply.text,
        body_html=reply.html,
        analysis=answer.as_json(),
        confidence=answer.confidence,
        based_on_message_id=latest_in,
    )
    session.add(draft)
    case.needs_expert = answer.needs_expert
    reason = "needs expert" if answer.needs_expert else f"confidence {answer.confidence:.2f}"
    states.transition(session, case, states.AWAITING_REVIEW, "drafter", reason)
    return draft


def next_version(session: Session, case_id: int) -> int:
    current = session.scalar(select(func.max(Draft.version)).where(Draft.case_id == case_id))
    return (current or 0) + 1


def latest_draft(session: Session, case_id: int) -> Draft | None:
    return session.scalars(
        select(Draft).where(Draft.case_id == case_id).order_by(Draft.version.desc()).limit(1)
    ).first()


def unanswered_followups(session: Session, case: Case) -> bool:
    """True when an inbound message arrived after the latest draft was based."""
    draft = latest_draft(session, case.id)
    newest = session.scalar(
        select(func.max(Message.id)).where(Message.case_id == case.id, Message.direction == "in")
    )
    return draft is not None and newest is not None and (draft.based_on_message_id or 0) < newest
