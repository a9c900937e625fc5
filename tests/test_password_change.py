"""A reviewer changes their own password in the workspace: the current one checked (and
throttled like a sign-in), the new one twice and by the policy, every other session ended."""

from __future__ import annotations

from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from consultant.models import AuditEvent
from consultant.review.web import create_app
from tests import workspace_data as data
from tests.workspace import login as sign_in
from tests.workspace import session_csrf

NEW = "violet-harbour-lantern-42"


def _signed_in(email: str, password: str = data.PASSWORD) -> tuple[TestClient, str]:
    client = TestClient(create_app())
    assert sign_in(client, email, password) == 303
    return client, session_csrf(client, "/account/password")


def _change(client: TestClient, csrf: str, current: str, new: str, repeat: str) -> Response:
    return client.post(
        "/account/password",
        data={"csrf": csrf, "current": current, "new": new, "repeat": repeat},
        follow_redirects=False,
    )


def test_a_reviewer_changes_their_password_and_other_sessions_end(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    session.commit()
    here, csrf = _signed_in("a@desk.example")
    elsewhere, _ = _signed_in("a@desk.example")

    wrong = _change(here, csrf, "not-my-password", NEW, NEW)
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    differ = _change(here, csrf, data.PASSWORD, NEW, NEW + "x")
    assert differ.status_code == 422 and "differ" in differ.text
    short = _change(here, csrf, data.PASSWORD, "short-1", "short-1")
    assert short.status_code == 422 and "at least 12 characters" in short.text
    guessable = _change(here, csrf, data.PASSWORD, "password1234", "password1234")
    assert guessable.status_code == 422
    no_csrf = here.post(
        "/account/password", data={"current": data.PASSWORD, "new": NEW, "repeat": NEW}
    )
    assert no_csrf.status_code == 403
    # Nothing above changed anything: the other session still works.
    assert elsewhere.get("/", follow_redirects=False).status_code == 200

    changed = _change(here, csrf, data.PASSWORD, NEW, NEW)
    assert changed.status_code == 303
    assert "1 other session ended" in here.get(changed.headers["location"]).text
    assert here.get("/", follow_redirects=False).status_code == 200
    assert elsewhere.get("/", follow_redirects=False).status_code == 303  # to the login page
    assert sign_in(TestClient(create_app()), "a@desk.example", data.PASSWORD) == 401
    assert sign_in(TestClient(create_app()), "a@desk.example", NEW) == 303
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "password_changed" in actions and "password_change_refused" in actions


def test_guessing_the_current_password_is_throttled(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    session.commit()
    here, csrf = _signed_in("a@desk.example")
    codes = [_change(here, csrf, f"guess-{i}", NEW, NEW).status_code for i in range(7)]
    assert codes[:5] == [422] * 5 and 429 in codes[5:]
