"""The state machine of an outbound message. Every status change goes through here.

queued ──claim (lease)──▶ sending ──250──▶ sent ──DSN──▶ bounced
  ▲                          │
  ├── 4xx, connection error ─┤ (back off, until the deadline)
  ├── lease passed, worker gone ┘
  │                          │ 5xx, or the deadline passed
  ├──── reviewer retries ◀── failed        (no attempt can have been accepted)
  └──── reviewer retries ◀── uncertain     (an earlier attempt may have been)

A ``sending`` row belongs to the worker named in ``claimed_by`` until ``lease_until``;
the lease is longer than any SMTP conversation can last (see mailout/send.py), so the
row is only handed to another worker once its first claimant can no longer be talking
to the relay.

A row whose attempt ended without the relay's answer to the message itself (its worker
died holding the claim, or the connection broke after the final dot) carries
``maybe_accepted_at``: the relay may have taken that copy. Such a row is never a plain
``failed``: when a later attempt is refused (5xx) or the deadline passes it becomes
``uncertain``, which returns the case to review like a failure but says that the asker
may already have the reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from consultant.models import AuditEvent, Outbound, utcnow

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCERTAIN = "uncertain"
BOUNCED = "bounced"

STATUSES = (QUEUED, SENDING, SENT, FAILED, UNCERTAIN, BOUNCED)
# Given up on, the case back in review for a reviewer to act on (a retry, a new reply).
UNDELIVERED = (FAILED, UNCERTAIN)

TRANSITIONS: dict[str, frozenset[str]] = {
    QUEUED: frozenset({SENDING}),
    # queued again: a temporary failure, or a lease that ran out with its worker gone.
    SENDING: frozenset({SENT, QUEUED, FAILED, UNCERTAIN}),
    # A delayed DSN can still report a failure after the relay accepted the message.
    SENT: frozenset({BOUNCED}),
    # A reviewer's retry, after fixing the address or waiting out a relay problem.
    FAILED: frozenset({QUEUED}),
    # The same, or a DSN for the copy an earlier attempt may have left with the relay.
    UNCERTAIN: frozenset({QUEUED, BOUNCED}),
    BOUNCED: frozenset(),
}

# Transitions worth a line in the case's audit log (the rest happen on every send).
_AUDITED = frozenset(
    {
        (SENDING, FAILED),
        (SENDING, UNCERTAIN),
        (SENDING, QUEUED),
        (FAILED, QUEUED),
        (UNCERTAIN, QUEUED),
    }
)


class TransitionError(Exception):
    """A transition the state machine does not allow, or a lost race for it."""


def allowed(from_status: str, to_status: str) -> bool:
    """True when ``from_status -> to_status`` is one of the listed transitions."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(
    session: Session,
    out: Outbound,
    to_status: str,
    actor: str,
    reason: str = "",
    expect: str | None = None,
    **values: Any,
) -> bool:
    """Move ``out`` to ``to_status`` with a conditional UPDATE (plain column ``values`` too).

    Guarded by the status we read (or ``expect``): of two workers racing for the same row
    exactly one gets True. Raises TransitionError for a transition that is not listed.
    """
    from_status = expect or out.status
    if not allowed(from_status, to_status):
        raise TransitionError(f"outbound {out.id}: {from_status} -> {to_status} is not allowed")
    now: datetime = values.setdefault("status_changed_at", utcnow())
    result = session.execute(
        update(Outbound)
        .where(Outbound.id == out.id, Outbound.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # The row is already written: keep the object in step without a second UPDATE.
    for key, value in {"status": to_status, **values}.items():
        set_committed_value(out, key, value)
    if (from_status, to_status) in _AUDITED and out.case_id is not None:
        session.add(
            AuditEvent(
                case_id=out.case_id,
                actor=actor,
                action=f"outbound_{to_status}",
                from_status=from_status,
                to_status=to_status,
                reason=f"{out.message_id}: {reason}"[:2000],
                created_at=now,
            )
        )
    return True
