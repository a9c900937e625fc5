"""The state machine of a stored inbound message. Every status change goes through here.

received ──▶ processed | ignored | bounce | quarantined
   ▲                                           │
   └──────────── an admin retries ◀────────────┘

The change is a conditional UPDATE on ``received``: of two workers handed the same
message (a redelivery racing the original), exactly one records its outcome; the other's
transaction is rolled back, so a message becomes one case message, never two.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from consultant.models import InboundMail

RECEIVED = "received"
PROCESSED = "processed"
IGNORED = "ignored"
BOUNCE = "bounce"
QUARANTINED = "quarantined"

STATUSES = (RECEIVED, PROCESSED, IGNORED, BOUNCE, QUARANTINED)

TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({PROCESSED, IGNORED, BOUNCE, QUARANTINED}),
    QUARANTINED: frozenset({RECEIVED}),
    PROCESSED: frozenset(),
    IGNORED: frozenset(),
    BOUNCE: frozenset(),
}


_TABLE: Table = InboundMail.__table__  # type: ignore[assignment]


@cache
def _update(columns: tuple[str, ...]) -> Update:
    """The conditional UPDATE that sets the status and ``columns``, built once for each
    set of columns: the statement keeps its cache key (every question runs it)."""
    return (
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.status == bindparam("from_status"))
        .values({key: bindparam(f"new_{key}") for key in ("status", *columns)})
    )


class TransitionError(Exception):
    """A transition the state machine does not allow, or a lost race for it."""


def allowed(from_status: str, to_status: str) -> bool:
    """True when ``from_status -> to_status`` is one of the listed transitions."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(
    session: Session, row: InboundMail, to_status: str, expect: str | None = None, **values: Any
) -> None:
    """Move ``row`` to ``to_status`` with a conditional UPDATE (plain column ``values`` too).

    Raises TransitionError for a transition that is not listed or a lost race."""
    from_status = expect or row.status
    if not allowed(from_status, to_status):
        raise TransitionError(f"inbound {row.id}: {from_status} -> {to_status} is not allowed")
    # A Core UPDATE on the table, not an ORM one: no autoflush (the values carry the row's
    # pending changes, so one UPDATE writes all) and less CPU for the same statement.
    params = {f"new_{key}": value for key, value in values.items()}
    result = session.connection().execute(
        _update(tuple(values)),
        {"row_id": row.id, "from_status": from_status, "new_status": to_status, **params},
    )
    if result.rowcount != 1:
        raise TransitionError(f"inbound {row.id} is no longer {from_status}")
    # The row is already written: keep the object in step without a second UPDATE.
    for key, value in {"status": to_status, **values}.items():
        set_committed_value(row, key, value)
