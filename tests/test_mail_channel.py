"""The mail channel against real Dovecot and the real SMTP listener, with messages shaped
like the clients people use: each ends as exactly one case, or one message set aside
(ignored or quarantined) with its reason; bounces are linked to the reply they bounce."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.config import ImapMailbox, Settings, get_settings
from consultant.mailin.poller import Poller
from consultant.mailin.process import process_inbound
from consultant.mailin.smtpd import make_controller
from consultant.models import Case, InboundMail, Message, Outbound, utcnow
from tests import corpus
from tests.servers import Dovecot, free_port

pytestmark = pytest.mark.integration


class Channel:
    """Delivers raw messages through IMAP (Dovecot + poller) or the SMTP listener."""

    def __init__(self, kind: str, settings: Settings, dovecot: Dovecot) -> None:
        self.kind, self.settings, self.dovecot = kind, settings, dovecot
        self.folder = f"C{uuid.uuid4().hex[:12]}"
        if kind == "imap":
            client = dovecot.client()
            client.create_folder(self.folder)
            client.logout()
            box = ImapMailbox(
                name=self.folder,
                host="127.0.0.1",
                port=dovecot.port,
                security="none",
                username=dovecot.user,
                password=dovecot.password,
                folder=self.folder,
            )
            self.poller = Poller(box, settings)
        else:
            self.controller = make_controller(
                settings.model_copy(update={"smtpd_port": free_port()})
            )
            self.controller.start()

    def deliver(self, raw: bytes) -> None:
        if self.kind == "imap":
            self.dovecot.append(raw, self.folder)
            client = self.poller.connect()
            self.poller.catch_up(client)
            client.logout()
        else:
            # On the wire SMTP lines end in CRLF, as every mail client sends them.
            wire = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            with smtplib.SMTP(self.controller.hostname, self.controller.port, timeout=30) as smtp:
                smtp.sendmail(corpus.SENDER, [corpus.TO], wire)

    def close(self) -> None:
        if self.kind == "smtp":
            self.controller.stop()


@pytest.fixture(params=["imap", "smtp"])
def channel(
    request: pytest.FixtureRequest, db_url: str, dovecot_server: Dovecot
) -> Iterator[Channel]:
    ch = Channel(
        request.param,
        get_settings().model_copy(update={"smtpd_max_bytes": 40 * 1024 * 1024}),
        dovecot_server,
    )
    yield ch
    ch.close()


def _process_all(session: Session, settings: Settings) -> None:
    for inbound_id in session.scalars(
        select(InboundMail.id).where(InboundMail.status == "received")
    ).all():
        process_inbound(session, inbound_id, settings)
        session.commit()


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


CASES: list[tuple[str, Callable[[str], bytes], str]] = [
    ("outlook_html", corpus.outlook_html, "96521"),
    ("apple_mail", corpus.apple_mail, "port flush"),
    ("gmail", corpus.gmail, "ultrasound"),
    ("iphone", corpus.iphone, "96523"),
    ("iso_2022_jp", corpus.iso_2022_jp, "96521"),
    ("undeclared_cp1252", corpus.undeclared_cp1252, "J1050"),
    ("eight_bit_headers", corpus.eight_bit_headers, "96521"),
    ("empty_body", corpus.empty_body, "99211"),
    ("no_message_id", corpus.no_message_id, "PICC"),
    ("forward_with_eml", corpus.forward_with_eml, "95990"),
]


@pytest.mark.parametrize(("name", "build", "expect"), CASES, ids=[c[0] for c in CASES])
def test_question_becomes_one_case(
    session: Session, channel: Channel, name: str, build: Callable[[str], bytes], expect: str
) -> None:
    channel.deliver(build(f"<{name}.{free_port()}@clinic.example>"))
    _process_all(session, channel.settings)
    assert _count(session, Case) == 1, session.scalars(select(InboundMail.reason)).all()
    message = session.scalars(select(Message)).one()
    assert expect.lower() in message.clean_text.lower()
    assert (
        "older thread text" not in message.clean_text and "Earlier answer" not in message.clean_text
    )


def test_duplicate_message_id_is_one_case(session: Session, channel: Channel) -> None:
    raw = corpus.gmail("<same.twice@clinic.example>")
    channel.deliver(raw)
    channel.deliver(raw)
    _process_all(session, channel.settings)
    assert _count(session, InboundMail) == 1 and _count(session, Case) == 1


def test_twenty_megabyte_attachment(session: Session, channel: Channel) -> None:
    channel.deliver(corpus.big_attachment(f"<big.{free_port()}@clinic.example>"))
    _process_all(session, channel.settings)
    assert _count(session, Case) == 1
    [attachment] = session.scalars(select(Message)).one().attachments
    assert attachment["name"] == "eob.pdf" and attachment["size"] == 20 * 1024 * 1024
    assert attachment["kept"] is False  # over the size kept for attachments


@pytest.mark.parametrize("build", [corpus.out_of_office, corpus.outlook_ooo_without_auto_submitted])
def test_out_of_office_is_set_aside_with_reason(
    session: Session, channel: Channel, build: Callable[[str], bytes]
) -> None:
    channel.deliver(build(f"<ooo.{free_port()}@clinic.example>"))
    _process_all(session, channel.settings)
    row = session.scalars(select(InboundMail)).one()
    assert (row.status, _count(session, Case)) == ("ignored", 0) and "auto_reply" in row.reason


def test_empty_message_is_quarantined(session: Session, channel: Channel) -> None:
    channel.deliver(corpus.empty_everything(f"<empty.{free_port()}@clinic.example>"))
    _process_all(session, channel.settings)
    row = session.scalars(select(InboundMail)).one()
    assert row.status == "quarantined" and "empty" in row.reason


def test_dsn_is_linked_to_the_reply_it_bounces(session: Session, channel: Channel) -> None:
    case = Case(subject="q", requester="gone@clinic.example", status=states.ANSWERED)
    session.add(case)
    session.flush()
    out = Outbound(
        case_id=case.id,
        message_id="<reply.1.abc@localhost>",
        to_address="gone@clinic.example",
        subject="Re: q",
        body_text="answer",
        status="sent",
        deliver_until=utcnow() + timedelta(hours=1),
    )
    session.add(out)
    session.commit()
    channel.deliver(corpus.dsn(f"<dsn.{free_port()}@mx.clinic.example>", out.message_id))
    _process_all(session, channel.settings)
    session.expire_all()
    row = session.scalars(select(InboundMail)).one()
    assert row.status == "bounce" and "5.1.1" in row.reason
    assert session.get(Outbound, out.id).status == "bounced"  # type: ignore[union-attr]
    assert _count(session, Case) == 1


def test_reply_to_an_answered_case_reopens_it(session: Session, channel: Channel) -> None:
    channel.deliver(corpus.gmail("<first.q@clinic.example>"))
    _process_all(session, channel.settings)
    case = session.scalars(select(Case)).one()
    case.status = states.ANSWERED
    session.commit()
    channel.deliver(
        corpus.follow_up("<second.q@clinic.example>", "<first.q@clinic.example>", case.subject)
    )
    _process_all(session, channel.settings)
    session.expire_all()
    assert _count(session, Case) == 1
    assert session.get(Case, case.id).status == states.QUEUED  # type: ignore[union-attr]
    assert _count(session, Message) == 2
