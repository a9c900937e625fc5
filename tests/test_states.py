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


def test_a_walk_is_one_update_with_an_audit_row_per_step(session: Session) -> None:
    case = _case(session)
    steps = [(states.DRAFTING, "drafter", ""), (states.AWAITING_REVIEW, "drafter", "done")]
    states.advance(session, case, steps, needs_expert=True)
    session.commit()
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored is not None and (stored.status, stored.needs_expert) == ("awaiting_review", True)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.from_status, e.to_status, e.reason) for e in events] == [
        ("queued", "drafting", ""),
        ("drafting", "awaiting_review", "done"),
    ]


def test_a_walk_with_a_step_not_allowed_writes_nothing(session: Session) -> None:
    case = _case(session)
    # queued -> drafting is allowed, drafting -> answered is not: the whole walk is refused.
    with pytest.raises(states.TransitionError, match="drafting -> answered"):
        states.advance(
            session, case, [(states.DRAFTING, "drafter", ""), (states.ANSWERED, "drafter", "")]
        )
    session.commit()
    session.expire_all()
    assert session.get(Case, case.id).status == states.QUEUED  # type: ignore[union-attr]
    assert session.scalars(select(AuditEvent)).all() == []


def test_a_walk_that_lost_the_race_writes_nothing(session: Session, db_url: str) -> None:
    case = _case(session)
    with session_factory(engine_for(db_url))() as other:
        theirs = other.get(Case, case.id)
        assert theirs is not None
        states.transition(other, theirs, states.CLOSED, "reviewer")
        other.commit()
    with pytest.raises(states.TransitionError, match="no longer queued"):
        states.advance(session, case, [(states.DRAFTING, "drafter", "")])
    session.commit()
    assert [e.to_status for e in session.scalars(select(AuditEvent))] == ["closed"]


def test_a_new_case_opened_already_drafted_is_one_insert(session: Session) -> None:
    case = Case(subject="q", requester="a@b.example")
    steps = [(states.DRAFTING, "drafter", ""), (states.AWAITING_REVIEW, "drafter", "ok")]
    states.open_case(session, case, "mail", "question <q@x>", steps, confidence=0.5)
    session.commit()
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored is not None and (stored.status, stored.confidence) == ("awaiting_review", 0.5)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action, e.from_status, e.to_status) for e in events] == [
        ("mail", "opened", "", ""),
        ("drafter", "transition", "queued", "drafting"),
        ("drafter", "transition", "drafting", "awaiting_review"),
    ]
