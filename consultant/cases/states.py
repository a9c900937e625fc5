"""The one state machine for a case. Every transition is listed here and audited.

queued ──▶ drafting ──▶ awaiting_review ──▶ in_review ──▶ approved ──▶ answered
   ▲           │              │  ▲              │             │           │
   └───────────┘ (stuck)      │  └── release ───┘             │           │
   ▲                          ├──────────── reject ──▶ closed ◀┘ (failed)  │
   └────────── redraft / follow-up reopen ◀────────────────────────────────┘

awaiting_review / in_review ──ask for information──▶ waiting_info ──answer──▶ queued
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from consultant.models import AuditEvent, Case, utcnow

QUEUED = "queued"
DRAFTING = "drafting"
AWAITING_REVIEW = "awaiting_review"
IN_REVIEW = "in_review"
APPROVED = "approved"
ANSWERED = "answered"
CLOSED = "closed"
# The reviewer asked the subscriber for more information; their answer reopens the case.
WAITING = "waiting_info"

STATUSES = (QUEUED, DRAFTING, AWAITING_REVIEW, IN_REVIEW, WAITING, APPROVED, ANSWERED, CLOSED)

TRANSITIONS: dict[str, frozenset[str]] = {
    QUEUED: frozenset({DRAFTING, CLOSED}),
    # Back to queued when the sweeper finds a drafting case stuck, or a follow-up
    # arrived while drafting.
    DRAFTING: frozenset({AWAITING_REVIEW, QUEUED}),
    AWAITING_REVIEW: frozenset({IN_REVIEW, APPROVED, QUEUED, CLOSED, WAITING}),
    IN_REVIEW: frozenset({AWAITING_REVIEW, APPROVED, QUEUED, CLOSED, WAITING}),
    # The subscriber's answer drafts again; a reviewer may stop waiting or close.
    WAITING: frozenset({QUEUED, AWAITING_REVIEW, CLOSED}),
    # A reply that could not be delivered by its deadline puts the case back for review.
    APPROVED: frozenset({ANSWERED, AWAITING_REVIEW}),
    ANSWERED: frozenset({QUEUED, CLOSED}),
    CLOSED: frozenset({QUEUED}),
}

# Where a follow-up from the subscriber sends the case: a new draft is needed.
REOPENABLE = frozenset({AWAITING_REVIEW, IN_REVIEW, WAITING, ANSWERED, CLOSED})
OPEN_FOR_REVIEW = frozenset({AWAITING_REVIEW, IN_REVIEW})


class TransitionError(Exception):
    """A transition the state machine does not allow, or a lost race for it."""


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(
    session: Session,
    case: Case,
    to_status: str,
    actor: str,
    reason: str = "",
    expect: str | None = None,
) -> None:
    """Move ``case`` to ``to_status`` with a conditional UPDATE and audit it.

    The UPDATE is guarded by the status we read (or ``expect``), so of two workers or
    reviewers racing for the same case exactly one wins; the loser gets TransitionError.
    """
    from_status = expect or case.status
    if not allowed(from_status, to_status):
        raise TransitionError(f"case {case.id}: {from_status} -> {to_status} is not allowed")
    now = utcnow()
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == from_status)
        .values(status=to_status, status_changed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise TransitionError(f"case {case.id} is no longer {from_status}")
    # The row is already written: keep the object in step without a second UPDATE.
    for key, value in (("status", to_status), ("status_changed_at", now), ("updated_at", now)):
        set_committed_value(case, key, value)
    session.add(
        AuditEvent(
            case_id=case.id,
            actor=actor,
            action="transition",
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
    )


def audit(session: Session, case_id: int | None, actor: str, action: str, reason: str = "") -> None:
    """Record an event that is not a status change (a view of PHI, an edit, a claim)."""
    session.add(AuditEvent(case_id=case_id, actor=actor, action=action, reason=reason))
