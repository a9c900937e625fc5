"""Quarantine: messages set aside with their reason, and putting them back in the flow."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases import states
from consultant.mailin import states as inbound_states
from consultant.models import InboundMail


def retry(session: Session, inbound_id: int, actor: str) -> bool:
    """Process a quarantined message again (after a fix). False if it is not quarantined."""
    row = session.get(InboundMail, inbound_id)
    if row is None or row.status != inbound_states.QUARANTINED:
        return False
    states.audit(session, None, actor, "quarantine_retry", f"inbound {row.id}: {row.reason[:200]}")
    inbound_states.transition(session, row, inbound_states.RECEIVED, reason="", attempts=0)
    queue.publish_on_commit(session, queue.PROCESS_INBOUND, row.id)
    return True
