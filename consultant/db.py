"""Engine and session factory. Callers own transactions: helpers take a session and never commit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, Insert, Table, create_engine, event, insert, inspect
from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from consultant.config import get_settings


def make_engine(url: str) -> Engine:
    """Create an engine with the settings each backend needs for several processes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets the web, worker and poller read while one of them writes.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    engine = create_engine(url, pool_size=5, max_overflow=5)
    _ping_when_idle(engine)
    return engine


# A pooled connection is checked with a round trip before use only when it sat idle this
# long (seconds). One that was in use a moment ago is very likely alive, and checking it
# every time cost each transaction a round trip and a statement (the listener's every
# message, the worker's every batch). One that died in between fails its transaction with
# a connection error, which callers retry (tasks, the poller) or report as temporary
# (the listener's 451), and SQLAlchemy replaces the pool's connections.
PING_AFTER = 1.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # As pool_pre_ping does: a dead connection most likely means the server
            # restarted, so the pool drops every connection it holds and makes a new one.
            raise InvalidatePoolError(str(exc)) from exc


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().db_url)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return _sessionmaker_for(engine or get_engine())


@lru_cache(maxsize=8)
def _sessionmaker_for(engine: Engine) -> sessionmaker[Session]:
    # One per engine: a sessionmaker makes a Session subclass of its own, whose events
    # are set up again by its first session, so one made per transaction cost every
    # stored message (and every batch of the worker) a class and its event dispatch.
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error. The caller's boundary."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def database_unreachable(exc: BaseException) -> bool:
    """True for errors that say the database is away, not that the work is wrong."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


# One INSERT statement per table, built once: a statement object keeps its cache key, so
# executing it again skips building the key and finds the compiled form in the cache.
_INSERTS: dict[Table, Insert] = {}


def insert_row(session: Session, row: object) -> None:
    """Write ``row``, a new mapped object, at once with one Core INSERT in ``session``'s
    transaction, and set its primary key on it.

    For the hot path (a question's case, message and draft): the ORM's unit of work (flush,
    identity map, cascades) costs more CPU than the INSERT itself. The row stays out of the
    session and no mapper event runs for it, so a caller must not attach it to an object
    of the session afterwards (set foreign keys by id) nor rely on ``before_insert`` or
    ``after_insert`` hooks. The caller commits.
    """
    mapper = inspect(row).mapper
    table = mapper.local_table
    assert isinstance(table, Table)
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table).returning(*table.primary_key.columns)
    state = row.__dict__
    values = {
        prop.columns[0].key: state[prop.key] for prop in mapper.column_attrs if prop.key in state
    }
    key = session.connection().execute(statement, values).one()
    for column, value in zip(table.primary_key.columns, key, strict=True):
        set_committed_value(row, mapper.get_property_by_column(column).key, value)
