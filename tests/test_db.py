"""The engine's pooled connections: checked before use only after sitting idle."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from consultant import db
from consultant.db import engine_for, make_engine


def _backend_pid(url: str) -> int:
    with engine_for(url).connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    other = make_engine(url)
    try:
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_connection_dropped_while_idle_is_replaced_before_use(db_url: str) -> None:
    """The server dropped the pooled connection (a restart, an idle timeout): after the
    idle time the pool checks it, finds it dead and hands out a new one."""
    pid = _backend_pid(db_url)
    _terminate(db_url, pid)
    time.sleep(db.PING_AFTER + 0.1)
    assert _backend_pid(db_url) != pid  # the first statement works, on a new connection


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_connection_in_steady_use_is_not_pinged(db_url: str) -> None:
    """Back to back transactions cost no round trip but their own statements."""
    engine = engine_for(db_url)
    pings: list[object] = []
    _backend_pid(db_url)
    ping = engine.dialect.do_ping

    def counted(conn: object) -> bool:
        pings.append(conn)
        return ping(conn)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        for _ in range(5):
            _backend_pid(db_url)
        time.sleep(db.PING_AFTER + 0.1)
        _backend_pid(db_url)
    finally:
        del engine.dialect.do_ping
    assert len(pings) == 1, "only the transaction after the idle time pings"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_transactions_share_one_session_class(db_url: str) -> None:
    """A sessionmaker makes a Session class of its own: one per engine, not one per
    transaction (each new class set its events up again at its first session)."""
    with db.transaction() as first, db.transaction() as second:
        assert type(first) is type(second)
