"""One poller per mailbox across hosts: the lease."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from consultant.mailin import lease
from consultant.models import PollerLease, utcnow


def test_one_holder_and_takeover_after_expiry(session: Session, db_url: str) -> None:
    assert lease.take(None, "consult", "host-a")
    assert not lease.take(None, "consult", "host-b"), "a second poller waits as standby"
    assert lease.take(None, "consult", "host-a"), "the holder renews"
    session.execute(update(PollerLease).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert lease.take(None, "consult", "host-b"), "an expired lease is taken over"
    assert not lease.take(None, "consult", "host-a")
    lease.release(None, "consult", "host-b")
    assert lease.take(None, "consult", "host-a"), "a released lease is free"
