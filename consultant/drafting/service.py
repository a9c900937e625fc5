"""The draft_case step: claim a queued case, draft from the whole thread, hand to review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from consultant.cases import states
from consultant.cases.tags import case_tag, reply_subject
from consultant.config import Settings
from consultant.drafting.answer import build_answer
from consultant.drafting.facts import Answer
from consultant.drafting.render import render_reply
from consultant.models import Case, Draft, Message
from consultant.models.cases import draft_facts


def question_text(case: Case) -> str:
    """The redacted question, follow-ups included, oldest first."""
    return "\n\n".join(m.clean_text for m in case.messages if m.direction == "in" and m.clean_text)


def draft_case(session: Session, case_id: int, settings: Settings) -> Draft | None:
    """Draft the next version for a queued case. Returns None if another worker has it.

    Reads the case, its messages and its newest version in one query; drafts before it
    writes anything (on SQLite the write lock is then held for the writes alone); then
    claims and settles the case in one conditional UPDATE, which of two workers only one
    wins."""
    newest = select(func.max(Draft.version)).where(Draft.case_id == Case.id).scalar_subquery()
    row = (
        session.execute(
            select(Case, newest).where(Case.id == case_id).options(joinedload(Case.messages))
        )
        .unique()
        .first()
    )
    if row is None or row[0].status != states.QUEUED:
        return None
    case, version = row
    answer = build_answer(session, question_text(case))
    latest_in = max((m.id for m in case.messages if m.direction == "in"), default=None)
    analysis = answer.as_json()
    draft = new_draft(case, answer, analysis, (version or 0) + 1, latest_in, settings)
    try:
        states.advance(
            session,
            case,
            drafted_steps(answer),
            expect=states.QUEUED,
            **drafted_values(answer, analysis),
        )
    except states.TransitionError:
        return None
    session.add(draft)
    return draft


def new_draft(
    case: Case,
    answer: Answer,
    analysis: dict[str, Any],
    version: int,
    based_on: int | None,
    settings: Settings,
) -> Draft:
    """The drafter's reply to ``case`` (which must have its id) as a new draft row."""
    reply = render_reply(
        answer,
        reply_subject(case.subject, case.id, settings.secret_key),
        f"Case reference: {case_tag(case.id, settings.secret_key)}",
    )
    draft = Draft(
        case_id=case.id,
        version=version,
        author="drafter",
        subject=reply.subject,
        body_text=reply.text,
        body_html=reply.html,
        analysis=analysis,
        confidence=answer.confidence,
        based_on_message_id=based_on,
    )
    # drafted_values puts them in the case's UPDATE (or INSERT): no UPDATE of its own.
    draft.facts_on_case = True
    return draft


def drafted_steps(answer: Answer) -> list[states.Step]:
    """A queued case's way to review once drafted: through drafting, audited."""
    reason = "needs expert" if answer.needs_expert else f"confidence {answer.confidence:.2f}"
    return [(states.DRAFTING, "drafter", ""), (states.AWAITING_REVIEW, "drafter", reason)]


def drafted_values(answer: Answer, analysis: dict[str, Any]) -> dict[str, Any]:
    """What the case records of its new draft (written with its status change)."""
    return {"needs_expert": answer.needs_expert, **draft_facts(analysis, answer.confidence)}


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
