"""Publishing: from a process that never imported the task module (the SMTP listener),
and a burst's process_inbound ids sent together."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Task
from celery.signals import task_prerun
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant import queue
from consultant.db import session_factory, transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case, InboundMail
from tests.mail import question
from workers.app import app


def test_publish_registers_tasks_in_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "CONSULTANT_HOME": str(tmp_path), "CONSULTANT_BROKER_URL": "filesystem://"}
    code = (
        "import logging; logging.basicConfig()\n"
        "from consultant import queue\n"
        "queue.publish_now_commit_unsafe(queue.PROCESS_INBOUND, 1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "could not publish" not in result.stderr, result.stderr
    queued = list((tmp_path / "broker" / "queue").iterdir())
    assert len(queued) == 1, "the task message is in the file-system broker"
    assert not (tmp_path / "control").exists(), "broker state stays under CONSULTANT_HOME"


def _stored(s: Session, i: int) -> int:
    raw = question(f"Can we bill 9652{i} and 99211 the same day?", message_id=f"<b{i}@clinic.x>")
    return store_inbound(s, raw, "smtp").inbound_id


# SQLite has one writer at a time: two stores are never open together in one test there.
postgres_only = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


@postgres_only
@pytest.mark.usefixtures("eager_tasks")
def test_ids_committed_together_travel_as_one_message(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message stored while another store is still open waits for it; the last to
    commit publishes both ids as one process_inbound, which makes each a case."""
    monkeypatch.setattr(queue, "BATCH_WAIT", 30.0)  # a loaded machine is slow between the two
    seen: list[tuple[int, ...]] = []

    def record(task: Task, args: tuple[int, ...], **_: object) -> None:
        if task.name == queue.PROCESS_INBOUND:
            seen.append(tuple(args))

    task_prerun.connect(record)
    try:
        with transaction() as first:
            one = _stored(first, 1)
            with transaction() as second:
                two = _stored(second, 2)
            assert seen == [], "the committed id waits for the store still open"
    finally:
        task_prerun.disconnect(record)
    assert seen == [(two, one)]
    statuses = session.scalars(select(InboundMail.status)).all()
    assert statuses == ["processed", "processed"]
    assert len(session.scalars(select(Case)).all()) == 2


@postgres_only
@pytest.mark.usefixtures("eager_tasks")
def test_an_id_never_waits_long_for_a_store_that_does_not_finish(session: Session) -> None:
    seen: list[tuple[int, ...]] = []

    def record(task: Task, args: tuple[int, ...], **_: object) -> None:
        if task.name == queue.PROCESS_INBOUND:
            seen.append(tuple(args))

    task_prerun.connect(record)
    stalled = session_factory()()
    try:
        _stored(stalled, 1)  # opened, never committed nor rolled back
        with transaction() as s:
            two = _stored(s, 2)
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen == [(two,)]
    finally:
        task_prerun.disconnect(record)
        stalled.close()


@pytest.mark.usefixtures("eager_tasks")
def test_a_batch_delivered_twice_makes_each_message_one_case(session: Session) -> None:
    """A worker killed mid-batch gets the message again: what it recorded is skipped."""
    from workers.tasks import process_inbound

    app.conf.task_always_eager = False  # stored only: the batch is delivered by hand
    try:
        with transaction() as s:
            ids = [_stored(s, i) for i in range(3)]
    finally:
        app.conf.task_always_eager = True
    process_inbound.apply(args=ids[:2])  # killed after two of three, say
    process_inbound.apply(args=ids)
    assert len(session.scalars(select(Case)).all()) == 3
    assert session.scalars(select(InboundMail.status)).all() == ["processed"] * 3


def _stored_only(count: int) -> list[int]:
    """``count`` questions stored but not processed: the batch is delivered by hand."""
    app.conf.task_always_eager = False
    try:
        with transaction() as s:
            return [_stored(s, i) for i in range(count)]
    finally:
        app.conf.task_always_eager = True


@postgres_only
@pytest.mark.usefixtures("eager_tasks")
def test_a_batch_is_processed_in_one_transaction(session: Session) -> None:
    """Several ids of one message: their rows read in one statement, their senders'
    subscribers in another, one commit for all."""
    from sqlalchemy import event

    from consultant.db import get_engine
    from workers.tasks import process_inbound

    ids = _stored_only(3)
    commits: list[int] = []
    statements: list[str] = []

    def commit(s: Session) -> None:
        commits.append(id(s))

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(Session, "after_commit", commit)
    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        process_inbound.apply(args=ids)
    finally:
        event.remove(Session, "after_commit", commit)
        event.remove(get_engine(), "before_cursor_execute", count)
    assert len(commits) == 1
    assert sum("FROM inbound_mail" in s for s in statements) == 1
    assert sum("FROM subscribers" in s for s in statements) == 1
    assert session.scalars(select(InboundMail.status)).all() == ["processed"] * 3
    assert len(session.scalars(select(Case)).all()) == 3


@pytest.mark.usefixtures("eager_tasks")
def test_a_message_failing_in_a_batch_does_not_hold_back_the_others(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's transaction is rolled back whole; each message then goes on its own:
    the others become cases, the failing one has its failed try counted and waits for the
    next (it is set aside after three)."""
    from sqlalchemy.exc import SQLAlchemyError

    from consultant.drafting import answer
    from consultant.mailin import process
    from workers.tasks import process_inbound

    ids = _stored_only(3)

    def failing(s: Session, text: str) -> answer.Answer:
        if "96521" in text:
            raise SQLAlchemyError("a statement that fails for this message")
        return answer.build_answer(s, text)

    monkeypatch.setattr(process, "build_answer", failing)
    process_inbound.apply(args=ids)
    rows = {r.id: r for r in session.scalars(select(InboundMail))}
    assert [rows[i].status for i in ids] == ["processed", "received", "processed"]
    assert rows[ids[1]].attempts == 1
    assert len(session.scalars(select(Case)).all()) == 2
