"""Raw mail and original text are encrypted at rest (checked on the bytes the database
holds), keys rotate, and retention removes raw mail while keeping the redacted record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.cli import main as cli
from consultant.config import get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from consultant.models import AuditEvent, Case, InboundMail, Message, utcnow
from consultant.retention import rotate_data
from tests.conftest import use_settings
from tests.mail import question

PHI = "Patient Johanna Quist DOB 03/04/1951 MBI 1EG4-TE5-MK73 needs 96521"


def _ingest(session: Session, body: str = PHI, mid: str = "<phi@clinic.example>") -> int:
    stored = store_inbound(session, question(body, subject="Quist pump", message_id=mid), "smtp")
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, get_settings())
    session.commit()
    assert outcome.case_id is not None
    return outcome.case_id


def _stored_bytes(session: Session) -> bytes:
    """Everything the database holds for mail and messages, as raw as it comes."""
    parts: list[bytes] = []
    for sql in (
        "SELECT raw FROM inbound_mail",
        "SELECT subject, body_text, body_html FROM messages",
    ):
        for row in session.execute(text(sql)):
            for value in row:
                parts.append(
                    bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                )
    return b"\n".join(parts)


def test_database_holds_no_plaintext(session: Session) -> None:
    case_id = _ingest(session)
    raw = _stored_bytes(session)
    for secret in (b"Johanna", b"Quist", b"1EG4", b"03/04/1951"):
        assert secret not in raw
    assert b"enc1:" in raw
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None and "Johanna Quist" in case.messages[0].body_text
    assert "[NAME]" in case.messages[0].clean_text


def test_data_key_rotation(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    use_settings(monkeypatch, data_key=first)
    _ingest(session)
    use_settings(monkeypatch, data_key=second, data_key_old=first)
    session.expire_all()
    assert b"Johanna" in session.scalars(select(InboundMail.raw)).one()
    assert rotate_data(session) >= 2
    session.commit()
    use_settings(monkeypatch, data_key=second, data_key_old="")
    session.expire_all()
    assert b"Johanna" in session.scalars(select(InboundMail.raw)).one()
    assert "Johanna" in session.scalars(select(Message.body_text)).one()


def test_retention_purge_keeps_the_redacted_record(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    answered = _ingest(session)
    still_open = _ingest(session, "Another question about 96523", "<open@clinic.example>")
    long_ago = utcnow() - timedelta(days=400)
    session.execute(
        update(Case).where(Case.id == answered).values(status=states.ANSWERED, updated_at=long_ago)
    )
    session.execute(update(Message).values(created_at=long_ago))
    session.execute(update(InboundMail).values(received_at=long_ago))
    session.commit()
    assert cli(["retention", "purge", "--older-than", "365"]) == 0
    assert "raw mail of 1 message(s)" in capsys.readouterr().out
    session.expire_all()
    rows = {m.case_id: m for m in session.scalars(select(Message))}
    assert rows[answered].body_text == "" and "[NAME]" in rows[answered].clean_text
    assert "Another question" in rows[still_open].body_text
    purged = session.scalars(select(InboundMail).where(InboundMail.purged_at.is_not(None))).all()
    assert [row.raw for row in purged] == [b""]
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == answered, AuditEvent.action == "purged")
    )
    assert b"Johanna" not in _stored_bytes(session)
