"""Render the evaluation questions as real-world-shaped emails and read them back.

Styles rotate over the questions: plain text, HTML only, a reply with quoted history,
a forward with the question attached as .eml, undeclared windows-1252, PHI-carrying,
misspelled, and an Outlook-style signature with a confidentiality notice.

    python -m eval.corpus --write    # (re)writes eval/dev/emails/*.eml from eval/dev/questions.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from eval.dev.questions import Q
from eval.items import WHEN, EvalItem

EMAILS = Path(__file__).resolve().parent / "dev" / "emails"
STYLES = ["plain", "html", "quoted", "forward", "cp1252", "phi", "misspelled", "outlook"]
SENDERS = [
    "coder@northside-clinic.example",
    "billing@valleyortho.example",
    "pm@sunrise-onc.example",
    "jane.biller@familymed.example",
    "audit@metrohealth.example",
]
PATIENTS = [
    ("Margaret Holloway", "03/14/1948", "MRN 7731942", "(555) 201-3344"),
    ("Dwayne Okafor", "11/02/1961", "MRN 5520183", "555-884-1209"),
    ("Lucia Fernandez", "07/29/1975", "MRN 9042217", "(555) 730-6612"),
]
TYPOS = {
    "patient": "patinet",
    "modifier": "modifer",
    "injection": "injecton",
    "code": "cdoe",
    "which": "wich",
    "billed": "billled",
    "separate": "seperate",
    "the": "teh",
}


@dataclass
class Case:
    number: int
    spec: dict[str, Any]
    style: str
    raw: bytes
    phi: list[str]


def render(number: int, spec: dict[str, Any]) -> Case:
    style = STYLES[number % len(STYLES)]
    text = spec["text"]
    phi = list(spec["phi"])
    if style == "phi":
        name, dob, mrn, phone = PATIENTS[number % len(PATIENTS)]
        text = f"Patient {name}, DOB {dob}, {mrn}. {text} You can call her back at {phone}."
        phi += [name, dob, mrn.split()[1], phone]
    if style == "misspelled":
        text = " ".join(TYPOS.get(w, w) for w in text.split(" "))
    sender = SENDERS[number % len(SENDERS)]
    subject = spec["subject"] or _subject(spec["text"])
    msg = EmailMessage()
    msg["From"] = f"Coder {number} <{sender}>"
    msg["To"] = "consult@localhost"
    msg["Date"] = format_datetime(WHEN)
    msg["Message-ID"] = f"<eval-{number:03d}@{sender.split('@')[1]}>"
    if style == "html":
        msg["Subject"] = subject
        msg.set_content(
            f"<html><body><div style='font-family:Calibri'><p>Hi team,</p><p>{_html(text)}</p>"
            "<p>Thanks,<br>Pat</p></div></body></html>",
            subtype="html",
        )
    elif style == "quoted":
        msg["Subject"] = f"Re: {subject}"
        msg["In-Reply-To"] = f"<earlier-{number}@{sender.split('@')[1]}>"
        msg.set_content(
            f"{text}\n\nThanks!\n\nOn Mon, Oct 6, 2026 at 9:12 AM Consult Desk <consult@localhost> wrote:\n"
            "> Thanks for your question about 99499 last week.\n> Use the unlisted code only when nothing fits.\n"
        )
    elif style == "forward":
        inner = EmailMessage()
        inner["From"] = "Dr. Adams <adams@northside-clinic.example>"
        inner["To"] = sender
        inner["Subject"] = subject
        inner.set_content(text)
        msg["Subject"] = f"Fwd: {subject}"
        msg.set_content("Forwarding the doctor's question below, can you help?\n")
        msg.add_attachment(inner)
    elif style == "cp1252":
        msg["Subject"] = subject
        body = f"Hello \u2013 quick one: \u201c{text}\u201d\r\nThanks \u2014 Pat\r\n"
        msg.set_payload(body.encode("cp1252"))
        msg["Content-Type"] = "text/plain"  # charset undeclared, as some clients send it
        msg["Content-Transfer-Encoding"] = "8bit"
    elif style == "outlook":
        msg["Subject"] = subject
        msg.set_content(
            f"{text}\n\nRegards,\nPat Miller, CPC\nBilling Manager | Northside Clinic\n"
            "Tel 555-010-2000\n\nCONFIDENTIALITY NOTICE: This e-mail is intended only for the "
            "addressee and may contain privileged information.\n"
        )
        msg.add_alternative(
            f"<p>{_html(text)}</p><p>Regards,<br>Pat Miller, CPC</p>", subtype="html"
        )
    else:
        msg["Subject"] = subject
        msg.set_content(text)
    # Fixed MIME boundaries so the same question always renders to the same bytes.
    for index, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_eval_{number:03d}_{index}")
    return Case(number, spec, style, bytes(msg), phi)


def _subject(text: str) -> str:
    words = text.split()
    return " ".join(words[:8]) + ("..." if len(words) > 8 else "")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def load_cases() -> list[Case]:
    return [render(n, spec) for n, spec in enumerate(Q, 1)]


def load_items() -> list[EvalItem]:
    """The dev set as evaluation items."""
    return [
        EvalItem(
            ident=f"D{case.number:03d}",
            area=case.spec["kind"],
            kind=case.spec["kind"],
            style=case.style,
            raw=case.raw,
            tops=case.spec["tops"],
            also=case.spec["also"],
            also_billed=False,
            modifiers=case.spec["modifiers"],
            expert=case.spec["kind"] == "other" and not case.spec["tops"],
            phi=case.phi,
        )
        for case in load_cases()
    ]


def write() -> int:
    EMAILS.mkdir(exist_ok=True)
    for old in EMAILS.glob("*.eml"):
        old.unlink()
    for case in load_cases():
        (EMAILS / f"{case.number:03d}-{case.style}.eml").write_bytes(case.raw)
    return 0


if __name__ == "__main__":
    sys.exit(write() if "--write" in sys.argv else 0)
