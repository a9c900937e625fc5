"""The inbound and outbound state machines: every listed transition is walked on a real
row, every unlisted one is refused, and two workers racing for one row get one winner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from consultant.db import engine_for, session_factory
from consultant.mailin import states as inbound
from consultant.mailout import states as outbound
from consultant.models import InboundMail, Outbound, utcnow


def _inbound(session: Session, status: str) -> InboundMail:
    row = InboundMail(
        message_id=f"<{utcnow().timestamp()}-{status}@x>",
        source="smtp",
        raw=b"x",
        size=1,
        status=status,
    )
    session.add(row)
    session.commit()
    return row


def _outbound(session: Session, status: str) -> Outbound:
    row = Outbound(
        message_id=f"<{utcnow().timestamp()}-{status}@x>",
        to_address="a@b.example",
        subject="s",
        body_text="b",
        deliver_until=utcnow() + timedelta(hours=1),
        status=status,
    )
    session.add(row)
    session.commit()
    return row


@pytest.mark.parametrize("machine", [inbound, outbound], ids=["inbound", "outbound"])
def test_statuses_and_targets_are_known(machine) -> None:  # type: ignore[no-untyped-def]
    assert set(machine.TRANSITIONS) == set(machine.STATUSES)
    for targets in machine.TRANSITIONS.values():
        assert targets <= set(machine.STATUSES)


def test_walk_inbound(session: Session) -> None:
    for source in inbound.STATUSES:
        for target in inbound.STATUSES:
            row = _inbound(session, source)
            if inbound.allowed(source, target):
                inbound.transition(session, row, target, reason="walk")
                session.commit()
                session.expire(row)
                assert (row.status, row.reason) == (target, "walk")
            else:
                with pytest.raises(inbound.TransitionError, match="not allowed"):
                    inbound.transition(session, row, target)


def test_walk_outbound(session: Session) -> None:
    for source in outbound.STATUSES:
        for target in outbound.STATUSES:
            row = _outbound(session, source)
            if outbound.allowed(source, target):
                assert outbound.transition(session, row, target, "walker", last_error="walk")
                session.commit()
                session.expire(row)
                assert (row.status, row.last_error) == (target, "walk")
            else:
                with pytest.raises(outbound.TransitionError, match="not allowed"):
                    outbound.transition(session, row, target, "walker")


def test_a_redelivered_message_is_recorded_once(session: Session, db_url: str) -> None:
    row = _inbound(session, inbound.RECEIVED)
    other = session_factory(engine_for(db_url))()
    stale = other.get(InboundMail, row.id)
    assert stale is not None
    other.rollback()  # let the first writer in (SQLite holds one writer at a time)
    inbound.transition(session, row, inbound.PROCESSED)
    session.commit()
    with pytest.raises(inbound.TransitionError, match="no longer"):
        inbound.transition(other, stale, inbound.PROCESSED, expect=inbound.RECEIVED)
    other.rollback()
    other.close()


def test_one_claim_wins(session: Session, db_url: str) -> None:
    row = _outbound(session, outbound.QUEUED)
    other = session_factory(engine_for(db_url))()
    stale = other.get(Outbound, row.id)
    assert stale is not None
    other.rollback()
    assert outbound.transition(session, row, outbound.SENDING, "first")
    session.commit()
    assert not outbound.transition(other, stale, outbound.SENDING, "second", expect="queued")
    other.rollback()
    other.close()
