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
from functools import cache

from sqlalchemy import Insert, Table, select
from sqlalchemy.dialects import postgresql, sqlite
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

    One statement for a new message: an INSERT that yields to the unique keys (ON CONFLICT
    DO NOTHING) and returns the new id; only a redelivery reads the stored row's id.
    Publishes ``process_inbound`` on commit for a new row. The caller commits.
    """
    message_id = message_id_of(raw)
    queue.will_publish(session, queue.PROCESS_INBOUND)
    connection = session.connection()
    new_id = connection.execute(
        _insert(connection.dialect.name),
        {
            "message_id": message_id,
            "source": source,
            "mailbox": mailbox,
            "uidvalidity": uidvalidity,
            "uid": uid,
            "envelope_from": envelope_from,
            "raw": raw,
            "size": len(raw),
        },
    ).scalar()
    if new_id is None:
        return Stored(_stored_id(session, message_id, mailbox, uidvalidity, uid), False)
    queue.publish_on_commit(session, queue.PROCESS_INBOUND, new_id)
    return Stored(new_id, True)


@cache
def _insert(dialect: str) -> Insert:
    """The store's INSERT, built once per dialect: a Core statement on the table (the
    ORM's INSERT costs more CPU for the same SQL) that keeps its cache key."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Table = InboundMail.__table__  # type: ignore[assignment]
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def _stored_id(
    session: Session, message_id: str, mailbox: str | None, uidvalidity: int | None, uid: int | None
) -> int:
    """The id of the row a redelivered message collided with: its Message-ID's, else its
    mailbox UID's."""
    found = session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id))
    if found is None and uid is not None:
        found = session.scalar(
            select(InboundMail.id).where(
                InboundMail.mailbox == mailbox,
                InboundMail.uidvalidity == uidvalidity,
                InboundMail.uid == uid,
            )
        )
    return found or 0
