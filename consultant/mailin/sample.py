"""``consultant ask``: send a question to the local inbound SMTP listener."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from consultant.config import Settings


def send_question(settings: Settings, question: str, sender: str, subject: str = "") -> str:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = settings.consult_address
    msg["Subject"] = subject or (question[:60] + ("…" if len(question) > 60 else ""))
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg.set_content(question)
    with smtplib.SMTP("127.0.0.1", settings.smtpd_port, timeout=10) as client:
        client.send_message(msg)
    return str(msg["Message-ID"])
