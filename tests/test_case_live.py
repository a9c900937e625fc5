"""An open case page learns of other reviewers' changes without a reload: the polled state
answers 304 while nothing changed, and names who changed what when something did; in the
browser the notice appears and the reviewer's unsaved text stays."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser
from sqlalchemy.orm import Session

from consultant.db import transaction
from consultant.models import Message
from tests import workspace_data as data
from tests.test_workspace import act, login
from tests.test_workspace_browser import SCREENSHOTS, WebApp, browser
from tests.test_workspace_browser import login as browser_login

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared


def _stamp(page: str) -> str:
    found = re.search(r'data-stamp="([0-9a-f]+)"', page)
    assert found, "the case page carries no state stamp"
    return found.group(1)


def test_idle_poll_is_304_and_a_change_names_who(session: Session) -> None:
    data.reviewer(session, "a@desk.example")
    data.reviewer(session, "b@desk.example")
    case = data.one_case(session, "Pump refill", "96521 with 99213?")
    session.commit()
    a, _ = login("a@desk.example")
    b, b_csrf = login("b@desk.example")
    stamp = _stamp(a.get(f"/cases/{case.id}").text)
    idle = a.get(f"/cases/{case.id}/state", headers={"If-None-Match": f'"{stamp}"'})
    assert idle.status_code == 304 and idle.content == b""
    assert idle.headers["etag"] == f'"{stamp}"'

    assert act(b, b_csrf, case.id, "claim", version=1).status_code == 303
    claimed = a.get(f"/cases/{case.id}/state", headers={"If-None-Match": f'"{stamp}"'})
    assert claimed.status_code == 200
    state = claimed.json()
    assert state["stamp"] != stamp and state["claimed_by"] == "b@desk.example"
    assert state["changed_by"] == "b@desk.example" and state["status"] == "in_review"

    edited = act(b, b_csrf, case.id, "save", version=1, subject="Re: Pump", body="New text\n")
    assert edited.status_code == 303
    state = a.get(f"/cases/{case.id}/state").json()
    assert state["version"] == 2 and state["changed_by"] == "b@desk.example"

    # A follow-up from the subscriber counts too, named by its sender.
    with transaction() as s:
        s.add(
            Message(
                case_id=case.id,
                direction="in",
                message_id="<follow-up@clinic.example>",
                from_address="coder@clinic.example",
                clean_text="And with a second visit?",
            )
        )
    state = a.get(f"/cases/{case.id}/state").json()
    assert state["changed_by"] == "coder@clinic.example"
    assert a.get("/cases/999999/state").status_code == 404


@pytest.mark.integration
def test_case_page_shows_another_reviewers_change_and_keeps_the_edit(
    db_url: str, browser: Browser
) -> None:
    with transaction() as s:
        data.reviewer(s, "a@desk.example")
        data.reviewer(s, "b@desk.example")
        case_id = data.one_case(s, "Live case", "96521 with 99213?").id
    with WebApp() as web:
        a_context, a = browser_login(browser, web, "a@desk.example")
        b_context, b = browser_login(browser, web, "b@desk.example")
        try:
            a.goto(f"{web.url}/cases/{case_id}")
            assert a.is_hidden("#case-changed")
            a.fill("#body", "My unsaved rewrite")
            b.goto(f"{web.url}/cases/{case_id}")
            b.click("#claim")
            b.wait_for_selector("#release")
            # Within a poll or two, A sees who took the case; A's text is untouched.
            a.wait_for_selector("#case-changed", state="visible", timeout=15_000)
            assert "b@desk.example" in a.inner_text("#case-changed-text")
            assert "claimed by b@desk.example" in a.inner_text("#claim-state")
            assert a.input_value("#body") == "My unsaved rewrite"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            a.screenshot(path=str(SCREENSHOTS / "case-changed-by-another.png"), full_page=True)
            # B saves a new version: the notice follows it.
            b.fill("#body", "B's better text")
            b.click("#save")
            deadline = time.monotonic() + 15
            while "v2" not in a.inner_text("#case-changed-text"):
                assert time.monotonic() < deadline, a.inner_text("#case-changed-text")
                a.wait_for_timeout(250)
            assert a.input_value("#body") == "My unsaved rewrite"
            # Reloading shows B's version.
            a.click("#case-reload")
            assert a.input_value("#body").startswith("B's better text")
            assert a.is_hidden("#case-changed")
        finally:
            a_context.close()
            b_context.close()
