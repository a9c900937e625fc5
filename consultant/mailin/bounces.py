"""Delivery status notifications (RFC 3464): which of our replies bounced, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser

_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Bounce:
    original_message_id: str  # the Message-ID of the mail that could not be delivered
    recipient: str
    status: str  # e.g. 5.1.1
    diagnostic: str

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5")


def read_bounce(raw: bytes) -> Bounce | None:
    """The bounce in a DSN, or None if the message is not one we can read."""
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    fields: dict[str, str] = {}
    original = ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            fields.update(_status_fields(part))
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            original = original or _original_id(part)
    if not original:
        # Some servers quote the original headers in the text body instead.
        found = re.search(r"^Message-ID:\s*(<[^>\s]+>)", _text(msg), re.M | re.I)
        original = found.group(1) if found else ""
    if not original and not fields:
        return None
    recipient = (
        fields.get("final-recipient", fields.get("original-recipient", "")).split(";")[-1].strip()
    )
    return Bounce(
        original, recipient, fields.get("status", ""), fields.get("diagnostic-code", "")[:500]
    )


def _status_fields(part: Message) -> dict[str, str]:
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else [payload]
    fields: dict[str, str] = {}
    for block in blocks:
        text = block.as_string() if isinstance(block, Message) else str(block)
        for line in text.splitlines():
            if ":" in line:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip().lower(), value.strip())
    return fields


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    text = inner.as_string() if isinstance(inner, Message) else str(inner or "")
    found = re.search(r"^Message-ID:\s*(<[^>\s]+>)", text, re.M | re.I)
    return found.group(1) if found else ""


def _text(msg: Message) -> str:
    out = []
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)
