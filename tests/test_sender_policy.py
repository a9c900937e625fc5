"""Who may ask: subscribers by address or domain, quotas, unknown senders, and the
RFC 3834 acknowledgement sent at most once per sender per period."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.config import Settings, get_settings
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from consultant.mailout.compose import compose
from consultant.models import Case, InboundMail, Outbound, Subscriber
from tests.mail import question


def _ingest(session: Session, raw: bytes, settings: Settings) -> str:
    stored = store_inbound(session, raw, "smtp")
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, settings)
    session.commit()
    return outcome.status


@pytest.fixture
def production(db_url: str) -> Settings:
    return get_settings().model_copy(update={"mode": "production", "unknown_sender_policy": ""})


def test_production_holds_unknown_senders(session: Session, production: Settings) -> None:
    assert (
        _ingest(session, question("What is 96523?", sender="stranger@else.example"), production)
        == "quarantined"
    )
    row = session.scalars(select(InboundMail)).one()
    assert "not a subscriber" in row.reason
    assert session.scalars(select(Outbound)).first() is None


def test_subscriber_by_domain_is_accepted(session: Session, production: Settings) -> None:
    session.add(Subscriber(address="@clinic.example", plan="group"))
    session.commit()
    assert (
        _ingest(session, question("What is 96523?", sender="anyone@clinic.example"), production)
        == "processed"
    )
    assert session.scalars(select(Case)).one().subscriber_id is not None


def test_monthly_quota(session: Session, production: Settings) -> None:
    session.add(Subscriber(address="coder@clinic.example", monthly_quota=1))
    session.commit()
    assert _ingest(session, question("What is 96523?"), production) == "processed"
    assert _ingest(session, question("And 96522?"), production) == "quarantined"
    assert (
        "questions this month"
        in session.scalars(
            select(InboundMail.reason).where(InboundMail.status == "quarantined")
        ).one()
    )


def test_reply_policy_sends_one_polite_note(session: Session, production: Settings) -> None:
    settings = production.model_copy(update={"unknown_sender_policy": "reply"})
    for text in ("What is 96523?", "And 96522?"):
        assert (
            _ingest(session, question(text, sender="new@else.example"), settings) == "quarantined"
        )
    [note] = session.scalars(select(Outbound)).all()
    assert note.kind == "notice" and note.to_address == "new@else.example"
    assert compose(note, settings)["Auto-Submitted"] == "auto-replied"


def test_acknowledgement_once_per_period(session: Session, db_url: str) -> None:
    settings = get_settings().model_copy(update={"ack_enabled": True})
    _ingest(session, question("What is 96523?"), settings)
    _ingest(session, question("And 96522?"), settings)
    acks = session.scalars(select(Outbound).where(Outbound.kind == "ack")).all()
    assert len(acks) == 1
    case = session.scalars(select(Case).order_by(Case.id)).first()
    assert case is not None and f"[Case #{case.id}/" in acks[0].subject
    message = compose(acks[0], settings)
    assert message["Auto-Submitted"] == "auto-replied" and message["In-Reply-To"]
