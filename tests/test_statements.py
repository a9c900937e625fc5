"""How many SQL statements one question costs, from the stored email to its draft.

Counted with a cursor listener on the engine, on SQLite and on Postgres, with the
reference snapshot warm (as a worker has it after start)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.codes.snapshot import warm_snapshot
from consultant.db import get_engine, transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case
from tests.mail import question

# Store, process and draft one question: the INSERT of the stored message; then, in one
# transaction, reading it and its sender's subscriber, the reference snapshot's version
# check (drafting reads everything else from memory), the case's INSERT (already in
# review), its audit rows in one executemany, the message, the draft and the stored
# message's status. Nine today; ten is the budget.
STATEMENT_BUDGET = 10
QUESTIONS = [
    "Can we bill 96521 and 99211 the same day?",
    "Our nurse refilled a portable chemo pump and the doctor saw the patient for a rash.",
    "What modifier goes on 20610 when both knees are injected?",
]


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.usefixtures("eager_tasks")
@pytest.mark.parametrize("text", QUESTIONS)
def test_statements_per_question(session: Session, text: str) -> None:
    warm_snapshot()
    with transaction() as s:  # a first question warms the search index, as a worker does
        store_inbound(s, question("What is 96523?"), "smtp")
    with counting() as statements, transaction() as s:
        store_inbound(s, question(text), "smtp")
    case = session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert case is not None and case.status == states.AWAITING_REVIEW
    report = "\n".join(s.split("\n")[0][:120] for s in statements)
    print(f"{len(statements)} statements:\n{report}")
    assert len(statements) <= STATEMENT_BUDGET, f"{len(statements)} statements:\n{report}"


@pytest.mark.usefixtures("eager_tasks")
def test_statements_per_follow_up(session: Session) -> None:
    """A follow-up to an answered case: processed, then drafted again by the draft_case
    task (the case with its messages and newest version read in one query)."""
    warm_snapshot()
    with transaction() as s:
        store_inbound(s, question("What is 96523?", message_id="<first@clinic.example>"), "smtp")
    case = session.scalars(select(Case)).one()
    case.status = states.ANSWERED
    session.commit()
    follow = question(
        "And with 99211 the same day?",
        subject="Re: Coding question",
        in_reply_to="<first@clinic.example>",
        references="<first@clinic.example>",
    )
    with counting() as statements, transaction() as s:
        store_inbound(s, follow, "smtp")
    session.refresh(case)
    assert case.status == states.AWAITING_REVIEW
    assert [d.version for d in case.drafts] == [1, 2]
    report = "\n".join(s.split("\n")[0][:120] for s in statements)
    print(f"{len(statements)} statements:\n{report}")
    # Storing and processing a follow-up reads its thread (the case a message names, the
    # case, its messages) and reopens the case: 10; drafting it again is a task of its own
    # (the case read in one query, the version check, one UPDATE, audit rows, the draft): 5.
    # Rarer than new questions, and not held to ten.
    assert len(statements) <= 15, f"{len(statements)} statements:\n{report}"
