"""``make soak``: 10,000 emails through the real processes with faults injected at random,
then the counts reconciled: every email one case message or quarantined, every approval
one delivery (by Message-ID at the relay) or one visible failure, nothing in flight.
A reply the relay may hold without the service knowing (its worker died holding it, or
the answer to the message never came) may go out twice, and if a later attempt is
refused it ends ``uncertain``, not ``failed``: a ``failed`` reply the relay has, or a
delivery outside those, makes the run fail.

Faults, one every few seconds: the worker killed (-9) and restarted, Postgres stopped for
3 s, Redis stopped (losing what it held) for 2 s; the relay answers 421, 451 or 550 or
drops the connection mid-DATA on a random share of connections.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from consultant.cases import states
from consultant.config import reset_settings
from consultant.db import engine_for, transaction
from consultant.mailout import states as outbound_states
from consultant.migrate import upgrade
from consultant.models import AuditEvent, Case, InboundMail, Message, Outbound, Reviewer
from consultant.review import actions
from consultant.review.passwords import hash_password
from tests.bench_flow import questions
from tests.relay import FaultyRelay
from tests.servers import free_port, start_postgres, start_redis
from tests.service import ServiceProcesses, service_env
from tests.test_faults import BEAT, WORKER, _ask, _count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak")
    parser.add_argument("--emails", type=int, default=int(os.environ.get("SOAK_EMAILS", "10000")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", "12")))
    args = parser.parse_args(argv)
    n = args.emails
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    pg, redis = start_postgres(durable=True), start_redis()
    script = rng.choices(["ok", "421", "451", "550", "drop"], [82, 5, 5, 3, 5], k=n)
    relay = FaultyRelay(script).__enter__()
    db_url = pg.create_database()
    upgrade(db_url)
    smtpd_port = free_port()
    env = service_env(
        work / "home",
        db_url,
        redis.url,
        smtpd_port,
        smtp_port=relay.port,
        smtp_timeout_seconds=2,
        smtp_retry_first_seconds=0.5,
        smtp_retry_max_seconds=4,
        sweep_every_seconds=2,
        sweep_after_seconds=10,
    )
    os.environ.update(env)
    reset_settings()
    procs = ServiceProcesses(env, work)
    faults: list[str] = []
    done = threading.Event()

    def inject() -> None:
        while not done.wait(rng.uniform(4, 10)):
            fault = rng.choice(["kill worker", "stop postgres", "stop redis"])
            faults.append(fault)
            if fault == "kill worker":
                procs.kill("worker")
                procs.start("worker", argv=WORKER)
            elif fault == "stop postgres":
                pg.halt()
                time.sleep(3)
                _again(pg.restart)
            else:
                redis.halt()
                time.sleep(2)
                _again(lambda: _restart_redis(redis))
            for name in ("worker", "beat", "smtpd"):
                procs.revive(name)

    started = time.monotonic()
    try:
        procs.start("worker", argv=WORKER)
        procs.start("beat", argv=[*BEAT, f"--schedule={work / 'beat-schedule'}"])
        procs.start("smtpd", wait_for_port=smtpd_port)
        injector = threading.Thread(target=inject, daemon=True)
        injector.start()
        raws = questions(n, "soak")
        sent_ids = [
            r.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip().decode() for r in raws
        ]
        chunks = [raws[i::4] for i in range(4)]
        senders = [
            threading.Thread(target=lambda c=c: [_ask(smtpd_port, r, 600) for r in c])
            for c in chunks
        ]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        _settle(
            lambda: (
                _count(
                    select(func.count())
                    .select_from(Case)
                    .where(Case.status == states.AWAITING_REVIEW)
                )
                + _count(
                    select(func.count())
                    .select_from(InboundMail)
                    .where(InboundMail.status == "quarantined")
                )
                >= n
            ),
            "drafts",
            timeout=max(900, n / 5),  # 5 a second at the least, faults and all
        )
        _approve_all()
        timed_out = _settle(
            lambda: (
                _count(
                    select(func.count())
                    .select_from(Outbound)
                    .where(Outbound.status.in_([outbound_states.QUEUED, outbound_states.SENDING]))
                )
                == 0
            ),
            "deliveries",
            timeout=max(900, n / 5),
            fatal=False,
        )
        done.set()
        injector.join()
        for name in ("worker", "beat", "smtpd"):
            procs.revive(name)
        report = _reconcile(sent_ids, relay, faults, time.monotonic() - started)
        if timed_out:  # reconciled all the same, so that the run says what was left
            report["timed_out"] = timed_out
            report["ok"] = False
    finally:
        procs.stop()
        relay.__exit__()
        engine_for(db_url).dispose()
        redis.stop()
        pg.stop()
    print(json.dumps(report, indent=2))
    Path("bench").mkdir(exist_ok=True)
    Path("bench/soak.json").write_text(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


def _approve_all(batch: int = 25) -> None:
    """A reviewer approves every case, a small batch per transaction: an outage cuts one
    batch short, not the whole run (thousands of approvals in one transaction, or even 200
    at about 20 ms each, outlast the few seconds between faults and would never commit).
    Each new reason a batch failed is printed, so that a failure that is not an outage
    shows instead of looping in silence."""
    seen: set[str] = set()
    while True:
        try:
            with transaction() as s:
                reviewer = s.scalars(select(Reviewer)).first()
                if reviewer is None:
                    reviewer = Reviewer(email="r@example.org", password_hash=hash_password("pw"))
                    s.add(reviewer)
                    s.flush()
                waiting = select(Case).where(Case.status == states.AWAITING_REVIEW).limit(batch)
                cases = list(s.scalars(waiting))
                for case in cases:
                    actions.approve(
                        s,
                        case,
                        reviewer,
                        f"Re: {case.subject}",
                        "Answer.",
                        _version(s, case),
                        _settings(),
                        True,
                    )
            if not cases:
                return
        except Exception as exc:
            reason = type(exc).__name__
            if reason not in seen:
                seen.add(reason)
                print(
                    f"an approval batch failed ({reason}: {str(exc)[:120]}); retrying", flush=True
                )
            time.sleep(1)  # Postgres or Redis is away for a moment


def _version(session, case):  # type: ignore[no-untyped-def]
    """The draft version a reviewer approving now would have seen."""
    from consultant.drafting.service import latest_draft

    draft = latest_draft(session, case.id)
    return draft.version if draft else None


def _settings():  # type: ignore[no-untyped-def]
    from consultant.config import get_settings

    return get_settings()


def _again(start, attempts: int = 3) -> None:  # type: ignore[no-untyped-def]
    """A server restarted after a fault: tried again (and its reason printed) if it fails,
    so that one slow start does not leave the rest of the run without a database."""
    for attempt in range(1, attempts + 1):
        try:
            start()
            return
        except Exception as exc:  # printed, then tried again
            print(f"restart failed (attempt {attempt}): {exc}", flush=True)
            time.sleep(5)
    raise RuntimeError("server did not come back")


def _restart_redis(redis) -> None:  # type: ignore[no-untyped-def]
    # Its working directory under /tmp can be cleaned away during a long run; without it
    # redis-server refuses to start and the rest of the run has no broker.
    redis.workdir.mkdir(parents=True, exist_ok=True)
    redis.restart()


def _settle(check, what: str, timeout: float = 900, fatal: bool = True) -> str:  # type: ignore[no-untyped-def]
    """Wait for ``check``; past ``timeout`` raise, or (not ``fatal``) return ``what``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            if fatal:
                raise TimeoutError(what)
            return what
        time.sleep(1)
    return ""


def _reconcile(sent_ids: list[str], relay: FaultyRelay, faults: list[str], took: float) -> dict:  # type: ignore[type-arg]
    with transaction() as s:
        inbound = dict(s.execute(select(InboundMail.message_id, InboundMail.status)).all())
        messages = dict(
            s.execute(
                select(Message.message_id, func.count())
                .where(Message.direction == "in")
                .group_by(Message.message_id)
            ).all()
        )
        outs = s.scalars(select(Outbound)).all()
        # Replies taken back from a worker that died holding them (one way the relay may
        # hold a reply the service does not know it sent; the other is a lost answer).
        reclaimed = set(
            s.scalars(
                select(Outbound.message_id)
                .join(AuditEvent, AuditEvent.case_id == Outbound.case_id)
                .where(
                    AuditEvent.action == "outbound_queued",
                    AuditEvent.from_status == outbound_states.SENDING,
                    AuditEvent.reason.like(Outbound.message_id + "%expired%"),
                )
            )
        )
        stuck_cases = s.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.status.in_([states.QUEUED, states.DRAFTING]))
        )
        by_id = {o.message_id: o for o in outs}
        audit = {
            o.message_id: [
                f"{e.from_status}->{e.to_status}: {e.reason[:160]}"
                for e in s.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.case_id == o.case_id)
                    .order_by(AuditEvent.id)
                )
            ]
            for o in outs
            if o.status != outbound_states.SENT or relay.delivered.get(o.message_id, 0) != 1
        }
    quarantined = [m for m in sent_ids if inbound.get(m) == "quarantined"]
    one_case = [m for m in sent_ids if messages.get(m) == 1]
    sent = {o.message_id for o in outs if o.status == outbound_states.SENT}
    failed = {o.message_id for o in outs if o.status == outbound_states.FAILED}
    uncertain = {o.message_id for o in outs if o.status == outbound_states.UNCERTAIN}
    # The window: replies whose earlier attempt may have been accepted, by the row's mark.
    window = {o.message_id for o in outs if o.maybe_accepted_at is not None}
    twice = {m for m, c in relay.delivered.items() if c > 1}
    unknown = set(relay.delivered) - sent - uncertain
    failed_delivered = failed & set(relay.delivered)
    twice_outside = twice - window
    report: dict[str, Any] = {
        "emails": len(sent_ids),
        "one_case_message": len(one_case),
        "quarantined": len(quarantined),
        "approvals": len(outs),
        "delivered_once": len([m for m in sent if relay.delivered.get(m) == 1]),
        "failed_visibly": len(failed),
        "uncertain_visibly": len(uncertain),
        "uncertain_and_delivered": len(uncertain & set(relay.delivered)),
        "delivered_twice": len(twice),
        "delivered_twice_in_the_window": len(twice & window),
        "delivered_twice_after_a_dead_claimant": len(twice & reclaimed),
        "delivered_twice_outside_the_window": len(twice_outside),
        "failed_but_delivered": len(failed_delivered),
        "delivered_unknown": len(unknown),
        "sent_not_delivered": len([m for m in sent if not relay.delivered.get(m)]),
        "stuck_cases": stuck_cases,
        "faults": {f: faults.count(f) for f in set(faults)},
        "seconds": round(took),
    }
    report["ok"] = (
        len(one_case) + len(quarantined) == len(sent_ids)
        and len(sent) + len(failed) + len(uncertain) == len(outs)
        and not report["sent_not_delivered"]
        and not twice_outside
        and not failed_delivered
        and not unknown
        and not stuck_cases
    )
    # What each delivery outside the rules went through, so that a failed run can be
    # read after its database is gone.
    report["anomalies"] = [
        _evidence(m, by_id.get(m), relay.delivered.get(m, 0), audit.get(m, []))
        for m in sorted(unknown | failed_delivered | twice_outside)[:20]
    ]
    return report


def _evidence(
    message_id: str, out: Outbound | None, copies: int, audit: list[str]
) -> dict[str, Any]:
    if out is None:
        return {"message_id": message_id, "copies_at_relay": copies, "row": None}
    return {
        "message_id": message_id,
        "copies_at_relay": copies,
        "status": out.status,
        "attempts": out.attempts,
        "maybe_accepted_at": str(out.maybe_accepted_at),
        "last_error": out.last_error[:300],
        "case_audit": audit[-12:],
    }


if __name__ == "__main__":
    sys.exit(main())
