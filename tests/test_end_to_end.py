"""One emailed question along the whole path on real components: Dovecot or the SMTP
listener, a Celery worker on Redis, SQLite or Postgres, the workspace in headless
Chromium, and an aiosmtpd relay that receives the reply."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select

from consultant.cases import states
from consultant.cli import main as cli
from consultant.db import transaction
from consultant.models import Case, Draft, Message
from tests.conftest import TEST_SECRET, use_settings
from tests.mail import question
from tests.servers import Dovecot, Redis, free_port
from tests.service import ServiceProcesses, eventually
from tests.sink import Sink

pytestmark = pytest.mark.integration

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=["imap", "smtp"])
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _case(case_id: int | None = None) -> Case | None:
    with transaction() as s:
        query = select(Case).order_by(Case.id.desc())
        return s.get(Case, case_id) if case_id else s.scalars(query).first()


def _draft_count(case_id: int) -> int:
    with transaction() as s:
        return int(
            s.scalar(select(func.count()).select_from(Draft).where(Draft.case_id == case_id)) or 0
        )


def _message_count(case_id: int) -> int:
    with transaction() as s:
        return int(
            s.scalar(select(func.count()).select_from(Message).where(Message.case_id == case_id))
            or 0
        )


def _approve_in_browser(page: Page, web: str, case_id: int, password: str, text: str) -> None:
    page.goto(f"{web}/cases/{case_id}")
    page.fill("#email", "reviewer@clinic.example")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{web}/cases/{case_id}")
    assert "Case #" in page.inner_text("h1")
    page.fill("#body", text)
    page.click("#approve")  # opens the confirmation; nothing is sent yet
    page.click("#confirm-approve")
    page.wait_for_load_state()
    assert page.inner_text("#case-status") in ("approved", "answered")


def test_question_travels_the_whole_path(
    channel: str,
    db_url: str,
    redis_server: Redis,
    dovecot_server: Dovecot,
    browser: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mailbox = f"consult{uuid.uuid4().hex[:12]}"  # its own checkpoint per test
    with Sink() as sink:
        web_port, smtpd_port = free_port(), free_port()
        env = {
            "CONSULTANT_HOME": str(tmp_path / "home"),
            "CONSULTANT_DATABASE_URL": db_url,
            "CONSULTANT_BROKER_URL": redis_server.url,
            "CONSULTANT_SECRET_KEY": TEST_SECRET,
            "CONSULTANT_SMTP_PORT": str(sink.port),
            "CONSULTANT_SMTPD_PORT": str(smtpd_port),
            "CONSULTANT_WEB_PORT": str(web_port),
            "CONSULTANT_CONSULT_ADDRESS": "consult@localhost",
            "CONSULTANT_IMAP_MAILBOXES": dovecot_server.mailbox_json(mailbox),
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        use_settings(monkeypatch)
        password = "a-test-password-1"
        assert cli(["reviewers", "add", "reviewer@clinic.example", "--password", password]) == 0
        procs = ServiceProcesses(env, tmp_path)
        try:
            procs.start("worker")
            procs.start("web", wait_for_port=web_port)
            if channel == "imap":
                _clear_inbox(dovecot_server)
                procs.start("poll")
            else:
                procs.start("smtpd", wait_for_port=smtpd_port)

            ask_id = f"<ask.{free_port()}@clinic.example>"
            raw = question(
                "Our nurse refilled a portable chemo pump (96521) and the doctor saw the "
                "patient for a new rash, 99213. Do we need a modifier?",
                subject="Pump refill and a visit",
                message_id=ask_id,
            )
            _deliver(channel, raw, dovecot_server, smtpd_port)

            case = eventually(
                lambda: (c := _case()) and c.status == states.AWAITING_REVIEW and c,
                60,
                "a drafted case\n" + procs.log("worker"),
            )
            assert case.subject == "Pump refill and a visit"
            page = browser.new_page()  # type: ignore[attr-defined]
            edited = "Reviewed answer: bill 96521, and 99213 with modifier 25."
            _approve_in_browser(page, f"http://127.0.0.1:{web_port}", case.id, password, edited)

            [reply] = sink.handler.wait_for(1, timeout=30)
            assert reply["In-Reply-To"] == ask_id
            assert ask_id in reply["References"]
            assert f"[Case #{case.id}/" in reply["Subject"] and reply["Subject"].startswith("Re: ")
            body = reply.get_body(("plain",))
            assert body is not None and edited in body.get_content()
            eventually(
                lambda: (c := _case(case.id)) and c.status == states.ANSWERED, 30, "answered"
            )

            follow = question(
                "Thanks! And if the pump is implanted?",
                subject=f"Re: {reply['Subject']}",
                in_reply_to=reply["Message-ID"],
                references=f"{ask_id} {reply['Message-ID']}",
            )
            _deliver(channel, follow, dovecot_server, smtpd_port)
            eventually(lambda: _message_count(case.id) == 3, 60, "the follow-up on the same case")
            reopened = eventually(
                lambda: (
                    (c := _case(case.id))
                    and c.status == states.AWAITING_REVIEW
                    and _draft_count(case.id) >= 2
                    and c
                ),
                60,
                "a new draft for the follow-up",
            )
            assert reopened.id == case.id
            with transaction() as s:
                assert s.scalar(select(func.count()).select_from(Case)) == 1
            assert len(sink.handler.messages) == 1, "exactly one reply was sent"
            if channel == "imap":
                _assert_marked_seen(dovecot_server)
            page.close()
        finally:
            procs.stop()


def _deliver(channel: str, raw: bytes, dovecot: Dovecot, smtpd_port: int) -> None:
    if channel == "imap":
        dovecot.append(raw)
        return
    with smtplib.SMTP("127.0.0.1", smtpd_port, timeout=10) as client:
        client.sendmail("coder@clinic.example", ["consult@localhost"], raw)


def _clear_inbox(dovecot: Dovecot) -> None:
    client = dovecot.client()
    try:
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()


def _assert_marked_seen(dovecot: Dovecot) -> None:
    client = dovecot.client()
    try:
        client.select_folder("INBOX", readonly=True)
        eventually(
            lambda: not client.search(["UNSEEN"]), 10, "messages flagged \\Seen after commit"
        )
    finally:
        client.logout()
