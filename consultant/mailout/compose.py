"""The outgoing email for an approved reply: threading headers and loop markers."""

from __future__ import annotations

import secrets
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from consultant.config import Settings
from consultant.models import Outbound, utcnow


def mint_message_id(case_id: int, settings: Settings) -> str:
    domain = settings.consult_address.rsplit("@", 1)[-1]
    return f"<reply.{case_id}.{secrets.token_hex(8)}@{domain}>"


def compose(out: Outbound, settings: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((settings.reply_from_name, settings.consult_address))
    msg["To"] = out.to_address
    msg["Subject"] = out.subject
    msg["Message-ID"] = out.message_id
    msg["Date"] = format_datetime(utcnow())
    if out.in_reply_to:
        msg["In-Reply-To"] = out.in_reply_to
    if out.references:
        msg["References"] = out.references
    # Marks our own mail so it is never taken for a question if it comes back.
    msg["X-Consultant-Case"] = str(out.case_id or "")
    # A reviewer's reply is written by a person; acknowledgements and notices are
    # automatic and say so (RFC 3834), so that other robots do not answer them.
    msg["Auto-Submitted"] = "no" if out.kind == "reply" else "auto-replied"
    msg.set_content(out.body_text)
    if out.body_html:
        msg.add_alternative(out.body_html, subtype="html")
    return msg
