"""Faults with real processes: the Procfile's Celery worker, beat and the SMTP listener on
Redis and a durable Postgres (fsync on), and a relay that fails on cue.

The worker is killed (-9) while drafting and while a reply is in the middle of DATA;
Postgres and Redis are stopped with work in flight; the relay answers 421, 451 and 550
and drops a connection mid-DATA. Afterwards every email is exactly one case message (or
quarantined), every approval is one delivered reply, counted by Message-ID at the relay,
or one visible failure, and nothing is left in flight. A reply may go out twice only when
it was taken back from a worker that died between the relay's 250 and the commit.
"""

from __future__ import annotations

import smtplib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from consultant.cases import states
from consultant.db import engine_for, transaction
from consultant.mailin import states as inbound_states
from consultant.mailout import states as outbound_states
from consultant.migrate import upgrade
from consultant.models import AuditEvent, Case, InboundMail, Message, Outbound, Reviewer
from consultant.review import actions
from consultant.review.passwords import hash_password
from tests.conftest import use_settings
from tests.mail import question
from tests.relay import FaultyRelay
from tests.servers import Postgres, free_port, start_postgres, start_redis
from tests.service import ServiceProcesses, eventually, service_env

pytestmark = pytest.mark.integration

WORKER = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "-Q", "consultant"]
WORKER += ["--loglevel=INFO", "--concurrency=2"]
BEAT = [sys.executable, "-m", "celery", "-A", "workers.app", "beat", "--loglevel=INFO"]


@pytest.fixture(scope="module")
def durable_postgres() -> Iterator[Postgres]:
    server = start_postgres(durable=True)
    yield server
    server.stop()


def _ask(port: int, raw: bytes, patience: float = 60.0) -> None:
    """Deliver like a sending MTA: a 4xx or no connection means try again shortly."""
    deadline = time.monotonic() + patience
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.sendmail("coder@clinic.example", ["consult@localhost"], raw)
            return
        except (smtplib.SMTPException, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _count(query) -> int:  # type: ignore[no-untyped-def]
    try:
        with transaction() as s:
            return int(s.scalar(query) or 0)
    except Exception:
        return -1  # the database is still coming back


def test_nothing_lost_nothing_sent_twice(
    durable_postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = start_redis()
    db_url = durable_postgres.create_database()
    upgrade(db_url)
    smtpd_port = free_port()
    # One behaviour per SMTP connection, in order; then "ok".
    script = ["421", "451", "550", "drop", "hang"]
    with FaultyRelay(script) as relay:
        env = service_env(
            tmp_path / "home",
            db_url,
            redis.url,
            smtpd_port,
            smtp_port=relay.port,
            smtp_timeout_seconds=1,
            smtp_retry_first_seconds=0.5,
            smtp_retry_max_seconds=2,
            sweep_every_seconds=1,
            sweep_after_seconds=4,
        )
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = use_settings(monkeypatch)
        procs = ServiceProcesses(env, tmp_path)
        sent_ids: list[str] = []

        def ask(n: int, tag: str) -> None:
            for i in range(n):
                message_id = f"<{tag}.{i}.{free_port()}@clinic.example>"
                _ask(
                    smtpd_port,
                    question(
                        f"Can 96521 and 99211 go together? ({tag} {i})", message_id=message_id
                    ),
                )
                sent_ids.append(message_id)

        try:
            procs.start("worker", argv=WORKER)
            procs.start("beat", argv=[*BEAT, f"--schedule={tmp_path / 'beat-schedule'}"])
            procs.start("smtpd", wait_for_port=smtpd_port)

            # 1. kill -9 the worker with drafting in flight.
            ask(12, "kill")
            procs.kill("worker")
            procs.start("worker", argv=WORKER)

            # 2. Postgres goes away with work in flight, and comes back.
            ask(8, "pg")
            durable_postgres.halt()
            time.sleep(3)
            durable_postgres.restart()
            engine_for(db_url).dispose()

            # 3. Redis goes away (and loses what it held), and comes back.
            redis.halt()
            ask(5, "redis")
            time.sleep(1)
            redis.restart()
            # Celery's worker exits when the broker vanishes under unacknowledged messages
            # (kombu cannot restore them without a connection); its supervisor restarts it.
            for name in ("worker", "beat"):
                procs.revive(name)

            total = len(sent_ids)
            eventually(
                lambda: (
                    _count(
                        select(func.count())
                        .select_from(Case)
                        .where(Case.status == states.AWAITING_REVIEW)
                    )
                    == total
                ),
                120,
                f"{total} drafted cases\n" + procs.log("worker")[-3000:],
            )
            with transaction() as s:
                rows = s.scalars(select(InboundMail)).all()
                assert sorted(r.message_id for r in rows) == sorted(sent_ids)
                assert {r.status for r in rows} == {inbound_states.PROCESSED}
                per_id = dict(
                    s.execute(
                        select(Message.message_id, func.count())
                        .where(Message.direction == "in")
                        .group_by(Message.message_id)
                    ).all()
                )
                assert per_id == dict.fromkeys(sent_ids, 1), "each email is one case message"

            # 4. Approve every case; the relay fails on cue, the worker dies mid-DATA.
            with transaction() as s:
                reviewer = Reviewer(email="r@example.org", password_hash=hash_password("pw"))
                s.add(reviewer)
                s.flush()
                for case in s.scalars(select(Case)):
                    actions.approve(
                        s,
                        case,
                        reviewer,
                        f"Re: {case.subject}",
                        "Answer.",
                        _version(s, case),
                        settings,
                        True,
                    )
            assert relay.hanging.wait(60), "a reply reached the hanging relay"
            procs.kill("worker")
            procs.start("worker", argv=WORKER)

            def settled() -> bool:
                return (
                    _count(
                        select(func.count())
                        .select_from(Outbound)
                        .where(
                            Outbound.status.in_([outbound_states.QUEUED, outbound_states.SENDING])
                        )
                    )
                    == 0
                )

            eventually(settled, 120, "every reply settled\n" + procs.log("worker")[-3000:])
            with transaction() as s:
                outs = s.scalars(select(Outbound)).all()
                assert len(outs) == total
                failed = [o for o in outs if o.status == outbound_states.FAILED]
                sent = [o for o in outs if o.status == outbound_states.SENT]
                # The 550 fails its reply, unless the kill took the worker that was reading
                # it: then the reply was taken back and went out on a later connection.
                assert len(failed) <= 1 and all("550" in o.last_error for o in failed)
                assert len(sent) + len(failed) == total
                for out in failed:
                    failed_case = s.get(Case, out.case_id)
                    assert failed_case is not None
                    assert failed_case.status == states.AWAITING_REVIEW, "the failure shows"
                assert set(relay.delivered) == {o.message_id for o in sent}
                twice = {m for m, n in relay.delivered.items() if n > 1}
                # Twice only for a reply taken back from a worker that died holding it,
                # between the relay's 250 and the commit (see consultant/mailout/send.py).
                reclaimed = set(
                    s.scalars(
                        select(Outbound.message_id)
                        .join(AuditEvent, AuditEvent.case_id == Outbound.case_id)
                        .where(AuditEvent.reason.like("%claim of % expired"))
                    )
                )
                assert twice <= reclaimed, twice
        finally:
            procs.stop()
            redis.stop()


def test_a_reply_the_relay_may_hold_is_never_a_plain_failure(
    durable_postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relay keeps a reply whose sender never learns it: the worker is killed while the
    relay holds the 250 back, or the connection breaks where the 250 should be. The reply
    goes out again (same Message-ID) and that attempt is refused (550): the reply may be
    with the asker, so it must end uncertain, shown on the case, never a plain failure;
    an attempt that is accepted instead makes the documented duplicate."""
    redis = start_redis()
    db_url = durable_postgres.create_database()
    upgrade(db_url)
    smtpd_port = free_port()
    with FaultyRelay() as relay:
        env = service_env(
            tmp_path / "home",
            db_url,
            redis.url,
            smtpd_port,
            smtp_port=relay.port,
            smtp_timeout_seconds=1,
            smtp_retry_first_seconds=0.5,
            smtp_retry_max_seconds=1,
            sweep_every_seconds=1,
            sweep_after_seconds=4,
        )
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = use_settings(monkeypatch)
        procs = ServiceProcesses(env, tmp_path)
        try:
            procs.start("worker", argv=WORKER)
            procs.start("beat", argv=[*BEAT, f"--schedule={tmp_path / 'beat-schedule'}"])
            procs.start("smtpd", wait_for_port=smtpd_port)
            for i in range(3):
                _ask(smtpd_port, question(f"Can 96521 and 99211 go together? ({i})"))
            eventually(
                lambda: (
                    _count(
                        select(func.count())
                        .select_from(Case)
                        .where(Case.status == states.AWAITING_REVIEW)
                    )
                    == 3
                ),
                120,
                "three drafted cases\n" + procs.log("worker")[-3000:],
            )
            with transaction() as s:
                s.add(Reviewer(email="r@example.org", password_hash=hash_password("pw")))
                case_ids = sorted(s.scalars(select(Case.id)))

            def approve(case_id: int, script: list[str]) -> str:
                relay.script.extend(script)  # the next connections, one reply in flight
                with transaction() as s:
                    case = s.get(Case, case_id)
                    reviewer = s.scalars(select(Reviewer)).one()
                    assert case is not None
                    out = actions.approve(
                        s, case, reviewer, "Re: q", "Answer.", _version(s, case), settings, True
                    )
                    assert out is not None
                    return out.message_id

            def settled(message_id: str) -> Outbound:
                def done() -> Outbound | None:
                    with transaction() as s:
                        out = s.scalars(
                            select(Outbound).where(Outbound.message_id == message_id)
                        ).one()
                        s.expunge(out)
                    pending = (outbound_states.QUEUED, outbound_states.SENDING)
                    return None if out.status in pending else out

                return eventually(done, 90, f"{message_id} settled\n{procs.log('worker')}")

            def uncertain(message_id: str) -> None:
                out = settled(message_id)
                assert relay.delivered[message_id] == 1
                assert out.status == outbound_states.UNCERTAIN, (out.status, out.last_error)
                assert "550 5.1.1" in out.last_error and "may already have" in out.last_error
                with transaction() as s:
                    case = s.get(Case, out.case_id)
                    assert case is not None and case.status == states.AWAITING_REVIEW
                    assert actions.failed_reply(s, case) is not None, "the reviewer sees it"

            # One reply at a time, so that each takes the relay's next behaviours.
            # 1. The worker dies after the relay took the message, before it heard the 250.
            killed = approve(case_ids[0], ["taken-hang", "550"])
            assert relay.holding.wait(60), "the relay holds the message"
            procs.kill("worker")
            procs.start("worker", argv=WORKER)
            uncertain(killed)
            # 2. The connection breaks where the 250 should be; the worker lives.
            uncertain(approve(case_ids[1], ["taken-drop", "550"]))
            # 3. The same, but the next attempt is accepted: a duplicate, same Message-ID.
            twice = approve(case_ids[2], ["taken-drop", "ok"])
            out = settled(twice)
            assert out.status == outbound_states.SENT and out.maybe_accepted_at is not None
            assert relay.delivered[twice] == 2
            with transaction() as s:
                reasons = list(
                    s.scalars(select(AuditEvent.reason).where(AuditEvent.case_id == case_ids[0]))
                )
            assert any("claim of" in r and "expired" in r for r in reasons), reasons
        finally:
            procs.stop()
            redis.stop()


def test_work_resumes_within_seconds_of_the_database_returning(
    durable_postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No sweeper here (beat is not running): tasks that met the outage must retry."""
    redis = start_redis()
    db_url = durable_postgres.create_database()
    upgrade(db_url)
    smtpd_port = free_port()
    env = service_env(tmp_path / "home", db_url, redis.url, smtpd_port)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    use_settings(monkeypatch)
    procs = ServiceProcesses(env, tmp_path)
    try:
        procs.start("smtpd", wait_for_port=smtpd_port)
        for i in range(10):
            _ask(smtpd_port, question(f"What is 96523? ({i})"))
        # Stored and queued; the worker starts while the database is away, so every one of
        # its tasks meets the outage.
        durable_postgres.halt()
        procs.start("worker", argv=WORKER)
        eventually(lambda: "OperationalError" in procs.log("worker"), 60, "a try that failed")
        durable_postgres.restart()
        back = time.monotonic()
        engine_for(db_url).dispose()
        eventually(
            lambda: (
                _count(
                    select(func.count())
                    .select_from(Case)
                    .where(Case.status == states.AWAITING_REVIEW)
                )
                == 10
            ),
            30,
            "ten drafted cases\n" + procs.log("worker")[-3000:],
        )
        assert time.monotonic() - back < 20
    finally:
        procs.stop()
        redis.stop()


def _version(session, case):  # type: ignore[no-untyped-def]
    """The draft version a reviewer approving now would have seen."""
    from consultant.drafting.service import latest_draft

    draft = latest_draft(session, case.id)
    return draft.version if draft else None
