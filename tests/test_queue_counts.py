"""The queue's counts by status may be a moment old (they read every case), but never
after the reviewer's own action: the queue they come back to shows its effect."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from tests import workspace_data as data
from tests.test_workspace import act, login


def _awaiting(page: str) -> int:
    found = re.search(r'data-count="awaiting_review">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_own_action_shows_in_the_counts_at_once(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    first = data.one_case(session, "First", "96521?")
    data.one_case(session, "Second", "99213?")
    session.commit()
    a, csrf = login("a@desk.example")
    assert _awaiting(a.get("/").text) == 2
    closed = act(a, csrf, first.id, "reject", reason="duplicate question")
    assert closed.status_code == 303
    assert _awaiting(a.get("/").text) == 1
    assert _awaiting(a.get("/queue/rows").text) == 1
