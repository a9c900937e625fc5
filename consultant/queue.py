"""Publishing tasks after commit: the database is the record, the broker carries ids.

``publish_on_commit`` remembers the task on the session; it is sent only once the
transaction commits, and dropped on rollback. A message lost in the broker is found
again by the sweeper from the rows' status.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "consultant.pending_tasks"

PROCESS_INBOUND = "workers.tasks.process_inbound"
DRAFT_CASE = "workers.tasks.draft_case"
SEND_REPLY = "workers.tasks.send_reply"


def publish_on_commit(session: Session, task: str, *args: Any) -> None:
    """Send ``task(*args)`` after ``session`` commits."""
    session.info.setdefault(_PENDING, []).append((task, args))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for task, args in pending:
        publish_now_commit_unsafe(task, *args)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


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
