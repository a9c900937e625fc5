"""A lost broker message is recovered from the database by the sweeper."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.db import transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case, InboundMail
from consultant.sweeper import sweep
from tests.mail import question


def test_sweeper_finishes_work_whose_message_was_lost(session: Session, db_url: str) -> None:
    # Stored and committed, but the broker message never arrived (memory broker, no worker).
    with transaction() as s:
        store_inbound(s, question("Can 96521 and 99211 be billed together?"), "smtp")
    assert session.scalars(select(InboundMail)).one().status == "received"
    assert session.scalars(select(Case)).first() is None

    import workers.tasks  # noqa: F401  (registers the tasks the app runs in-process)
    from workers.app import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        with transaction() as s:
            swept = sweep(s, older_than_seconds=0)
        assert swept.inbound == 1
    finally:
        app.conf.task_always_eager = False
    session.expire_all()
    case = session.scalars(select(Case)).one()
    assert case.status == states.AWAITING_REVIEW and case.drafts


def test_sweeper_leaves_fresh_work_alone(session: Session, db_url: str) -> None:
    with transaction() as s:
        store_inbound(s, question("What is 96523?"), "smtp")
    with transaction() as s:
        assert sweep(s, older_than_seconds=3600).inbound == 0, "too young to be stuck"
    with transaction() as s:
        assert sweep(s, older_than_seconds=0).inbound == 1


def test_follow_up_that_arrived_while_sending_gets_a_new_draft(
    session: Session, db_url: str
) -> None:
    from consultant.models import Draft, Message

    case = Case(subject="q", requester="coder@clinic.example", status=states.ANSWERED)
    session.add(case)
    session.flush()
    first = Message(
        case_id=case.id, direction="in", message_id="<a@x>", clean_text="What is 96523?"
    )
    session.add(first)
    session.flush()
    session.add(
        Draft(
            case_id=case.id,
            version=1,
            author="drafter",
            subject="Re: q",
            body_text="x",
            based_on_message_id=first.id,
        )
    )
    session.add(
        Message(case_id=case.id, direction="in", message_id="<b@x>", clean_text="And 96522?")
    )
    session.commit()
    with transaction() as s:
        assert sweep(s, older_than_seconds=0).cases == 1
    session.expire_all()
    assert session.get(Case, case.id).status == states.QUEUED  # type: ignore[union-attr]


def test_a_backlog_is_published_again_once_per_cutoff_not_at_every_sweep(
    session: Session, db_url: str
) -> None:
    from datetime import timedelta

    from consultant.models import utcnow

    with transaction() as s:
        store_inbound(s, question("What is 96523?"), "smtp")
        s.flush()
        s.scalars(select(InboundMail)).one().received_at = utcnow() - timedelta(minutes=5)
    with transaction() as s:
        assert sweep(s, older_than_seconds=60).inbound == 1
    with transaction() as s:
        assert sweep(s, older_than_seconds=60).inbound == 0, "still waiting in the queue"
    with transaction() as s:
        s.scalars(select(InboundMail)).one().swept_at = utcnow() - timedelta(minutes=2)
    with transaction() as s:
        assert sweep(s, older_than_seconds=60).inbound == 1, "lost again: published again"
