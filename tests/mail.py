"""Building test messages the way mail clients shape them."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid


def question(
    body: str,
    *,
    sender: str = "coder@clinic.example",
    subject: str = "Coding question",
    to: str = "consult@localhost",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Pat Coder <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="clinic.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return bytes(msg)
