"""Input at the edges: control characters in reviewer subjects, NUL bytes in inbound
headers, and the SMTP listener's limits per sender, sender domain and client address."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from consultant.cases import states
from consultant.config import get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.smtpd import SenderRateLimit, make_controller
from consultant.mailin.store import store_inbound
from consultant.models import Case, Draft, Outbound, Reviewer
from consultant.review.passwords import hash_password
from consultant.review.web import create_app
from tests.servers import free_port
from tests.workspace import login, session_csrf


@pytest.mark.parametrize("bad", ["Re: x\r\nBcc: victim@else.example", "Re: x\nX: y", "Re: x\x00y"])
def test_reviewer_subject_with_control_characters_is_a_form_error(
    session: Session, bad: str
) -> None:
    case = Case(subject="Pump", requester="coder@clinic.example", status=states.AWAITING_REVIEW)
    session.add(case)
    session.flush()
    session.add(
        Draft(
            case_id=case.id,
            version=1,
            author="drafter",
            subject="Re: Pump",
            body_text="Hi",
            analysis={},
        )
    )
    session.add(
        Reviewer(email="r@clinic.example", password_hash=hash_password("a long right password"))
    )
    session.commit()
    client = TestClient(create_app())
    assert login(client, "r@clinic.example", "a long right password") == 303
    csrf = session_csrf(client, f"/cases/{case.id}")
    for action in ("save", "approve"):
        response = client.post(
            f"/cases/{case.id}/{action}", data={"csrf": csrf, "subject": bad, "body": "Edited text"}
        )
        assert response.status_code == 422 and "one line" in response.text
        assert "Edited text" in response.text
    session.expire_all()
    assert session.scalars(select(Outbound)).first() is None
    assert [d.version for d in session.scalars(select(Draft))] == [1]


def test_nul_bytes_are_stripped_from_inbound_headers(session: Session) -> None:
    raw = (
        b"From: Pat <coder@clinic.example>\r\nTo: consult@localhost\r\n"
        b"Subject: Port\x00 flush 96523\x00\r\nMessage-ID: <nul@clinic.example>\r\n\r\n"
        b"What is 96523?\x00\r\n"
    )
    stored = store_inbound(session, raw, "smtp")
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, get_settings())
    session.commit()
    assert outcome.status == "processed"
    case = session.get(Case, outcome.case_id)
    assert case is not None and "\x00" not in case.subject and case.subject == "Port flush 96523"
    assert all("\x00" not in m.subject + m.body_text for m in case.messages)


def test_rate_limits_per_sender_domain_and_client() -> None:
    limits = SenderRateLimit(limit=3, per_domain=5, per_client=8)
    assert [limits.check("a@one.example", "10.0.0.1") for _ in range(4)] == ["", "", "", "sender"]
    # Other addresses at the same domain share its count.
    assert [limits.check(f"u{i}@one.example", "10.0.0.2") for i in range(3)] == ["", "", "domain"]
    # 400 addresses at 400 domains from one host: the host's count stops them.
    results = [limits.check(f"x@d{i}.example", "10.0.0.3") for i in range(400)]
    assert results.count("") == 8 and set(results[8:]) == {"client"}


def test_listener_refuses_a_host_sending_from_many_addresses(session: Session) -> None:
    settings = get_settings().model_copy(
        update={
            "smtpd_port": free_port(),
            "smtpd_rate_per_hour": 30,
            "smtpd_rate_per_domain_per_hour": 100,
            "smtpd_rate_per_client_per_hour": 5,
        }
    )
    controller = make_controller(settings)
    controller.start()
    try:
        codes = []
        with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as smtp:
            smtp.ehlo()
            for i in range(8):
                codes.append(smtp.mail(f"sender{i}@d{i}.example")[0])
                smtp.rset()
    finally:
        controller.stop()
    assert codes[:5] == [250] * 5 and set(codes[5:]) == {450}
