"""The question itself: what the asker wrote, whatever the mail client.

mail-parser-reply finds where quoted history starts ("On ... wrote:" in several languages,
Outlook's "From: / Sent: / To:" blocks and "-----Original Message-----") and where signatures
and disclaimers begin. On top of it, this module decides what of a thread is the asker's:

- text above the first history start (top-posting);
- lines between ">"-quoted lines after an attribution (bottom-posting and interleaving);
- nothing after a history that is not ">"-quoted (Outlook style): that is all old mail;
- in a forward, the forwarded message too: the forwarder's note first, then the forwarded text.

HTML-only mail is first stripped of its history by its markup (html_history).
"""

from __future__ import annotations

import re

from mailparser_reply import EmailMessage

from consultant.mailin.html_history import QUOTE_MARK, new_text_of_html
from consultant.mailin.parse import ParsedMail

# Languages whose attribution lines, header blocks and sign-offs mail-parser-reply knows.
# Left out: Danish, whose sign-off "Tak" would cut an English line starting "Take ...", and
# Polish, whose single header line ("Data: ...") would cut a question's own data line.
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "sv")

# Subject prefixes of a forward: English, German (WG), French (TR), Spanish (RV), Portuguese
# (Enc), Dutch (Doorst), Swedish (VB), Italian (I), Finnish (VS).
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|wg|tr|rv|enc|doorst|vb|vs|i)\s*:", re.I)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv|antw|r|rif|res|ref)\s*:", re.I)
# A line that only announces a forwarded or original message.
_FORWARD_MARK = re.compile(
    r"^[-\s]*(Forwarded message|Original message|Begin forwarded message|"
    r"Weitergeleitete Nachricht|Ursprüngliche Nachricht|Anfang der weitergeleiteten E-Mail|"
    r"Message transféré|Message d'origine|Début du message réexpédié|Mensaje reenviado|"
    r"Mensaje original|Inicio del mensaje reenviado|Mensagem encaminhada|Mensagem original|"
    r"Doorgestuurd bericht|Oorspronkelijk bericht|Messaggio inoltrato|Messaggio originale|"
    r"Vidarebefordrat meddelande|Ursprungligt meddelande)[-\s:]*$",
    re.I,
)
_EXPLICIT_FORWARD = re.compile(
    r"forward|weitergeleitet|transféré|réexpédié|reenviado|encaminhada|inoltrato|"
    r"doorgestuurd|vidarebefordrat",
    re.I,
)
# Outlook for Mac puts a byte-order mark before "On ... wrote:"; Windows Mail marks dates
# with left-to-right marks. Neither is text, and both hide a line's start.
_INVISIBLE = re.compile("[\ufeff\u200b\u200e\u200f]")
# A line that introduces a quote in any language: it names a date or an address, ends with a
# colon, and ">" lines follow. Clients wrap it at 78 characters, so the line above may be part.
_ATTRIBUTION = re.compile(r"[\d@].*:\s*$")
_ATTRIBUTION_HEAD = re.compile(r"[\d@].*[^.?!\s]\s*$")
_SEPARATOR = re.compile(r"^[-_=*\s]{8,}$")
# Whole-line sign-offs mail-parser-reply does not list (it wants "Thanks," with the comma).
_SIGN_OFF = re.compile(
    r"^(thanks|thank you|thanks so much|thank you so much|many thanks|thanks again|"
    r"regards|best|sincerely|cheers|respectfully|warm regards|best wishes|v/r)[\s,.!]*$",
    re.I,
)
# Mobile and webmail footers mail-parser-reply does not list ("Sent from my ..." it does);
# a whole short line only, so "Sent from Yahoo Mail, the patient says..." stays.
_MOBILE = re.compile(
    r"^(Sent from (Yahoo Mail|Mail for Windows|Outlook|Samsung)|Sent with [\w ]+|"
    r"Get Outlook for \w+|Von meinem .* gesendet|Envoyé de mon|Enviado do meu)"
    r"[^,.;]{0,40}\.?(<\S+>)?$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"^\W*(CONFIDENTIALITY NOTICE|CONFIDENTIAL(ITY)?\s*:|PRIVILEGED AND CONFIDENTIAL|"
    r"NOTICE OF CONFIDENTIALITY|DISCLAIMER\b|"
    r"This (e-?mail|message|communication|transmission)( and any (attachments?|files?))?"
    r"[^.]{0,80}\b(confidential|intended (only|solely)|privileged|protected health))",
    re.I,
)
# A sign-off mail-parser-reply found is trusted only when its first line is short: "Thanks,
# Alex" is a sign-off, "Thanks, but what about modifier 25?" is the question going on.
_SIGN_OFF_MAX = 40
_SIGNATURE_WINDOW = 8  # a bare sign-off counts only in the message's last lines


def question_of(mail: ParsedMail) -> str:
    """The question to analyse: what the asker wrote, plus any attached forwarded message."""
    forward = is_forward(mail.subject, mail.text)
    if mail.text_from_html and mail.source_html and not forward:
        text = new_text(new_text_of_html(mail.source_html))
    else:
        text = new_text(mail.text, forward=forward)
    for inner in mail.forwarded:
        text = _join(text, question_of(inner))
    return text


def is_forward(subject: str, text: str) -> bool:
    """A forward by its subject (Fwd:, FW:, WG:, TR:...) or, for a subject that is not a
    reply's, by a line announcing a forwarded message."""
    if _FORWARD_SUBJECT.match(subject):
        return True
    if _REPLY_SUBJECT.match(subject):
        return False
    return any(
        _FORWARD_MARK.match(line) and _EXPLICIT_FORWARD.search(line) for line in text.splitlines()
    )


def new_text(text: str, forward: bool = False) -> str:
    """The asker's own text of a message body; a forward keeps the forwarded text after the
    forwarder's note, since that is the question."""
    message = _message(text)
    spans = _segments(message)
    segments = [message.text[start:end] for start, end in spans]
    if forward and len(segments) > 1:
        # The forwarded message starts after its header block (and any separator above it).
        start = next((span[0] for span in spans[1:] if message.text[slice(*span)].strip()), None)
        if start is not None:
            forwarded = _unquote(message.text[start:])
            return _join(new_text(segments[0]), new_text(forwarded))
    kept = [_own_lines(segments[0])]
    for segment in segments[1:]:
        if not _quoted(segment):
            break  # unquoted history (Outlook style): all of it is old mail
        kept.append(_own_lines(segment))
    own = _without_signature("\n".join(kept))
    if not own and not forward and len(segments) > 1 and not segments[0].strip():
        # Header lines at the very top and nothing of the asker's: a memo pasted as a new
        # message, or a forward without its prefix. Its text is the question.
        return new_text(text, forward=True)
    return own


def _message(text: str) -> EmailMessage:
    """mail-parser-reply's view of a body; lists of dashed items stay text, not signature."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n"))
    return EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True)


def _segments(message: EmailMessage) -> list[tuple[int, int]]:
    """Spans of the body cut at each history start: the text before the first, then the
    text after each (the start's own lines left out)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for header in message.HEADER_REGEX.finditer(message.text):
        start, end = header.span()
        spans.append((position, start))
        position = end
    spans.append((position, len(message.text)))
    return spans


def _quoted(segment: str) -> bool:
    """Whether the history after a start is quoted line by line, so that lines without ">"
    between its quoted lines are the asker's (bottom-posting, interleaving)."""
    first = next((line.strip() for line in segment.splitlines() if line.strip()), "")
    return not first or first.startswith(">") or first == QUOTE_MARK


def _own_lines(text: str) -> str:
    """Lines that are not quoted, without the attribution line that introduces a quote."""
    lines = text.splitlines()
    kept: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">") or stripped == QUOTE_MARK or _FORWARD_MARK.match(stripped):
            continue
        if stripped.endswith(":") and _quote_follows(lines, i + 1):
            wrapped = bool(kept) and "@" in kept[-1] and bool(_ATTRIBUTION_HEAD.search(kept[-1]))
            if wrapped:
                kept.pop()
            if wrapped or _ATTRIBUTION.search(stripped):
                continue
        kept.append(line)
    return "\n".join(kept)


def _quote_follows(lines: list[str], start: int) -> bool:
    """Whether the next non-blank line is quoted."""
    for line in lines[start:]:
        if line.strip():
            return line.strip().startswith(">") or line.strip() == QUOTE_MARK
    return False


def _unquote(text: str) -> str:
    """A forwarded message's text, one level of ">" removed if every line carries it."""
    lines = text.splitlines()
    if lines and all(line.startswith(">") or not line.strip() for line in lines):
        lines = [line[1:].removeprefix(" ") for line in lines]
    return "\n".join(lines)


def _without_signature(text: str) -> str:
    """The text without signature, mobile footer and confidentiality disclaimer."""
    lines = _without_banner(text.splitlines())
    for i, line in enumerate(lines):
        if _DISCLAIMER.match(line.strip()) or _MOBILE.match(line.strip()):
            lines = lines[:i]
            break
    message = _message("\n".join(lines))
    text = message.text
    for disclaimer in message.DISCLAIMERS_REGEX.findall(text):
        text = text.replace(disclaimer.strip(), "")
    found = message.SIGNATURE_REGEX.search(text)
    if found:
        first = next((line.strip() for line in found.group().splitlines() if line.strip()), "")
        if len(first) <= _SIGN_OFF_MAX or _SEPARATOR.match(first):
            text = text[: found.start()]
    lines = text.rstrip().splitlines()
    for i in range(len(lines) - 1, max(-1, len(lines) - 1 - _SIGNATURE_WINDOW), -1):
        if _SIGN_OFF.match(lines[i].strip()):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or _SEPARATOR.match(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip()


def _without_banner(lines: list[str]) -> list[str]:
    """Without a notice some mail systems put above the text: only its paragraph goes."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or not _DISCLAIMER.match(lines[start].strip()):
        return lines
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[end:]


def _join(first: str, second: str) -> str:
    """Two parts of a question, a blank line between, either may be empty."""
    return "\n\n".join(part for part in (first, second) if part)
