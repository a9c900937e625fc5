"""Real-world-shaped inbound messages, built the way each mail client builds them."""

from __future__ import annotations

import os
from email import encoders
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

SENDER = "coder@clinic.example"
TO = "consult@localhost"


def _base(msg: EmailMessage | MIMEMultipart | MIMEText, subject: str, mid: str | None) -> None:
    msg["From"] = f"Pat Coder <{SENDER}>"
    msg["To"] = TO
    msg["Subject"] = subject
    msg["Date"] = "Mon, 2 Nov 2026 09:30:00 -0500"
    if mid:
        msg["Message-ID"] = mid


def outlook_html(mid: str) -> bytes:
    """Outlook: related HTML with MsoNormal, an inline logo, plain alternative, quoted history."""
    html = (
        "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal{margin:0}"
        "</style></head><body><div class=WordSection1><p class=MsoNormal>Can we bill 96521 with 99211 "
        "when the nurse refills the pump?<o:p></o:p></p><p class=MsoNormal><img src='cid:image001.png@01DB'>"
        "</p><div style='border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>From:</b> Consult Desk<br>"
        "<b>Sent:</b> Monday</p></div><p>older thread text 99499</p></div></body></html>"
    )
    alt = MIMEMultipart("alternative")
    alt.attach(
        MIMEText(
            "Can we bill 96521 with 99211 when the nurse refills the pump?\n\n"
            "From: Consult Desk\nSent: Monday\nolder thread text 99499\n",
            "plain",
            "utf-8",
        )
    )
    related = MIMEMultipart("related")
    related.attach(MIMEText(html, "html", "utf-8"))
    logo = MIMEImage(b"\x89PNG\r\n\x1a\n" + os.urandom(64), "png")
    logo.add_header("Content-ID", "<image001.png@01DB>")
    logo.add_header("Content-Disposition", "inline", filename="image001.png")
    related.attach(logo)
    alt.attach(related)
    _base(alt, "RE: pump refill question", mid)
    return alt.as_bytes()


def apple_mail(mid: str) -> bytes:
    msg = EmailMessage()
    _base(msg, "Port flush", mid)
    msg.set_content(
        "Patient came in only for a port flush today. What do we bill?\n\n"
        "> On Nov 1, 2026, at 4:02 PM, Consult Desk <consult@localhost> wrote:\n> Earlier answer\n",
        cte="quoted-printable",
    )
    msg.add_alternative(
        "<html><body>Patient came in only for a port flush today. What do we bill?"
        "<blockquote type='cite'>Earlier answer</blockquote></body></html>",
        subtype="html",
        cte="quoted-printable",
    )
    return bytes(msg)


def gmail(mid: str) -> bytes:
    msg = EmailMessage()
    _base(msg, "Knee injection", mid)
    msg.set_content(
        "Knee injection with ultrasound guidance, which CPT?\n\nOn Sun, Nov 1, 2026 at 8:00 AM "
        "Consult Desk <consult@localhost> wrote:\n> old\n"
    )
    msg.add_alternative(
        '<div dir="ltr">Knee injection with ultrasound guidance, which CPT?</div><br>'
        '<div class="gmail_quote">On Sun ... wrote:<blockquote>old</blockquote></div>',
        subtype="html",
    )
    return bytes(msg)


def iphone(mid: str) -> bytes:
    msg = MIMEText("Whats the MUE for 96523?\n\nSent from my iPhone\n", "plain", "utf-8")
    msg.set_param("format", "flowed")
    _base(msg, "MUE?", mid)
    return msg.as_bytes()


def iso_2022_jp(mid: str) -> bytes:
    text = "96521の請求について質問があります。ポンプの補充です。"
    msg = MIMEText(text, "plain", "iso-2022-jp")
    _base(msg, "", mid)
    del msg["Subject"]
    msg["Subject"] = Header("ポンプ補充 96521", "iso-2022-jp")
    return msg.as_bytes()


def undeclared_cp1252(mid: str) -> bytes:
    head = (
        f"From: Pat Coder <{SENDER}>\r\nTo: {TO}\r\nSubject: Depo shot\r\nMessage-ID: {mid}\r\n"
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    return (
        head
        + "We gave Depo\u2011Provera \u201cJ1050\u201d 150 mg \u2013 how many units?\r\n".replace(
            "\u2011", "-"
        ).encode("cp1252")
    )


def eight_bit_headers(mid: str) -> bytes:
    return (
        f"From: Jos\u00e9 M\u00fcller <{SENDER}>\r\nTo: {TO}\r\nSubject: Question \u2013 pump refill 96521\r\n"
        f"Message-ID: {mid}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nIs 96521 billable twice a day?\r\n"
    ).encode()


def big_attachment(mid: str, megabytes: int = 20) -> bytes:
    msg = MIMEMultipart()
    _base(msg, "EOB attached", mid)
    msg.attach(MIMEText("Denied 96521, see the attached EOB. Why?", "plain", "utf-8"))
    part = MIMEBase("application", "pdf")
    part.set_payload(os.urandom(megabytes * 1024 * 1024))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename="eob.pdf")
    msg.attach(part)
    return msg.as_bytes()


def empty_body(mid: str) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: {TO}\r\nSubject: Can 96521 go with 99211?\r\nMessage-ID: {mid}\r\n\r\n"
    ).encode()


def empty_everything(mid: str) -> bytes:
    return f"From: {SENDER}\r\nTo: {TO}\r\nSubject: \r\nMessage-ID: {mid}\r\n\r\n\r\n".encode()


def no_message_id(mid: str) -> bytes:
    del mid
    return (
        f"From: {SENDER}\r\nTo: {TO}\r\nSubject: no id\r\n\r\nWhat is the code for a PICC with "
        "ultrasound guidance?\r\n"
    ).encode()


def out_of_office(mid: str) -> bytes:
    msg = EmailMessage()
    _base(msg, "Automatic reply: Re: your case", mid)
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content("I am out of the office until Monday.")
    return bytes(msg)


def outlook_ooo_without_auto_submitted(mid: str) -> bytes:
    msg = EmailMessage()
    _base(msg, "Automatic reply: Coding question", mid)
    msg["X-Auto-Response-Suppress"] = "DR, RN, NRN, OOF, AutoReply"
    msg.set_content("I'm away until Nov 9.")
    return bytes(msg)


def dsn(mid: str, original_id: str) -> bytes:
    """A Postfix-style RFC 3464 report for one of our replies."""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.clinic.example>
To: {TO}
Subject: Undelivered Mail Returned to Sender
Message-ID: {mid}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"

--dsn-boundary
Content-Type: text/plain; charset=us-ascii

This is the mail system. Your message could not be delivered.

--dsn-boundary
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.clinic.example

Final-Recipient: rfc822; gone@clinic.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--dsn-boundary
Content-Type: text/rfc822-headers

From: consult@localhost
To: gone@clinic.example
Message-ID: {original_id}
Subject: Re: question

--dsn-boundary--
""".replace("\n", "\r\n").encode()


def forward_with_eml(mid: str) -> bytes:
    inner = EmailMessage()
    inner["From"] = "Dr. Adams <adams@clinic.example>"
    inner["To"] = SENDER
    inner["Subject"] = "Pump question"
    inner["Message-ID"] = "<inner-original@clinic.example>"
    inner.set_content("Can we bill 95990 for the intrathecal baclofen pump refill?")
    outer = EmailMessage()
    _base(outer, "Fwd: Pump question", mid)
    outer.set_content("Forwarding the doctor's question, attached.")
    outer.add_attachment(inner, filename="Pump question.eml")
    return bytes(outer)


def follow_up(mid: str, in_reply_to: str, subject: str) -> bytes:
    msg = EmailMessage()
    _base(msg, f"Re: {subject}", mid)
    msg["In-Reply-To"] = in_reply_to
    msg["References"] = in_reply_to
    msg.set_content(f"Thanks. And with 99212?\n\nOn Mon, Consult Desk wrote:\n> {subject}\n")
    return bytes(msg)
