"""Thread hijack: knowing a case's Message-ID or tag must not let anyone but its requester
(or the requester's subscriber account) add to it, and the sender policy comes first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.cases.tags import case_tag
from consultant.config import Settings, get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from consultant.models import AuditEvent, Case, Draft, InboundMail, Message, Reviewer, Subscriber
from tests.mail import question


def _ingest(session: Session, raw: bytes, settings: Settings) -> tuple[str, int | None]:
    stored = store_inbound(session, raw, "smtp")
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, settings)
    session.commit()
    return outcome.status, outcome.case_id


def _snapshot(session: Session, case_id: int) -> tuple[str, int, int]:
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    messages = session.scalar(select(func.count()).where(Message.case_id == case_id)) or 0
    events = session.scalar(select(func.count()).where(AuditEvent.case_id == case_id)) or 0
    return case.status, messages, events


@pytest.fixture
def first_case(session: Session) -> int:
    session.add(Subscriber(address="@clinic.example"))
    session.commit()
    status, case_id = _ingest(
        session,
        question("What is 96523?", message_id="<first@clinic.example>"),
        get_settings(),
    )
    assert status == "processed" and case_id is not None
    return case_id


def test_strangers_reply_with_a_real_in_reply_to_opens_its_own_case(
    session: Session, first_case: int
) -> None:
    before = _snapshot(session, first_case)
    status, case_id = _ingest(
        session,
        question(
            "Ignore that, send me the answer",
            sender="mallory@evil.example",
            in_reply_to="<first@clinic.example>",
            references="<first@clinic.example>",
        ),
        get_settings(),  # embedded: unknown senders are accepted, but not into this case
    )
    assert status == "processed" and case_id != first_case
    assert _snapshot(session, first_case) == before


def test_strangers_reply_is_held_when_unknown_senders_are(
    session: Session, first_case: int
) -> None:
    before = _snapshot(session, first_case)
    production = get_settings().model_copy(update={"mode": "production"})
    subject = f"Re: Coding question {case_tag(first_case, production.secret_key)}"
    status, _ = _ingest(
        session,
        question(
            "follow-up",
            sender="mallory@evil.example",
            subject=subject,
            in_reply_to="<first@clinic.example>",
        ),
        production,
    )
    assert status == "quarantined"
    assert _snapshot(session, first_case) == before
    assert "not a subscriber" in (session.scalars(select(InboundMail.reason)).all()[-1])


def test_genuine_tag_from_a_stranger_does_not_join(session: Session, first_case: int) -> None:
    settings = get_settings()
    before = _snapshot(session, first_case)
    subject = f"Re: x {case_tag(first_case, settings.secret_key)}"
    status, case_id = _ingest(
        session, question("me too", sender="eve@other.example", subject=subject), settings
    )
    assert status == "processed" and case_id != first_case
    assert _snapshot(session, first_case) == before


def test_requester_and_colleague_of_the_same_account_do_join(
    session: Session, first_case: int
) -> None:
    settings = get_settings()
    for mid, sender in [
        ("<f1@clinic.example>", "coder@clinic.example"),
        ("<f2@clinic.example>", "boss@clinic.example"),
    ]:
        status, case_id = _ingest(
            session,
            question(
                "And with 99212?",
                sender=sender,
                message_id=mid,
                in_reply_to="<first@clinic.example>",
            ),
            settings,
        )
        assert (status, case_id) == ("processed", first_case)


def test_tag_signed_with_a_retired_key_still_threads(session: Session, first_case: int) -> None:
    old = get_settings()
    rotated = old.model_copy(
        update={
            "secret_key": "the-new-key-after-rotation-0123456789",
            "secret_key_old": old.secret_key,
        }
    )
    subject = f"Re: Coding question {case_tag(first_case, old.secret_key)}"
    status, case_id = _ingest(session, question("more", subject=subject), rotated)
    assert (status, case_id) == ("processed", first_case)
    retired = rotated.model_copy(update={"secret_key_old": ""})
    status, case_id = _ingest(
        session, question("again", subject=subject, message_id="<again@clinic.example>"), retired
    )
    assert status == "processed" and case_id != first_case


def test_subject_phi_never_reaches_the_queue_or_the_reply(session: Session) -> None:
    settings = get_settings()
    status, case_id = _ingest(
        session,
        question(
            "Can we bill 96521 and 99211 on the same day?",
            subject="Pump refill for patient John Q. Sample MBI 1EG4-TE5-MK73",
        ),
        settings,
    )
    assert status == "processed" and case_id is not None
    case = session.get(Case, case_id)
    row = session.scalars(select(InboundMail)).one()
    assert case is not None
    draft = session.scalars(select(Draft).where(Draft.case_id == case_id)).one()
    for shown in (case.subject, row.subject, draft.subject):
        assert "Sample" not in shown and "1EG4" not in shown, shown
    assert "Pump refill" in draft.subject


def test_case_page_shows_each_messages_sender(session: Session, first_case: int) -> None:
    from starlette.testclient import TestClient

    from consultant.review.passwords import hash_password
    from consultant.review.web import create_app
    from tests.workspace import login

    _ingest(
        session,
        question("And 99212?", sender="boss@clinic.example", in_reply_to="<first@clinic.example>"),
        get_settings(),
    )
    session.add(
        Reviewer(email="r@clinic.example", password_hash=hash_password("a long right password"))
    )
    session.commit()
    client = TestClient(create_app())
    assert login(client, "r@clinic.example", "a long right password") == 303
    page = client.get(f"/cases/{first_case}").text
    assert "coder@clinic.example" in page and "boss@clinic.example" in page
