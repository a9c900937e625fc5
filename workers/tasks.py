"""Task wrappers: open a transaction, call into ``consultant``, commit. Safe to run twice.

A database that cannot be reached is a reason to try again soon, never to drop the task:
each task retries with a short backoff on connection errors, and the path that handles
them touches only the broker.
"""

from __future__ import annotations

import gc
import logging
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from celery import Task
from celery.signals import worker_init, worker_process_init

from consultant.codes.search import warm_index
from consultant.codes.snapshot import warm_snapshot
from consultant.config import Settings, get_settings
from consultant.db import database_unreachable, get_engine, transaction
from consultant.drafting.service import draft_case as _draft_case
from consultant.mailin import states as inbound_states
from consultant.mailin.process import load_inbound, quarantine
from consultant.mailin.process import process_inbound as _process_inbound
from consultant.mailout import send
from consultant.models import InboundMail, Outbound
from consultant.rules.icd10_terms import term_index
from consultant.sweeper import sweep as _sweep
from workers.app import app

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_INBOUND_ATTEMPTS = 3
# Waits between tries while the database is away: short, so that work resumes within
# seconds of its return; capped, so that a long outage costs a message every few seconds.
DB_RETRY_FIRST, DB_RETRY_MAX = 0.5, 3.0
# How long a worker that has just tried a reply keeps trying to record the outcome. It
# holds the claim meanwhile, as a live process the sweeper leaves alone: giving up early on
# a sent reply would let it go out twice, on a failed one would leave it waiting.
RECORD_PATIENCE = 3600.0


def db_backoff(retries: int) -> float:
    """Seconds before the next try while the database is unreachable."""
    return float(min(DB_RETRY_MAX, DB_RETRY_FIRST * 2**retries))


def _retry_for_database(task: Task, exc: BaseException, args: list[int] | None = None) -> Exception:
    log.warning("%s: database unreachable (%s); retrying", task.name, type(exc).__name__)
    return task.retry(
        args=args, exc=exc, countdown=db_backoff(task.request.retries), max_retries=None
    )


@app.task(name="workers.tasks.process_inbound", bind=True, max_retries=None)
def process_inbound(self: Task, inbound_id: int, *more: int) -> str:
    """Process a stored message, or the several of a burst that were published together
    (see ``consultant.queue``): all in one transaction when none fails, else each in its
    own, so that one message's failure is its own. A batch redelivered after a crash
    skips the messages already recorded. Returns the last one's outcome."""
    ids = [inbound_id, *more]
    settings = get_settings()
    if len(ids) > 1:
        together = _process_together(ids, settings)
        if together is not None:
            return together
    status = ""
    for position, one in enumerate(ids):
        try:
            with transaction() as session:
                status = _process_inbound(session, one, settings).status
            continue
        except inbound_states.TransitionError:
            status = "skipped"  # another worker recorded this message first
            continue
        except Exception as exc:
            failure = exc
        # This message failed; the ones after it wait for its outcome to be recorded.
        rest = ids[position:]
        if database_unreachable(failure):
            raise _retry_for_database(self, failure, rest) from failure
        try:
            if _count_failure(one, failure):
                status = "quarantined"
                continue
        except Exception as inner:
            if database_unreachable(inner):
                raise _retry_for_database(self, inner, rest) from inner
            if rest[1:]:  # the others of the batch are not this one's trouble: they go on
                self.retry(args=rest[1:], countdown=0, throw=False)
            raise
        countdown = 2**self.request.retries
        if len(ids) == 1:
            raise self.retry(exc=failure, countdown=countdown) from failure
        # One of several: it tries again on its own, and the others go on now.
        self.retry(args=[one], exc=failure, countdown=countdown, throw=False)
        status = "retry"
    return status


def _process_together(ids: list[int], settings: Settings) -> str | None:
    """Process a batch in one transaction: its stored messages read in one statement, one
    commit for all, where a transaction each cost a connection check, the reference
    snapshot's version check and a commit per question. All or nothing: on any failure
    nothing is written and None sends each message through a transaction of its own,
    which records the failure where it belongs. Not on SQLite, whose one writer would
    wait for every draft of the batch instead of one."""
    if get_engine().dialect.name == "sqlite":
        return None
    status = ""
    try:
        with transaction() as session:
            loaded = load_inbound(session, ids)
            for one in ids:
                outcome = _process_inbound(session, one, settings) if one in loaded else None
                status = outcome.status if outcome else "skipped"
    except Exception as exc:  # each on its own now, where its failure is its own
        log.info("batch of %d processed one by one: %s", len(ids), type(exc).__name__)
        return None
    return status


def _count_failure(inbound_id: int, exc: Exception) -> bool:
    """One more failed attempt; True when it sent the message to quarantine."""
    # A message that keeps failing goes to quarantine; the mailbox keeps flowing.
    with transaction() as session:
        row = session.get(InboundMail, inbound_id)
        if row is None or row.status != inbound_states.RECEIVED:
            return False
        row.attempts += 1
        if row.attempts < MAX_INBOUND_ATTEMPTS:
            return False
        quarantine(session, row, f"processing failed: {exc!r}\n{traceback.format_exc(limit=5)}")
        return True


@app.task(name="workers.tasks.draft_case", bind=True, max_retries=None)
def draft_case(self: Task, case_id: int) -> int | None:
    try:
        with transaction() as session:
            draft = _draft_case(session, case_id, get_settings())
            return draft.version if draft else None
    except Exception as exc:
        if database_unreachable(exc):
            raise _retry_for_database(self, exc) from exc
        raise


@app.task(name="workers.tasks.send_reply", bind=True, max_retries=None)
def send_reply(self: Task, out_id: int) -> str:
    settings = get_settings()
    try:
        with transaction() as session:
            out = send.claim_outbound(session, out_id, settings)
    except Exception as exc:
        if database_unreachable(exc):
            raise _retry_for_database(self, exc) from exc
        raise
    if out is None:
        return "skipped"
    try:
        send.deliver(out, settings)
    except (send.TemporaryFailure, send.PermanentFailure) as exc:
        failure = exc

        def record_failure() -> send.SendResult:
            with transaction() as session:
                row = session.get(Outbound, out_id)
                assert row is not None
                return send.record_failure(session, row, failure, settings)

        result = _until_recorded(record_failure, RECORD_PATIENCE)
        if result.status == "retry":
            raise self.retry(countdown=result.retry_in) from exc
        return result.status

    def record_sent() -> None:
        with transaction() as session:
            row = session.get(Outbound, out_id)
            assert row is not None
            send.record_sent(session, row)

    _until_recorded(record_sent, RECORD_PATIENCE)
    return "sent"


def _until_recorded(record: Callable[[], T], patience: float) -> T:
    """Run ``record`` until the database takes it: the worker holds the claim meanwhile,
    so nobody else sends the reply while its outcome waits to be written."""
    deadline = time.monotonic() + patience
    tries = 0
    while True:
        try:
            return record()
        except Exception as exc:
            if not database_unreachable(exc) or time.monotonic() > deadline:
                raise
            time.sleep(db_backoff(tries))
            tries += 1


@app.task(name="workers.tasks.sweep")
def sweep() -> dict[str, int]:
    with transaction() as session:
        swept = _sweep(session, get_settings().sweep_after_seconds)
    return swept.__dict__


@worker_init.connect
def build_before_fork(**_: object) -> None:
    """Build the search index and the reference snapshot in the parent process, before the
    pool forks: the children share those pages copy-on-write instead of building their own.
    The parent's connections are closed so that no child inherits a socket."""
    warm_index()
    warm_snapshot()
    term_index()  # the ICD-10-CM tabular's words, a few seconds to build: once, shared
    get_engine().dispose()
    # What the parent built is now moved out of the collector's reach: a collection in a
    # child would otherwise write to every one of those objects' headers and copy the
    # pages they share with the parent, one by one, into each child.
    gc.collect()
    gc.freeze()


@worker_process_init.connect
def fresh_connections(**_: object) -> None:
    """A forked child must not use the parent's pooled connections."""
    get_engine().dispose(close=False)


@app.task(name="workers.tasks.update_reference_data")
def update_reference_data() -> int:
    """The periodic ``data update`` (beat, when CONSULTANT_DATA_UPDATE_HOURS is set): each
    release loads in its own transaction; failures are logged for the admin."""
    from consultant.codes.update.catalogue import CatalogueError
    from consultant.codes.update.discover import UpdateError
    from consultant.codes.update.run import update

    try:
        outcomes = update(get_settings())
    except (UpdateError, CatalogueError) as exc:  # another update running, a bad catalogue
        log.error("data update: %s", exc)
        return 0
    for outcome in outcomes:
        level = logging.ERROR if outcome.failed else logging.INFO
        log.log(
            level,
            "data update %s %s: %s %s",
            outcome.product,
            outcome.release,
            outcome.result,
            outcome.detail,
        )
    return sum(o.result == "loaded" for o in outcomes)
