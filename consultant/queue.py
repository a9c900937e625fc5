"""Publishing tasks after commit: the database is the record, the broker carries ids.

``publish_on_commit`` remembers the task on the session; it is sent only once the
transaction commits, and dropped on rollback. A message lost in the broker is found
again by the sweeper from the rows' status.

A burst's ``process_inbound`` ids travel together: while other transactions of the same
process that will publish one are still open (the SMTP listener's stores, a few
milliseconds each), a committed id waits for them, and the last to finish publishes all
the waiting ids as one message (at most MAX_BATCH). The worker then pays Celery's cost
per message (the consumer's Redis round trips, the pool's pipe, the task's start and
end) once for several questions. A lone id, as at a low rate, goes at once.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "consultant.pending_tasks"

PROCESS_INBOUND = "workers.tasks.process_inbound"
DRAFT_CASE = "workers.tasks.draft_case"
SEND_REPLY = "workers.tasks.send_reply"


# At most this many process_inbound ids to a message (the task takes several ids).
MAX_BATCH = 8
# How long a committed id may wait for the other open transactions: they are counted as
# open for this long at most (one that is never committed nor rolled back is forgotten),
# and a timer publishes whatever still waits after it.
BATCH_WAIT = 0.05


def publish_on_commit(session: Session, task: str, *args: Any) -> None:
    """Send ``task(*args)`` after ``session`` commits."""
    if _batched(task, args):
        _batches.opened(session)
    session.info.setdefault(_PENDING, []).append((task, args))


def will_publish(session: Session, task: str) -> None:
    """Say that ``session`` is likely to publish ``task`` when it commits (called before
    its slow part: a store's INSERT, which on SQLite may wait for the write lock), so
    that ids of ``task`` committed meanwhile wait to travel with its own."""
    if task == PROCESS_INBOUND:
        _batches.opened(session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for task, args in pending:
        if not _batched(task, args):
            publish_now_commit_unsafe(task, *args)
    _batches.closed(session, [args[0] for task, args in pending if _batched(task, args)])


def _batched(task: str, args: tuple[Any, ...]) -> bool:
    """True for a task that travels with others of its kind: one process_inbound id."""
    return task == PROCESS_INBOUND and len(args) == 1


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    _batches.closed(session, [])


class _Batches:
    """The ``process_inbound`` ids committed while others are about to be: published
    together by whichever transaction finishes last (or by the timer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, float] = {}  # id(session) -> when it took its first id
        self._waiting: list[Any] = []
        self._timer: threading.Timer | None = None

    def opened(self, session: Session) -> None:
        with self._lock:
            self._open.setdefault(id(session), time.monotonic())

    def closed(self, session: Session, ids: list[Any]) -> None:
        """``session`` ended (with ``ids`` committed): publish what waits unless another
        transaction that will add to it is still open."""
        if not ids and not self._waiting and id(session) not in self._open:
            return  # most transactions: nothing to do, no lock taken
        with self._lock:
            self._open.pop(id(session), None)
            self._waiting.extend(ids)
            if not self._waiting:
                return
            cutoff = time.monotonic() - BATCH_WAIT
            for key in [k for k, began in self._open.items() if began < cutoff]:
                del self._open[key]
            if self._open and len(self._waiting) < MAX_BATCH:
                if self._timer is None:
                    self._timer = threading.Timer(BATCH_WAIT, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def flush(self) -> None:
        """Publish every waiting id now, MAX_BATCH to a message."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        for start in range(0, len(waiting), MAX_BATCH):
            publish_now_commit_unsafe(PROCESS_INBOUND, *waiting[start : start + MAX_BATCH])


_batches = _Batches()
atexit.register(_batches.flush)  # a listener stopping now still hands over what it took


def publish_now_commit_unsafe(task: str, *args: Any) -> None:
    """Publish immediately. Only for ids already committed (the sweeper, the CLI)."""
    # By name: publishing needs the Celery app, not the task code, so this module does
    # not import workers.tasks (which imports the whole application back).
    from workers.app import app

    try:
        if app.conf.task_always_eager:
            # Tests run tasks in-process; they import workers.tasks to register them.
            app.tasks[task].apply_async(args=list(args))
        else:
            app.send_task(task, args=list(args))
    except Exception:  # the sweeper re-publishes from the database
        if app.conf.task_always_eager and app.conf.task_eager_propagates:
            raise
        log.exception("could not publish %s%s; the sweeper will retry", task, args)
