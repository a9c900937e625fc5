"""The case state machine: allowed transitions, the audit log, and lost races."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.db import engine_for, session_factory
from consultant.models import AuditEvent, Case


def _case(session: Session, status: str = states.QUEUED) -> Case:
    case = Case(subject="q", requester="a@b.example", status=status)
    session.add(case)
    session.commit()
    return case


def test_transition_is_audited(session: Session) -> None:
    case = _case(session)
    states.transition(session, case, states.DRAFTING, "drafter", "claimed")
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).one()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        "drafter",
        "queued",
        "drafting",
        "claimed",
    )


def test_disallowed_transition_is_refused(session: Session) -> None:
    case = _case(session)
    with pytest.raises(states.TransitionError, match="not allowed"):
        states.transition(session, case, states.ANSWERED, "someone")


def test_every_status_has_a_way_out_and_targets_are_known() -> None:
    for source, targets in states.TRANSITIONS.items():
        assert source in states.STATUSES and targets
        assert targets <= set(states.STATUSES)


def test_two_claimants_one_winner(session: Session, db_url: str) -> None:
    case = _case(session, states.AWAITING_REVIEW)
    other = session_factory(engine_for(db_url))()
    stale = other.get(Case, case.id)
    assert stale is not None
    states.transition(session, case, states.IN_REVIEW, "first")
    session.commit()
    with pytest.raises(states.TransitionError, match="no longer"):
        states.transition(other, stale, states.IN_REVIEW, "second")
    other.rollback()
    other.close()
