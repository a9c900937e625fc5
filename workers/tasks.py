"""Task wrappers: open a transaction, call into ``consultant``, commit. Safe to run twice."""

from __future__ import annotations

import logging
import traceback

from celery import Task
from celery.signals import worker_process_init, worker_ready

from consultant.codes.search import warm_index
from consultant.config import get_settings
from consultant.db import transaction
from consultant.drafting.service import draft_case as _draft_case
from consultant.mailin.process import process_inbound as _process_inbound
from consultant.mailin.process import quarantine
from consultant.mailout import send
from consultant.models import InboundMail, Outbound
from consultant.sweeper import sweep as _sweep
from workers.app import app

log = logging.getLogger(__name__)

MAX_INBOUND_ATTEMPTS = 3


@app.task(name="workers.tasks.process_inbound", bind=True, max_retries=MAX_INBOUND_ATTEMPTS)
def process_inbound(self: Task, inbound_id: int) -> str:
    settings = get_settings()
    try:
        with transaction() as session:
            outcome = _process_inbound(session, inbound_id, settings)
        return outcome.status
    except Exception as exc:
        # A message that keeps failing goes to quarantine; the mailbox keeps flowing.
        with transaction() as session:
            row = session.get(InboundMail, inbound_id)
            if row is not None and row.status == "received":
                row.attempts += 1
                if row.attempts >= MAX_INBOUND_ATTEMPTS:
                    quarantine(row, f"processing failed: {exc!r}\n{traceback.format_exc(limit=5)}")
                    return "quarantined"
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc


@app.task(name="workers.tasks.draft_case")
def draft_case(case_id: int) -> int | None:
    with transaction() as session:
        draft = _draft_case(session, case_id, get_settings())
        return draft.version if draft else None


@app.task(name="workers.tasks.send_reply", bind=True, max_retries=None)
def send_reply(self: Task, out_id: int) -> str:
    settings = get_settings()
    with transaction() as session:
        out = send.claim_outbound(session, out_id)
    if out is None:
        return "skipped"
    try:
        send.deliver(out, settings)
    except Exception as exc:
        with transaction() as session:
            row = session.get(Outbound, out_id)
            assert row is not None
            result = send.record_failure(session, row, repr(exc))
        if result.status == "retry":
            countdown = min(600, 5 * 2 ** min(self.request.retries, 7))
            raise self.retry(countdown=countdown) from exc
        return result.status
    with transaction() as session:
        row = session.get(Outbound, out_id)
        assert row is not None
        send.record_sent(session, row)
    return "sent"


@app.task(name="workers.tasks.sweep")
def sweep() -> dict[str, int]:
    with transaction() as session:
        swept = _sweep(session, get_settings().sweep_after_seconds)
    return swept.__dict__


@worker_ready.connect
@worker_process_init.connect
def warm_search_index(**_: object) -> None:
    """Build the code search index when the worker starts (a few seconds)."""
    warm_index()


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
