"""The inbound SMTP listener's early refusals: unknown recipient, size, sender rate."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.config import get_settings
from consultant.mailin.smtpd import make_controller
from consultant.models import InboundMail
from tests.mail import question
from tests.servers import free_port


@pytest.fixture
def listener(db_url: str) -> Iterator[Controller]:
    settings = get_settings().model_copy(
        update={"smtpd_port": free_port(), "smtpd_max_bytes": 200_000, "smtpd_rate_per_hour": 3}
    )
    controller = make_controller(settings)
    controller.start()
    yield controller
    controller.stop()


def _client(listener: Controller) -> smtplib.SMTP:
    return smtplib.SMTP(listener.hostname, listener.port, timeout=10)


def test_unknown_recipient_is_refused_at_rcpt(listener: Controller, session: Session) -> None:
    with _client(listener) as smtp:
        smtp.ehlo()
        smtp.mail("coder@clinic.example")
        code, text = smtp.rcpt("nobody@localhost")
    assert code == 550 and b"5.1.1" in text
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 0


def test_oversize_message_is_refused(listener: Controller) -> None:
    with _client(listener) as smtp, pytest.raises(smtplib.SMTPResponseException) as info:
        smtp.sendmail("coder@clinic.example", ["consult@localhost"], question("x" * 300_000))
    assert info.value.smtp_code == 552


def test_sender_over_its_rate_is_told_to_try_later(listener: Controller) -> None:
    codes = []
    for _attempt in range(4):
        with _client(listener) as smtp:
            smtp.ehlo()
            codes.append(smtp.mail("busy@clinic.example")[0])
            smtp.rset()
    assert codes[:3] == [250, 250, 250] and codes[3] == 450


def test_accepted_mail_is_committed_before_250(listener: Controller, session: Session) -> None:
    with _client(listener) as smtp:
        refused = smtp.sendmail(
            "coder@clinic.example", ["consult@localhost"], question("What is 96523?")
        )
    assert refused == {}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 1


PATHS = [
    "<pat@clinic.example>",
    "<pat@clinic.example> SIZE=1200 BODY=8BITMIME",
    "<Pat.Coder+billing@Clinic-1.example>",
    "<first.last@a.b.c.example>  SMTPUTF8",
    "<pat@clinic.example> (a comment) SIZE=10",
    "<pat@clinic.example>\tSIZE=10",
    "<pat@localhost>",
    "<a..b@clinic.example>",
    "<pat.@clinic.example>",
    '<"pat coder"@clinic.example>',
    "<pat@[127.0.0.1]>",
    "<pat@clinic.example.>",
    "<@relay.example:pat@clinic.example>",
    " <pat@clinic.example>",
    "<>",
    "<pat@clinic.example",
    "pat@clinic.example",
    "<p\u00e9t@clinic.example>",
    "<" + "x" * 70 + "@clinic.example>",
]


PLAIN = {"<pat@clinic.example>", "<pat@clinic.example> SIZE=1200 BODY=8BITMIME", "<pat@localhost>"}


@pytest.mark.parametrize("limit", [0, 64])
@pytest.mark.parametrize("arg", PATHS)
def test_plain_paths_read_as_aiosmtpd_reads_them(arg: str, limit: int) -> None:
    """The fast reading of MAIL FROM and RCPT TO paths gives aiosmtpd's answer for every
    path it takes, and leaves the others to aiosmtpd."""
    from types import SimpleNamespace

    from aiosmtpd.smtp import SMTP

    from consultant.mailin.smtpd import plain_path

    theirs = SMTP._getaddr(SimpleNamespace(local_part_limit=limit), arg)  # type: ignore[arg-type]
    ours = plain_path(arg, limit)
    assert ours is None or ours == theirs, (ours, theirs)
    if arg in PLAIN:
        assert ours is not None, "a plain path takes the fast reading"
