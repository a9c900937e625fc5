"""From stored bytes to cases: dedup, threading, loops and quarantine."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.cases.tags import case_tag
from consultant.config import get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import message_id_of, store_inbound
from consultant.models import Case, InboundMail, Message
from tests.mail import question


def _ingest(session: Session, raw: bytes, **kw: object) -> tuple[int, str]:
    stored = store_inbound(session, raw, "test", **kw)  # type: ignore[arg-type]
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, get_settings())
    session.commit()
    return outcome.case_id or 0, outcome.status


def test_same_message_id_is_stored_once(session: Session) -> None:
    raw = question("Is 96521 bundled with 99211?", message_id="<dup@clinic.example>")
    first = store_inbound(session, raw, "smtp")
    second = store_inbound(session, raw, "imap", mailbox="consult", uidvalidity=1, uid=7)
    session.commit()
    assert first.created and not second.created
    assert first.inbound_id == second.inbound_id
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 1


def test_missing_message_id_is_minted_stably() -> None:
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    assert message_id_of(raw) == message_id_of(raw)
    assert message_id_of(raw).startswith("<minted.")
    assert message_id_of(raw) != message_id_of(raw + b"more")


def test_question_opens_case_and_reply_threads_onto_it(session: Session) -> None:
    case_id, status = _ingest(
        session, question("Can 96521 go with 99213?", message_id="<q@clinic.example>")
    )
    assert status == "processed"
    case = session.get(Case, case_id)
    # A new question is drafted in the transaction that opens its case.
    assert case is not None and case.status == states.AWAITING_REVIEW
    assert [d.version for d in case.drafts] == [1]
    # Pretend it was answered, then the subscriber writes back.
    case.status = states.ANSWERED
    session.commit()
    follow = question(
        "Thanks, and with 99214?",
        subject="Re: Coding question",
        in_reply_to="<q@clinic.example>",
        references="<q@clinic.example>",
    )
    again, _ = _ingest(session, follow)
    assert again == case_id
    session.refresh(case)
    assert case.status == states.QUEUED
    assert (
        session.scalar(select(func.count()).select_from(Message).where(Message.case_id == case_id))
        == 2
    )


def test_subject_tag_needs_the_right_token_and_sender(session: Session) -> None:
    case_id, _ = _ingest(session, question("What is 96523?"))
    secret = get_settings().secret_key
    good = question("more", subject=f"Re: x {case_tag(case_id, secret)}")
    assert _ingest(session, good)[0] == case_id
    forged = question("more", subject=f"Re: x [Case #{case_id}/00000000]")
    assert _ingest(session, forged)[0] != case_id
    stranger = question(
        "more", sender="other@elsewhere.example", subject=f"Re: x {case_tag(case_id, secret)}"
    )
    assert _ingest(session, stranger)[0] != case_id


def test_auto_replies_never_open_cases(session: Session) -> None:
    for headers in (
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<coders.lists.example>"},
    ):
        case_id, status = _ingest(session, question("I am out of the office", headers=headers))
        assert (case_id, status) == (0, "ignored"), headers
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_unparseable_mail_is_quarantined_with_reason(session: Session) -> None:
    _, status = _ingest(session, b"Subject: no sender here\r\n\r\nhello\r\n")
    assert status == "quarantined"
    row = session.scalars(select(InboundMail)).one()
    assert row.status == "quarantined" and "sender" in row.reason


def test_processing_twice_changes_nothing(session: Session) -> None:
    stored = store_inbound(session, question("What is 96522?"), "smtp")
    session.commit()
    assert process_inbound(session, stored.inbound_id, get_settings()).status == "processed"
    session.commit()
    assert process_inbound(session, stored.inbound_id, get_settings()).status == "skipped"
    assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_attachments_are_recorded_and_executables_refused() -> None:
    from email.message import EmailMessage

    from consultant.mailin.parse import parse

    msg = EmailMessage()
    msg["From"] = "coder@clinic.example"
    msg["Subject"] = "files"
    msg.set_content("See attached.")
    msg.add_attachment(b"%PDF-1.4 eob", maintype="application", subtype="pdf", filename="eob.pdf")
    msg.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="setup.exe"
    )
    msg.add_attachment(
        b"\x78\x9f\x3e\x22", maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    found = {a["name"]: a for a in parse(bytes(msg)).attachments}
    assert (
        found["eob.pdf"]["kept"]
        and found["eob.pdf"]["size"] == 12
        and len(found["eob.pdf"]["sha256"]) == 64
    )
    assert found["setup.exe"]["refused"] == "executable" and not found["setup.exe"]["kept"]
    assert "winmail.dat" in found["winmail.dat"]["note"]


def test_html_only_mail_is_read_and_sanitized() -> None:
    from consultant.mailin.parse import parse

    raw = (
        b"From: coder@clinic.example\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Is <b>96521</b> right?</p><script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    mail = parse(raw)
    assert "Is\n96521\nright?" in mail.text or "Is 96521 right?" in mail.text.replace("\n", " ")
    assert "<script" not in mail.html and "onerror" not in mail.html


def test_header_the_email_package_cannot_parse_is_read_raw() -> None:
    """Found by the fuzzer: a display name of "." made the standard library raise."""
    from consultant.mailin.parse import parse

    mail = parse(b"From: . <odd@clinic.example>\r\nSubject: x\r\n\r\nWhat is 96523?\r\n")
    assert mail.from_address == "odd@clinic.example"


def test_display_name_with_angle_brackets_keeps_its_address() -> None:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from consultant.mailin.parse import parse

    msg = EmailMessage()
    msg["From"] = Address(display_name='"><img src=x>', addr_spec="pat@clinic.example")
    msg["Subject"] = "x"
    msg.set_content("What is 96523?")
    mail = parse(bytes(msg))
    assert mail.from_address == "pat@clinic.example" and mail.from_name == '"><img src=x>'


def test_encoded_and_8bit_headers_read_as_the_header_registry_reads_them() -> None:
    """Headers are decoded only where read: encoded words in the subject, a display name,
    a quoted display name with a comma in To, an Outlook-style encoded file name and a raw
    UTF-8 one all come out decoded."""
    from consultant.mailin.parse import parse

    raw = (
        b"From: =?utf-8?q?P=C3=A4t_Coder?= <Pat@Clinic.example>\r\n"
        b'To: "Desk, Consult" <consult@localhost>, other@clinic.example\r\n'
        b"Cc: =?utf-8?q?B=C3=B6b?= <bob@clinic.example>\r\n"
        b"Subject: =?utf-8?b?Q2Fmw6kgcXVlc3Rpb24=?=\r\n  about 96523\r\n"
        b"Message-ID: <enc.1@clinic.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWhat is 96523?\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="\r\n\r\n'
        b"%PDF\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="\xc3\xa9ob.pdf"\r\n\r\n%PDF\r\n--b--\r\n'
    )
    mail = parse(raw)
    assert (mail.from_name, mail.from_address) == ("P\u00e4t Coder", "pat@clinic.example")
    assert mail.subject == "Caf\u00e9 question about 96523"
    assert mail.to == ["consult@localhost", "other@clinic.example", "bob@clinic.example"]
    assert mail.message_id == "<enc.1@clinic.example>" and mail.text == "What is 96523?"
    assert [a["name"] for a in mail.attachments] == ["r\u00e9sum\u00e9.pdf", "\u00e9ob.pdf"]


def test_a_question_drafting_fails_on_is_opened_queued_for_the_drafter(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from consultant.drafting.service import draft_case
    from consultant.mailin import process

    def broken(*_: object) -> None:
        raise ValueError("a drafting bug")

    monkeypatch.setattr(process, "build_answer", broken)
    case_id, status = _ingest(session, question("Can 96521 go with 99213?"))
    assert status == "processed"
    case = session.get(Case, case_id)
    assert case is not None and case.status == states.QUEUED and case.drafts == []
    monkeypatch.undo()
    draft = draft_case(session, case_id, get_settings())
    session.commit()
    assert draft is not None and draft.version == 1
    assert case.status == states.AWAITING_REVIEW
