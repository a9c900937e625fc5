"""What kind of mail this is, before it may become a question.

Auto-replies, list traffic, bounces and our own replies must never open a case or be
answered: that is how helpdesks end up in mail loops (RFC 3834).
"""

from __future__ import annotations

from enum import StrEnum

from consultant.mailin.parse import ParsedMail

OUR_MESSAGE_ID_DOMAIN = "consultant.reply"


class Kind(StrEnum):
    QUESTION = "question"
    AUTO_REPLY = "auto_reply"
    LIST = "list"
    BOUNCE = "bounce"
    OWN = "own"


def classify(mail: ParsedMail) -> tuple[Kind, str]:
    """Return the kind and a human-readable reason."""
    h = mail.headers
    if (
        mail.content_type == "multipart/report"
        or h.get("content-type", "").find("delivery-status") >= 0
    ):
        return Kind.BOUNCE, "delivery status notification"
    sender = mail.from_address
    if sender.startswith(("mailer-daemon@", "postmaster@")):
        return Kind.BOUNCE, f"sent by {sender}"
    if h.get("x-consultant-case") or mail.message_id.endswith(f"@{OUR_MESSAGE_ID_DOMAIN}>"):
        return Kind.OWN, "one of our own replies came back"
    auto = h.get("auto-submitted", "").lower()
    if auto and auto != "no":
        return Kind.AUTO_REPLY, f"Auto-Submitted: {auto}"
    precedence = h.get("precedence", "").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Kind.AUTO_REPLY, f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        if h.get(name):
            return Kind.AUTO_REPLY, f"{name} header"
    suppress = h.get("x-auto-response-suppress", "").lower()
    if suppress and any(w in suppress for w in ("all", "oof", "autoreply")) and _looks_ooo(mail):
        return Kind.AUTO_REPLY, f"X-Auto-Response-Suppress: {suppress}"
    if h.get("list-id") or h.get("list-unsubscribe"):
        return Kind.LIST, "mailing-list message"
    return Kind.QUESTION, ""


def _looks_ooo(mail: ParsedMail) -> bool:
    subject = mail.subject.lower()
    return any(w in subject for w in ("out of office", "automatic reply", "autoreply", "away"))
