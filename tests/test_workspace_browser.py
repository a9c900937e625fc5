"""The reviewers' workspace in headless Chromium, against the real web app on loopback,
on SQLite and Postgres: a queue of 1,200 cases, filters, search, keyboard, two reviewers
claiming, a stale approve, Enter in a field, the edit preview and the reply's two parts,
asking for information, second review, an attachment, the dashboard.

Tasks run eagerly in the web app's threads, so an approved reply reaches the aiosmtpd
sink during the request. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import func, select

from consultant.cases import states
from consultant.db import transaction
from consultant.mailin.store import store_inbound
from consultant.models import Case, Outbound, utcnow
from consultant.review.web import create_app
from tests import workspace_data as data
from tests.conftest import use_settings
from tests.mail import question
from tests.servers import free_port
from tests.sink import Sink
from tests.test_end_to_end import CHROMIUM_ARGS
from tests.test_workspace import _mail_with_attachments

pytestmark = pytest.mark.integration

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


class WebApp:
    """The workspace served by uvicorn in a thread of the test process."""

    def __init__(self) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> WebApp:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def login(
    browser: Browser, web: WebApp, email: str, width: int = 1366
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{web.url}/")
    page.fill("#email", email)
    page.fill("#password", data.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{web.url}/")
    return context, page


def outbound_count() -> int:
    with transaction() as s:
        return int(s.scalar(select(func.count()).select_from(Outbound)) or 0)


def case_status(case_id: int) -> str:
    with transaction() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.status


@pytest.mark.usefixtures("eager_tasks")
def test_reviewers_work_the_queue_in_a_browser(
    db_url: str, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Sink() as sink:
        use_settings(monkeypatch, smtp_port=sink.port, second_review_below=0.5)
        with transaction() as s:
            data.reviewer(s, "a@desk.example")
            data.reviewer(s, "b@desk.example")
            data.many_cases(s, 1200)
            rush = data.subscriber(s, "@rush.example", sla_hours=1, name="Rush clinic")
            # Newer than most, but its one-hour SLA has passed: it sorts among the overdue.
            rushed = data.one_case(
                s,
                "Rush: pump refill with a visit",
                "96521 and 99213?",
                created=utcnow() - timedelta(hours=2),
                sub=rush,
            )
            contested = data.one_case(
                s, "Contested case", "Which modifier for 99213 with 96521?", confidence=0.9
            )
            edited = data.one_case(s, "Edit me", "Pump refill units?", confidence=0.9)
            unsure = data.one_case(s, "Unsure draft", "Rare procedure?", confidence=0.3)
            store_inbound(
                s, question("Which code for the pump?", message_id="<ask-b@clinic.example>"), "smtp"
            )
        with transaction() as s:
            store_inbound(s, _mail_with_attachments(), "smtp")
        with transaction() as s:
            asked_case = s.scalar(select(Case).where(Case.subject == "Coding question"))
            attached_case = s.scalar(select(Case).where(Case.subject == "Op note attached"))
            assert asked_case is not None and attached_case is not None
            asked_id, attached_id = asked_case.id, attached_case.id
            oldest = s.scalar(select(Case.id).order_by(Case.created_at, Case.id).limit(1))
            total = s.scalar(select(func.count()).select_from(Case))

        with WebApp() as web:
            a_ctx, a = login(browser, web, "a@desk.example")
            b_ctx, b = login(browser, web, "b@desk.example")

            # --- The queue: overdue first, every case reachable page by page.
            rows = a.locator("#queue-body tr[data-case]")
            assert rows.first.get_attribute("data-case") == str(oldest)
            assert "overdue" in (rows.first.get_attribute("class") or "")
            assert a.locator("#queue-total").inner_text().startswith(f"{total} cases")
            a.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=False)
            seen: list[str] = []
            while True:
                seen += [r.get_attribute("data-case") or "" for r in rows.all()]
                if a.locator("#next-page").count() == 0:
                    break
                a.click("#next-page")
            assert len(seen) == len(set(seen)) == total
            assert seen.index(str(rushed.id)) < seen.index(str(contested.id))

            # --- Filters and search.
            a.goto(f"{web.url}/")
            a.select_option("#f-kind", "units")
            a.click("form.filters button[type=submit]")
            kinds = a.locator("#queue-body tr[data-case] td:nth-child(5)").all_inner_texts()
            assert kinds and {k.strip() for k in kinds} == {"units"}
            a.goto(f"{web.url}/")
            a.fill("#q", "Bulk question 00007 ")
            a.press("#q", "Enter")
            assert a.locator("#queue-body tr[data-case]").count() == 1
            a.goto(f"{web.url}/?q=Rush")
            a.select_option("#f-subscriber", label="Rush clinic")
            a.click("form.filters button[type=submit]")
            assert a.locator("#queue-body tr[data-case]").all()[0].get_attribute(
                "data-case"
            ) == str(rushed.id)

            # --- Keyboard: j moves, o opens.
            a.goto(f"{web.url}/")
            a.keyboard.press("j")
            a.keyboard.press("j")
            second = a.locator("#queue-body tr.selected").get_attribute("data-case")
            assert second == seen[1]
            a.keyboard.press("o")
            a.wait_for_url(f"{web.url}/cases/{second}")

            # --- B opens a case while nobody holds it (draft v1)...
            b_stale = b_ctx.new_page()
            b_stale.goto(f"{web.url}/cases/{contested.id}")

            # --- Two reviewers claim the same case: one wins, the other sees it.
            a.goto(f"{web.url}/cases/{contested.id}")
            b.goto(f"{web.url}/cases/{contested.id}")
            a.click("#claim")
            b.click("#claim")
            assert "is working on this case" in b.inner_text("#form-error")
            assert "claimed by a@desk.example" in b.inner_text("#claim-state")
            assert b.locator("#approve").is_disabled()

            # --- ...A saves a rewrite (v2) and releases; B approves from the old page: refused.
            a.fill("#body", "A's reviewed rewrite.")
            a.click("#save")
            a.click("#release")
            b_stale.fill("#body", "B's older text.")
            b_stale.click("#approve")
            b_stale.click("#confirm-approve")
            assert "is newer than the v1" in b_stale.inner_text("#form-error")
            assert "A's reviewed rewrite." in b_stale.inner_text("#newer-version")
            assert b_stale.input_value("#body") == "B's older text."  # nothing typed is lost
            b_stale.screenshot(path=str(SCREENSHOTS / "case-stale.png"), full_page=False)
            assert outbound_count() == 0 and case_status(contested.id) == states.AWAITING_REVIEW

            # --- Enter in the subject saves, never sends.
            a.goto(f"{web.url}/cases/{edited.id}")
            a.fill("#subject", "Re: Edit me (checked)")
            a.press("#subject", "Enter")
            a.wait_for_load_state()
            assert outbound_count() == 0 and not sink.handler.messages
            assert a.input_value("#subject") == "Re: Edit me (checked)"

            # --- Edit with the live preview; approve through the confirmation.
            a.fill("#body", "Answer to: Pump refill units?\n\n- Bill **96521** once")
            a.locator("#preview strong").wait_for()
            assert a.inner_text("#preview strong") == "96521"
            a.screenshot(path=str(SCREENSHOTS / "case.png"), full_page=True)
            a.click("#approve")
            assert a.locator("#approve-dialog").is_visible()
            a.click("#cancel-approve")
            assert outbound_count() == 0
            a.click("#approve")
            a.click("#confirm-approve")
            a.wait_for_url(f"{web.url}/cases/{edited.id}")
            assert a.inner_text("#case-status") in ("approved", "answered")
            [reply] = sink.handler.wait_for(1)
            text, html = reply.get_body(("plain",)), reply.get_body(("html",))
            assert text is not None and "- Bill **96521** once" in text.get_content()
            assert html is not None and "<strong>96521</strong>" in html.get_content()

            # --- Ask for information; the subscriber's answer reopens the case.
            a.goto(f"{web.url}/cases/{asked_id}")
            a.click("#ask summary")
            a.fill("#question", "Is the pump implanted or portable?")
            a.click("#send-question")
            assert a.inner_text("#case-status") == "waiting info"
            ask = sink.handler.wait_for(2)[1]
            with transaction() as s:
                store_inbound(
                    s,
                    question(
                        "Portable.",
                        subject=f"Re: {ask['Subject']}",
                        in_reply_to=ask["Message-ID"],
                        references=f"<ask-b@clinic.example> {ask['Message-ID']}",
                    ),
                    "smtp",
                )
            a.reload()
            assert a.inner_text("#case-status") == "awaiting review"
            assert "Portable." in a.inner_text("section[aria-labelledby=thread-h]")

            # --- Second review: a low-confidence draft needs two reviewers.
            a.goto(f"{web.url}/cases/{unsure.id}")
            a.click("#approve")
            a.click("#confirm-approve")
            assert "second reviewer must approve" in a.inner_text("#second-review")
            assert case_status(unsure.id) == states.AWAITING_REVIEW and outbound_count() == 2
            b.goto(f"{web.url}/cases/{unsure.id}")
            b.click("#approve")
            b.click("#confirm-approve")
            assert b.inner_text("#case-status") in ("approved", "answered")
            assert len(sink.handler.wait_for(3)) == 3

            # --- An attachment downloads as an attachment.
            a.goto(f"{web.url}/cases/{attached_id}")
            with a.expect_download() as download:
                a.click("text=op note.pdf")
            saved = Path(download.value.path())
            assert download.value.suggested_filename == "op note.pdf"
            assert saved.read_bytes() == b"%PDF-1.4 op note"

            # --- The dashboard agrees with the database.
            a.goto(f"{web.url}/dashboard")
            with transaction() as s:
                answered = s.scalar(
                    select(func.count(func.distinct(Outbound.case_id))).where(
                        Outbound.kind == "reply",
                        Outbound.draft_id.is_not(None),
                        Outbound.sent_at.is_not(None),
                    )
                )
                recent = s.scalar(
                    select(func.count()).select_from(Case).where(Case.created_at >= _window_start())
                )
            assert a.inner_text("[data-figure=answered]") == str(answered) == "2"
            assert a.inner_text("[data-figure=questions]") == str(recent)
            assert a.inner_text("[data-figure=edited]") == "1"  # the edited reply
            assert a.inner_text("[data-figure=unchanged]") == "1"  # the second-reviewed draft
            a.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

            # --- "a" on the queue approves the selected case as drafted, after a confirmation.
            a.goto(f"{web.url}/?q=Bulk+question+00015")
            a.keyboard.press("j")
            a.once("dialog", lambda dialog: dialog.dismiss())
            a.keyboard.press("a")
            a.wait_for_timeout(300)
            assert outbound_count() == 3
            a.once("dialog", lambda dialog: dialog.accept())
            a.keyboard.press("a")
            a.wait_for_url(f"{web.url}/cases/*")
            assert a.inner_text("#case-status") in ("approved", "answered")
            assert outbound_count() == 4

            # --- Live updates: a case that arrives shows up without a reload.
            a.goto(f"{web.url}/")
            before = a.inner_text("[data-count=awaiting_review]")
            with transaction() as s:
                data.one_case(s, "Arrived while watching", "96521?")
            deadline = time.monotonic() + 20  # (the page's CSP forbids wait_for_function)
            while a.inner_text("[data-count=awaiting_review]") == before:
                assert time.monotonic() < deadline, "the queue did not refresh itself"
                a.wait_for_timeout(500)

            # --- Tablet width: the queue still reads.
            t_ctx, tablet = login(browser, web, "b@desk.example", width=800)
            tablet.screenshot(path=str(SCREENSHOTS / "queue-tablet.png"))
            assert tablet.locator("#queue-body tr[data-case]").first.is_visible()
            for context in (a_ctx, b_ctx, t_ctx):
                context.close()


def _window_start() -> datetime:
    return (utcnow() - timedelta(days=29)).replace(hour=0, minute=0, second=0, microsecond=0)
