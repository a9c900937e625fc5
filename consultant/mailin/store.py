"""The thin edge: store raw bytes under a unique Message-ID, then enqueue processing.

A redelivered message (poller crash before the server flag, an SMTP client retrying)
hits the unique keys and is absorbed, so it never opens a second case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consultant import queue
from consultant.models import InboundMail

_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Stored:
    inbound_id: int
    created: bool


def message_id_of(raw: bytes) -> str:
    """The message's own Message-ID, or one minted from its bytes (stable on redelivery)."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    value = str(headers.get("Message-ID", "") or "")
    found = _MSGID.search(value)
    if found:
        return found.group(0)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return f"<minted.{digest}@consultant.invalid>"


def store_inbound(
    session: Session,
    raw: bytes,
    source: str,
    *,
    envelope_from: str = "",
    mailbox: str | None = None,
    uidvalidity: int | None = None,
    uid: int | None = None,
) -> Stored:
    """Insert the raw message unless its Message-ID (or mailbox UID) is already stored.

    Publishes ``process_inbound`` on commit for a new row. The caller commits.
    """
    message_id = message_id_of(raw)
    existing = session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id))
    if existing is not None:
        return Stored(existing, False)
    if uid is not None:
        existing = session.scalar(
            select(InboundMail.id).where(
                InboundMail.mailbox == mailbox,
                InboundMail.uidvalidity == uidvalidity,
                InboundMail.uid == uid,
            )
        )
        if existing is not None:
            return Stored(existing, False)
    row = InboundMail(
        message_id=message_id,
        source=source,
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=uid,
        envelope_from=envelope_from,
        raw=raw,
        size=len(raw),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another process stored it between our SELECT and INSERT.
        found = session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id))
        return Stored(found or 0, False)
    queue.publish_on_commit(session, queue.PROCESS_INBOUND, row.id)
    return Stored(row.id, True)
