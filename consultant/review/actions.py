"""What a reviewer does to a case. Each function runs inside the caller's transaction.

Every action that depends on the draft carries the draft version the reviewer was looking
at; if a newer version exists the action is refused (``StaleDraft``) so that nobody
approves or overwrites text they have not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.cases.tags import reply_subject
from consultant.config import Settings
from consultant.drafting.service import latest_draft, next_version
from consultant.mailout import send
from consultant.mailout import states as outbound_states
from consultant.mailout.compose import mint_message_id
from consultant.models import Case, CaseNote, Draft, Outbound, Reviewer, utcnow
from consultant.review.reply_frame import current_frame, framed
from consultant.review.reply_html import text_to_html


class ReviewError(ValueError):
    """A reviewer's request that cannot be carried out; shown back on the form."""


@dataclass(frozen=True)
class DraftSnapshot:
    """A draft's text as read; it outlives the transaction that is rolled back."""

    version: int
    author: str
    subject: str
    body_text: str
    created_at: datetime


class StaleDraft(ReviewError):
    """The reviewer acted on an older draft version than the newest one."""

    def __init__(self, newer: Draft, seen: int | None) -> None:
        super().__init__(
            f"Draft v{newer.version} by {newer.author} is newer than the v{seen} you were "
            "looking at; nothing was done. Read the newer version below, then act again."
        )
        self.newer = DraftSnapshot(
            newer.version, newer.author, newer.subject, newer.body_text, newer.created_at
        )
        self.seen = seen


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; they are all UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def claim_is_fresh(case: Case, settings: Settings) -> bool:
    """True while the reviewer holding the case has acted within the claim period."""
    claimed_at = aware(case.claimed_at)
    return (
        case.status == states.IN_REVIEW
        and case.claimed_by_id is not None
        and claimed_at is not None
        and utcnow() - claimed_at < timedelta(minutes=settings.claim_minutes)
    )


def ensure_may_act(session: Session, case: Case, reviewer: Reviewer, settings: Settings) -> None:
    """Refuse when another reviewer holds a fresh claim on the case."""
    if claim_is_fresh(case, settings) and case.claimed_by_id != reviewer.id:
        holder = session.get(Reviewer, case.claimed_by_id)
        raise ReviewError(
            f"{holder.email if holder else 'Another reviewer'} is working on this case."
        )


def check_version(session: Session, case: Case, seen: int | None) -> Draft:
    """The newest draft, provided it is the one the reviewer saw."""
    current = latest_draft(session, case.id)
    if current is None:
        raise ReviewError("This case has no draft yet.")
    if seen != current.version:
        raise StaleDraft(current, seen)
    return current


def claim(session: Session, case: Case, reviewer: Reviewer, settings: Settings) -> None:
    """Take the case for review: one reviewer at a time; a lapsed claim can be taken over."""
    now = utcnow()
    if case.status == states.IN_REVIEW and case.claimed_by_id == reviewer.id:
        case.claimed_at = now
        return
    if case.status == states.AWAITING_REVIEW:
        try:
            states.transition(session, case, states.IN_REVIEW, reviewer.email, "claimed")
        except states.TransitionError as exc:  # lost the race: the other reviewer has it
            raise ReviewError("Another reviewer has just claimed this case.") from exc
        case.claimed_by_id, case.claimed_at = reviewer.id, now
        return
    if case.status != states.IN_REVIEW:
        raise ReviewError(f"The case is {case.status.replace('_', ' ')}; it cannot be claimed.")
    ensure_may_act(session, case, reviewer, settings)
    # The claim lapsed: take it over only if nobody else did in the meantime.
    cutoff = now - timedelta(minutes=settings.claim_minutes)
    taken = session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.status == states.IN_REVIEW,
            Case.claimed_by_id == case.claimed_by_id,
            Case.claimed_at < cutoff,
        )
        .values(claimed_by_id=reviewer.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError("Another reviewer has just claimed this case.")
    case.claimed_by_id, case.claimed_at = reviewer.id, now
    states.audit(session, case.id, reviewer.email, "claim_taken_over", "the earlier claim lapsed")


def release(session: Session, case: Case, reviewer: Reviewer, settings: Settings) -> None:
    """Give the case back to the queue."""
    if case.status != states.IN_REVIEW:
        return
    ensure_may_act(session, case, reviewer, settings)
    states.transition(session, case, states.AWAITING_REVIEW, reviewer.email, "released")
    case.claimed_by_id, case.claimed_at = None, None


def _touch_claim(session: Session, case: Case, reviewer: Reviewer, settings: Settings) -> None:
    """Acting on an unclaimed case claims it; acting on one's own claim renews it."""
    if case.status not in states.OPEN_FOR_REVIEW:
        raise ReviewError(f"The case is {case.status.replace('_', ' ')}, not open for review.")
    claim(session, case, reviewer, settings)


def checked_text(subject: str, body: str) -> tuple[str, str]:
    """The reviewer's subject and text, trimmed, or the reason they cannot be sent."""
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise ReviewError("The subject cannot be empty.")
    if any(ch in subject for ch in "\r\n\x00"):
        # A header cannot hold them: refused here rather than failing at send time for a day.
        raise ReviewError("The subject must be one line, without control characters.")
    if "\x00" in body:
        raise ReviewError("The reply text contains a NUL character; remove it and try again.")
    if not body:
        raise ReviewError("The reply text cannot be empty.")
    return subject, body


def save_edit(
    session: Session,
    case: Case,
    reviewer: Reviewer,
    subject: str,
    body: str,
    seen: int | None,
    settings: Settings,
) -> Draft:
    """Keep the reviewer's text as a new draft version (if it changed)."""
    subject, body = checked_text(subject, body)
    current = check_version(session, case, seen)
    _touch_claim(session, case, reviewer, settings)
    if current.subject == subject and current.body_text.strip() == body:
        if not current.body_html:
            current.body_html = text_to_html(body)
        return current
    draft = Draft(
        case_id=case.id,
        version=next_version(session, case.id),
        author=reviewer.email,
        subject=subject,
        body_text=body + "\n",
        # The drafter's HTML no longer says what the text says: make it from the text.
        body_html=text_to_html(body),
        analysis=current.analysis,
        confidence=current.confidence,
        based_on_message_id=current.based_on_message_id,
    )
    session.add(draft)
    session.flush()
    # A first approval was for the text before this edit.
    case.first_approved_by_id = case.first_approved_version = None
    states.audit(session, case.id, reviewer.email, "edited", f"draft v{draft.version}")
    return draft


def needs_second_review(case: Case, draft: Draft, settings: Settings) -> bool:
    """Whether the configured second review applies to this draft."""
    low = settings.second_review_below > 0 and draft.confidence < settings.second_review_below
    return low or (settings.second_review_needs_expert and case.needs_expert)


def approve(
    session: Session,
    case: Case,
    reviewer: Reviewer,
    subject: str,
    body: str,
    seen: int | None,
    settings: Settings,
    confirmed: bool,
) -> Outbound | None:
    """Approve the (possibly edited) draft and queue the reply in the same transaction.

    Returns None when the draft needs a second reviewer and this was the first approval.
    """
    checked_text(subject, body)  # a bad field is said first: it is what needs fixing
    if not confirmed:
        raise ReviewError("Approving sends the reply: confirm it with the Approve button.")
    if case.status not in states.OPEN_FOR_REVIEW:
        raise ReviewError(
            f"The case is {case.status.replace('_', ' ')}; only a case awaiting review can be approved."
        )
    ensure_may_act(session, case, reviewer, settings)
    draft = save_edit(session, case, reviewer, subject, body, seen, settings)
    if needs_second_review(case, draft, settings):
        if case.first_approved_version != draft.version or case.first_approved_by_id is None:
            case.first_approved_by_id, case.first_approved_version = reviewer.id, draft.version
            states.audit(
                session, case.id, reviewer.email, "first_approval", f"draft v{draft.version}"
            )
            release(session, case, reviewer, settings)
            return None
        if case.first_approved_by_id == reviewer.id:
            raise ReviewError("This draft needs a second reviewer: someone else must approve it.")
    text, html = framed(
        current_frame(session), case.requester_name, draft.body_text, draft.body_html
    )
    out = _queue_reply(session, case, draft.subject, text, html, settings)
    out.draft_id = draft.id
    states.transition(session, case, states.APPROVED, reviewer.email, f"draft v{draft.version}")
    case.claimed_by_id = case.claimed_at = None
    return out


def _queue_reply(
    session: Session, case: Case, subject: str, text: str, html: str, settings: Settings
) -> Outbound:
    """An outbound reply on the case's thread, sent after the commit."""
    question = next((m for m in reversed(case.messages) if m.direction == "in"), None)
    references = in_reply_to = ""
    if question is not None:
        in_reply_to = question.message_id
        references = " ".join(filter(None, [question.references, question.message_id]))
    out = Outbound(
        case_id=case.id,
        message_id=mint_message_id(case.id, settings),
        to_address=case.requester,
        subject=subject,
        in_reply_to=in_reply_to,
        references=references,
        body_text=text,
        body_html=html,
        deliver_until=utcnow() + timedelta(hours=settings.smtp_deliver_hours),
    )
    session.add(out)
    session.flush()
    queue.publish_on_commit(session, queue.SEND_REPLY, out.id)
    return out


def ask_for_information(
    session: Session,
    case: Case,
    reviewer: Reviewer,
    question: str,
    seen: int | None,
    settings: Settings,
) -> Outbound:
    """Mail the subscriber a question; the case waits and their answer reopens it."""
    question = question.strip()
    if not question:
        raise ReviewError("Write what the subscriber should tell us.")
    if case.status not in states.OPEN_FOR_REVIEW:
        raise ReviewError(f"The case is {case.status.replace('_', ' ')}, not open for review.")
    ensure_may_act(session, case, reviewer, settings)
    check_version(session, case, seen)
    subject = reply_subject(case.subject, case.id, settings.secret_key)
    out = _queue_reply(session, case, subject, question + "\n", text_to_html(question), settings)
    states.transition(session, case, states.WAITING, reviewer.email, "asked for information")
    case.claimed_by_id = case.claimed_at = None
    return out


def stop_waiting(session: Session, case: Case, reviewer: Reviewer) -> None:
    """Back to the queue without the subscriber's answer (it came by phone, say)."""
    if case.status != states.WAITING:
        raise ReviewError("The case is not waiting for the subscriber.")
    states.transition(session, case, states.AWAITING_REVIEW, reviewer.email, "stopped waiting")


def reject(
    session: Session, case: Case, reviewer: Reviewer, reason: str, settings: Settings
) -> None:
    """Close the case without a reply (not a coding question, a duplicate...)."""
    if not reason.strip():
        raise ReviewError("Say why the case is closed without a reply.")
    ensure_may_act(session, case, reviewer, settings)
    states.transition(session, case, states.CLOSED, reviewer.email, reason.strip())
    case.claimed_by_id = case.claimed_at = None


def redraft(session: Session, case: Case, reviewer: Reviewer, settings: Settings) -> None:
    """Send the case back to the drafter (after new reference data, say)."""
    ensure_may_act(session, case, reviewer, settings)
    states.transition(session, case, states.QUEUED, reviewer.email, "redraft requested")
    case.claimed_by_id = case.claimed_at = None
    queue.publish_on_commit(session, queue.DRAFT_CASE, case.id)


def reassign(
    session: Session, case: Case, reviewer: Reviewer, assignee_email: str, settings: Settings
) -> Reviewer:
    """Hand the case to another reviewer, who then holds the claim."""
    assignee = session.scalar(
        select(Reviewer).where(Reviewer.email == assignee_email.strip().lower(), Reviewer.active)
    )
    if assignee is None:
        raise ReviewError(f"No active reviewer {assignee_email!r}.")
    ensure_may_act(session, case, reviewer, settings)
    if case.status == states.AWAITING_REVIEW:
        states.transition(
            session, case, states.IN_REVIEW, reviewer.email, f"assigned to {assignee.email}"
        )
    elif case.status != states.IN_REVIEW:
        raise ReviewError(f"The case is {case.status.replace('_', ' ')}, not open for review.")
    else:
        states.audit(session, case.id, reviewer.email, "reassigned", assignee.email)
    case.claimed_by_id, case.claimed_at = assignee.id, utcnow()
    return assignee


def add_note(session: Session, case: Case, reviewer: Reviewer, text: str) -> CaseNote:
    """An internal note on the case; notes never reach a reply."""
    if not text.strip():
        raise ReviewError("The note is empty.")
    note = CaseNote(case_id=case.id, author=reviewer.email, text=text.strip())
    session.add(note)
    return note


def failed_reply(session: Session, case: Case) -> Outbound | None:
    """The case's newest reply whose delivery failed (or is uncertain), if the case is
    waiting on it."""
    return session.scalars(
        select(Outbound)
        .where(
            Outbound.case_id == case.id,
            Outbound.kind == "reply",
            Outbound.status.in_(outbound_states.UNDELIVERED),
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
