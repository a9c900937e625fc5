"""Who may ask: subscribers by address or domain, quotas, unknown senders, and the
RFC 3834 acknowledgement sent at most once per sender per period."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from consultant.config import Settings, get_settings
from consultant.db import get_engine
from consultant.mailin.process import load_inbound, process_inbound
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


def test_a_batch_reads_its_senders_subscribers_at_once(
    session: Session, production: Settings
) -> None:
    """``load_inbound`` reads the senders' subscribers with the batch: each message then
    finds its own (exact address before domain, inactive ones not at all) without a
    query, as it would alone."""
    session.add_all(
        [
            Subscriber(address="@clinic.example", plan="group"),
            Subscriber(address="pat@clinic.example", plan="solo"),
            Subscriber(address="gone@else.example", active=False),
        ]
    )
    session.commit()
    senders = ["pat@clinic.example", "anyone@clinic.example", "gone@else.example", "x@else.example"]
    ids = [
        store_inbound(
            session, question("What is 96523?", sender=a, message_id=f"<s{i}@x.example>"), "smtp"
        ).inbound_id
        for i, a in enumerate(senders)
    ]
    session.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    loaded = load_inbound(session, ids)
    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        outcomes = [process_inbound(session, i, production).status for i in loaded]
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    session.commit()
    assert outcomes == ["processed", "processed", "quarantined", "quarantined"]
    assert not [s for s in statements if "FROM subscribers" in s]
    subscribers = {s.address: s.id for s in session.scalars(select(Subscriber))}
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert [c.subscriber_id for c in cases] == [
        subscribers["pat@clinic.example"],
        subscribers["@clinic.example"],
    ]
