"""The question itself: quoted history, forwarded headers' noise and signatures removed."""

from __future__ import annotations

import re

from consultant.mailin.parse import ParsedMail

# Lines that start the quoted history in the clients people use.
_HISTORY_STARTS = [
    re.compile(r"^On .{0,200}(wrote|schrieb|a écrit|escribió):\s*$", re.I),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.I),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^From:\s.+", re.I),  # Outlook's header block of the quoted message
    re.compile(r"^Sent from my (iPhone|iPad|Android|Galaxy|mobile)", re.I),
]
_FORWARD_MARK = re.compile(r"^-{2,}\s*Forwarded message\s*-{2,}|^Begin forwarded message:", re.I)
_SIGNATURE = re.compile(
    r"^(--\s*|Thanks,?|Thank you,?|Regards,?|Best,?|Best regards,?|Sincerely,?|Cheers,?)\s*$", re.I
)
_CONFIDENTIAL = re.compile(
    r"^(CONFIDENTIALITY NOTICE|This (e-?mail|message) (and any|may contain|is intended))", re.I
)


def strip_quotes_and_signature(text: str) -> str:
    """The new text of a message. A forward keeps the forwarded text: it is the question."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    forwarding = False
    for line in lines:
        stripped = line.strip()
        if _FORWARD_MARK.match(stripped):
            forwarding = True
            continue
        if not forwarding and any(p.match(stripped) for p in _HISTORY_STARTS):
            break
        if stripped.startswith(">"):
            continue
        if _CONFIDENTIAL.match(stripped):
            break
        kept.append(line)
    # A signature starts at the last sign-off in the final few lines.
    tail_start = max(0, len(kept) - 8)
    for i in range(len(kept) - 1, tail_start - 1, -1):
        if _SIGNATURE.match(kept[i].strip()):
            kept = kept[:i]
            break
    return "\n".join(kept).strip()


def question_of(mail: ParsedMail) -> str:
    """The question to analyse: new text plus any forwarded message's text."""
    text = strip_quotes_and_signature(mail.text)
    for inner in mail.forwarded:
        text += "\n\n" + strip_quotes_and_signature(inner.text)
    return text
