"""Hostile mail never escapes handling: parse raises only ParseError, and process_inbound
leaves every message as a case, in quarantine, or set aside with a reason.

A fixed-seed run of FUZZ_EXAMPLES (default 60) here; ``make fuzz`` runs thousands.
"""

from __future__ import annotations

import os
from email.message import Message

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from consultant.config import get_settings
from consultant.mailin import parse as parse_module
from consultant.mailin.parse import ParseError, parse
from consultant.mailin.process import process_inbound
from consultant.mailin.store import store_inbound
from consultant.models import InboundMail
from tests.fuzz_mail import message

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
HANDLED = {"processed", "quarantined", "ignored", "bounce"}


@settings(max_examples=EXAMPLES * 3, derandomize=True, deadline=None)
@given(message())
def test_parse_raises_only_parse_error(raw: bytes) -> None:
    try:
        mail = parse(raw)
    except ParseError:
        return
    for header in (mail.subject, mail.from_address, *mail.headers.values()):
        assert "\x00" not in header and "\r" not in header and "\n" not in header
    assert "<script" not in mail.html.lower()


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=message())
def test_every_message_ends_handled(session: Session, raw: bytes) -> None:
    stored = store_inbound(session, raw, "smtp")
    session.commit()
    outcome = process_inbound(session, stored.inbound_id, get_settings())
    session.commit()
    row = session.get(InboundMail, stored.inbound_id)
    assert row is not None and row.status in HANDLED, (row.status, row.reason)
    assert outcome.status == row.status
    if row.status == "processed":
        assert outcome.case_id is not None


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    st.one_of(
        st.from_regex(parse_module._PLAIN_FROM, fullmatch=True),
        st.text(alphabet="Pat z0'_-.<>@+\t\"(),=?\u00e9", max_size=40),
    )
)
def test_a_plain_from_reads_as_the_header_registry_reads_it(raw: str) -> None:
    """The fast path for plain From headers must give what the registry gives."""
    msg = Message()
    msg["From"] = raw
    if parse_module._PLAIN_FROM.fullmatch(raw):
        fast = parse_module._sender(msg)
        assert fast == parse_module._registry_sender(msg, str(msg["From"]))
