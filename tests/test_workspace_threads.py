"""A request stuck on the database must not stall the other reviewers' requests: page
handlers run their blocking work in the thread pool, not on the event loop."""

from __future__ import annotations

import threading
import time

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from consultant.db import engine_for
from tests import workspace_data as data
from tests.test_workspace_browser import WebApp


def test_a_blocked_request_does_not_stall_the_others(session: Session, db_url: str) -> None:
    data.reviewer(session, "a@desk.example")
    case = data.one_case(session, "Pump refill", "96521?")
    session.commit()
    with WebApp() as web, httpx.Client(base_url=web.url, timeout=60) as client:
        csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        login = client.post(
            "/login",
            data={"email": "a@desk.example", "password": data.PASSWORD, "next": "/", "csrf": csrf},
        )
        assert login.status_code == 303, login.text
        # Another connection holds a lock the audited "original" view must wait for.
        blocker = engine_for(db_url).connect()
        if db_url.startswith("sqlite"):
            blocker.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            blocker.execute(text("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE"))
        results: dict[str, int] = {}
        stuck = threading.Thread(
            target=lambda: results.update(
                original=client.get(f"/cases/{case.id}?original=1").status_code
            )
        )
        stuck.start()
        try:
            time.sleep(0.5)
            assert stuck.is_alive(), "the original view should be waiting for the lock"
            started = time.monotonic()
            with httpx.Client(base_url=web.url, timeout=10) as other:
                assert other.get("/login").status_code == 200
                assert other.get("/static/workspace.js").status_code == 200
            assert time.monotonic() - started < 2
        finally:
            blocker.rollback()
            blocker.close()
        stuck.join(30)
        assert results == {"original": 200}
