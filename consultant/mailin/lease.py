"""One poller per mailbox across every host: a lease row taken and renewed with a
conditional UPDATE. A second poller waits as a standby and takes over when the lease of
the first expires (crash, network partition)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError

from consultant.db import transaction
from consultant.models import PollerLease, utcnow

LEASE_SECONDS = 90


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take(engine: Engine | None, mailbox: str, holder: str, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the lease; True if ``holder`` now holds it."""
    now = utcnow()
    with transaction(engine) as session:
        result = session.execute(
            update(PollerLease)
            .where(
                PollerLease.mailbox == mailbox,
                or_(PollerLease.holder == holder, PollerLease.expires_at < now),
            )
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return True
        if session.get(PollerLease, mailbox) is not None:
            return False
        try:
            with session.begin_nested():
                session.add(
                    PollerLease(
                        mailbox=mailbox, holder=holder, expires_at=now + timedelta(seconds=seconds)
                    )
                )
        except IntegrityError:
            return False  # another poller created it first
        return True


def release(engine: Engine | None, mailbox: str, holder: str) -> None:
    with transaction(engine) as session:
        session.execute(
            update(PollerLease)
            .where(PollerLease.mailbox == mailbox, PollerLease.holder == holder)
            .values(expires_at=utcnow())
            .execution_options(synchronize_session=False)
        )
