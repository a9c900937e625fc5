"""The one state machine for a case. Every transition is listed here and audited.

queued ──▶ drafting ──▶ awaiting_review ──▶ in_review ──▶ approved ──▶ answered
   ▲           │              │  ▲              │             │           │
   └───────────┘ (stuck)      │  └── release ───┘             │           │
   ▲                          ├──────────── reject ──▶ closed ◀┘ (failed)  │
   └────────── redraft / follow-up reopen ◀────────────────────────────────┘

awaiting_review / in_review ──ask for information──▶ waiting_info ──answer──▶ queued
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from consultant.db import insert_row
from consultant.models import AuditEvent, Case, utcnow
from consultant.models.cases import set_due_time

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
    advance(session, case, [(to_status, actor, reason)], expect=expect)


# One step of a walk through the machine: (to_status, actor, reason).
Step = tuple[str, str, str]


def _walk(case_id: int | None, from_status: str, steps: Sequence[Step]) -> str:
    """The status at the end of ``steps``; TransitionError if any step is not allowed."""
    status = from_status
    for to_status, _actor, _reason in steps:
        if not allowed(status, to_status):
            raise TransitionError(f"case {case_id}: {status} -> {to_status} is not allowed")
        status = to_status
    return status


def _audit_steps(
    session: Session, case_id: int, from_status: str, steps: Sequence[Step], *first: dict[str, str]
) -> None:
    """Write the audit rows of a walk (after any ``first`` rows) in one statement: nothing
    reads them back, so they need no objects and no ids, and the INSERT is an executemany."""
    rows = [{"action": "", "from_status": "", "to_status": "", "reason": "", **r} for r in first]
    status = from_status
    for to_status, actor, reason in steps:
        rows.append(
            {
                "actor": actor,
                "action": "transition",
                "from_status": status,
                "to_status": to_status,
                "reason": reason,
            }
        )
        status = to_status
    now = utcnow()
    # A Core INSERT on the table, not the ORM's bulk INSERT: the same statement for less CPU.
    session.connection().execute(
        _AUDIT_INSERT, [{"case_id": case_id, "created_at": now, **r} for r in rows]
    )


_AUDIT_INSERT = insert(AuditEvent.__table__)  # type: ignore[arg-type]


def advance(
    session: Session,
    case: Case,
    steps: Sequence[Step],
    expect: str | None = None,
    **values: Any,
) -> None:
    """Walk ``case`` through ``steps``, each allowed from the one before, in one write.

    One conditional UPDATE guarded by the status we read (or ``expect``) writes the last
    status and any other column ``values``; each step gets its audit row. The steps in
    between are audited but never committed, as when they ran one by one in a transaction.
    Raises TransitionError for a step not allowed, or when another transaction moved the
    case first (nothing is written then).
    """
    from_status = expect or case.status
    to_status = _walk(case.id, from_status, steps)
    now = utcnow()
    changes = {"status": to_status, "status_changed_at": now, "updated_at": now, **values}
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == from_status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise TransitionError(f"case {case.id} is no longer {from_status}")
    # The row is already written: keep the object in step without a second UPDATE.
    for key, value in changes.items():
        set_committed_value(case, key, value)
    _audit_steps(session, case.id, from_status, steps)


def open_case(
    session: Session, case: Case, actor: str, reason: str, then: Sequence[Step] = (), **values: Any
) -> None:
    """Insert the new ``case`` as queued (audited as opened by ``actor``) and walk it on
    through ``then`` at once: its INSERT carries the last status and ``values``, and one
    more statement writes all the audit rows.

    The case is written at once (``db.insert_row``: it gets its id, but stays out of the
    session): link rows to it by ``case.id``, and read it back with ``session.get`` to
    change it in this transaction."""
    to_status = _walk(None, QUEUED, then)
    now = utcnow()
    for key, value in {"status": to_status, "status_changed_at": now, **values}.items():
        setattr(case, key, value)
    set_due_time(session.connection(), case)
    insert_row(session, case)
    opened = {"actor": actor, "action": "opened", "reason": reason}
    _audit_steps(session, case.id, QUEUED, then, opened)


def audit(session: Session, case_id: int | None, actor: str, action: str, reason: str = "") -> None:
    """Record an event that is not a status change (a view of PHI, an edit, a claim)."""
    session.add(AuditEvent(case_id=case_id, actor=actor, action=action, reason=reason))
