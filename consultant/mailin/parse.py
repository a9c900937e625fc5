"""MIME parsing that survives real-world mail: wrong or missing charsets, HTML-only
bodies, encoded headers, attachments."""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32
from email.utils import getaddresses, parseaddr
from typing import Any

import nh3
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction

# Extensions we record but never keep: a consult question never needs them.
_EXECUTABLE = (".exe", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".msi", ".ps1", ".jar")
ATTACHMENT_KEEP_BYTES = 10 * 1024 * 1024


class ParseError(Exception):
    """The message cannot be understood; it goes to quarantine with this reason."""


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    from_address: str
    from_name: str
    to: list[str]
    in_reply_to: str
    references: list[str]
    headers: dict[str, str]
    text: str
    html: str  # sanitized, safe to display
    content_type: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    forwarded: list[ParsedMail] = field(default_factory=list)
    # The HTML as sent, for finding the quoted history by its markup (sanitizing removes the
    # classes and ids that mark it). Read only; never displayed or stored.
    source_html: str = ""
    text_from_html: bool = False  # no text/plain part: `text` is `source_html` as text


def decode_part(part: Message) -> str:
    """Text of a leaf part, trying its declared charset, then UTF-8, then windows-1252."""
    payload = part.get_payload(decode=True)
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    assert isinstance(payload, bytes)
    declared = part.get_content_charset()
    for charset in (declared, "utf-8", "windows-1252"):
        if not charset:
            continue
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


# Elements that start a new line; everything else (a, span, b, font...) flows inline, so
# "On Mon, Bob <bob@example.com> wrote:" stays one line as the reader sees it.
_BLOCKS = [
    *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset"),
    *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul"),
]

# Private-use characters: line breaks made here, not in the source.
_BREAK = "\ue000"  # the edge of a block
_HARD_BREAK = "\ue003"  # a <br>


def html_to_text(html: str) -> str:
    """Readable text from HTML: block elements and <br> become line breaks, inline markup
    flows, scripts are dropped."""
    return soup_to_text(BeautifulSoup(html, "html.parser"))


def soup_to_text(soup: BeautifulSoup) -> str:
    """The text of an already parsed HTML document, laid out as html_to_text does."""
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n" if br.find_parent("pre") else _HARD_BREAK)
    for block in soup.find_all(_BLOCKS):
        block.insert_before(_BREAK)
        block.insert_after(_BREAK)
    # Source line breaks are layout, not text (browsers collapse them), except inside <pre>.
    text = "".join(
        str(node) if node.find_parent("pre") else str(node).replace("\n", " ")
        for node in soup.find_all(string=True)
        if not isinstance(node, Comment | Doctype | Declaration | ProcessingInstruction)
    ).replace(_HARD_BREAK, "\n")
    # A block boundary starts a line unless one is already started: stacked <div>s are
    # consecutive lines, as a browser shows them, not lines with blank lines between.
    parts = re.split(f"[ \t]*{_BREAK}[ \t]*", text)
    laid_out = [parts[0]]
    line_started = not parts[0] or parts[0].endswith("\n")
    for part in parts[1:]:
        if not line_started:
            laid_out.append("\n")
        laid_out.append(part)
        line_started = part.endswith("\n") if part else True
    text = "".join(laid_out)
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def sanitize_html(html: str) -> str:
    return nh3.clean(html)


class _RawHeaders(Compat32):
    """The MIME structure as compat32 reads it (Content-Type and its parameters by the
    simple splitter), each header's value handed back as its raw text, unfolded.

    The standard library's header registry (``policy.default``) builds a parse tree for
    every header touched, the structural ones included: it was most of a question's
    parsing time. Here only what needs decoding is decoded, by the registry itself, so an
    encoded word or an address reads as it did under ``policy.default``."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return "".join(_LINESEP.split(value))


_LINESEP = re.compile(r"\r\n|\r|\n")
_RAW = _RawHeaders()


def _decoded(name: str, raw: str) -> str:
    """The header's text as ``policy.default`` reads it: RFC 2047 encoded words decoded.
    A value without one reads as itself, so the registry is skipped for it."""
    if "=?" not in raw:
        return raw
    return str(policy.default.header_fetch_parse(name, raw))


def _header(msg: Message, name: str) -> str:
    raw = str(msg.get(name, "") or "")
    try:
        value = _decoded(name, raw)
    except Exception:  # a header the registry cannot parse ("From: . <a@b>"): keep its raw text
        value = raw
    # NUL has no business in a header: it would reach a Subject we send, and Postgres
    # refuses it in text columns.
    return " ".join(_fix_8bit(value).replace("\x00", "").split())


def _fix_8bit(value: str) -> str:
    """Raw 8-bit bytes in a header (no RFC 2047 encoding) arrive as surrogates: read them
    as UTF-8, else as windows-1252, so nothing unprintable reaches the database."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "windows-1252"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def summary_headers(raw: bytes) -> tuple[str, str]:
    """(subject, sender address) read leniently, for mail that may not parse at all."""
    try:
        headers = BytesParser(policy=_RAW).parsebytes(raw, headersonly=True)
        subject = _header(headers, "Subject")
        return subject, _sender(headers)[1].lower()
    except Exception:  # whatever the damage, quarantine still gets a row
        return "", ""


def parse(raw: bytes, message_id: str = "") -> ParsedMail:
    """Parse raw RFC 5322 bytes. Raises ParseError for what cannot be read at all."""
    if not raw.strip():
        raise ParseError("empty message")
    try:
        msg = BytesParser(policy=_RAW).parsebytes(raw)
    except Exception as exc:  # pragma: no cover - the parser is very tolerant
        raise ParseError(f"unparseable MIME: {exc}") from exc
    return _from_message(msg, message_id)


_ADDR_SPEC = r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
# A From made of plain words and a plain address ("Pat Coder <pat@clinic.example>", as
# nearly every client writes it) reads the same from its raw text as from the header
# registry, for a fraction of the CPU; anything else (quotes, comments, encoded words,
# periods in the name, folding, 8-bit) goes through the registry.
_PLAIN_FROM = re.compile(
    rf"[ \t]*(?:([A-Za-z0-9'_\- \t]*?)[ \t]*<({_ADDR_SPEC})>|({_ADDR_SPEC}))[ \t]*"
)


def _sender(msg: Message) -> tuple[str, str]:
    """(display name, address) of From, from the parsed header when the policy can parse
    it: a display name with quotes or angle brackets then still yields the address, where
    re-parsing its decoded text would not."""
    raw = str(msg.get("From", "") or "")
    plain = _PLAIN_FROM.fullmatch(raw)
    if plain:
        return " ".join((plain.group(1) or "").split()), plain.group(2) or plain.group(3)
    return _registry_sender(msg, raw)


def _registry_sender(msg: Message, raw: str) -> tuple[str, str]:
    """What ``_sender`` reads through the header registry (for any From at all)."""
    try:
        parsed = policy.default.header_fetch_parse("From", raw)
    except Exception:  # the header cannot be parsed as addresses: read its raw text
        return parseaddr(_header(msg, "From"))
    addresses = getattr(parsed, "addresses", ())
    if addresses and addresses[0].addr_spec and "@" in addresses[0].addr_spec:
        name = " ".join(_fix_8bit(addresses[0].display_name).replace("\x00", "").split())
        return name, addresses[0].addr_spec
    return parseaddr(" ".join(_fix_8bit(str(parsed)).replace("\x00", "").split()))


# Address lists made only of these characters read the same from their raw text as from
# the header registry's rendering of them; anything else (quotes, comments, encoded
# words, groups, 8-bit) goes through the registry.
_PLAIN_ADDRESSES = re.compile(r"[A-Za-z0-9@._+\-, <>]*")


def _addresses(msg: Message, name: str) -> str:
    """An address header's text as ``policy.default`` renders it, for getaddresses."""
    raw = str(msg.get(name, "") or "")
    if _PLAIN_ADDRESSES.fullmatch(raw):
        return " ".join(raw.split())
    try:
        value = str(policy.default.header_fetch_parse(name, raw))
    except Exception:  # keep the raw text, as _header does
        value = raw
    return " ".join(_fix_8bit(value).replace("\x00", "").split())


def _from_message(msg: Message, message_id: str = "") -> ParsedMail:
    from_name, from_address = _sender(msg)
    if not from_address or "@" not in from_address:
        raise ParseError("no sender address in From")
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[dict[str, Any]] = []
    forwarded: list[ParsedMail] = []
    _walk(msg, texts, htmls, attachments, forwarded)
    html = "\n".join(htmls)
    text = "\n\n".join(t for t in texts if t.strip())
    text_from_html = not text.strip() and bool(html)
    if text_from_html:
        text = html_to_text(html)
    refs = _header(msg, "References").split()
    return ParsedMail(
        message_id=message_id or _header(msg, "Message-ID"),
        subject=_header(msg, "Subject"),
        from_address=from_address.lower(),
        from_name=from_name,
        to=[
            addr.lower() for _, addr in getaddresses([_addresses(msg, "To"), _addresses(msg, "Cc")])
        ],
        in_reply_to=_header(msg, "In-Reply-To"),
        references=refs,
        headers={k.lower(): _header(msg, k) for k in set(msg.keys())},
        text=text.replace("\r\n", "\n").replace("\x00", ""),
        html=sanitize_html(html.replace("\x00", "")) if html else "",
        content_type=msg.get_content_type(),
        attachments=attachments,
        forwarded=forwarded,
        source_html=html,
        text_from_html=text_from_html,
    )


def _filename(part: Message) -> str:
    """The attachment's file name; one sent as an encoded word (Outlook's habit, not the
    standard's) or as raw 8-bit text is decoded, as ``policy.default`` does."""
    name = part.get_filename() or ""
    if "=?" in name:
        with contextlib.suppress(Exception):
            name = str(policy.default.header_fetch_parse("Subject", name))
    return _fix_8bit(name)


def _walk(
    part: Message,
    texts: list[str],
    htmls: list[str],
    attachments: list[dict[str, Any]],
    forwarded: list[ParsedMail],
) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else None
        if isinstance(inner_msg, Message):
            # A forwarded message without a sender still counts as text of the question.
            with contextlib.suppress(ParseError):
                forwarded.append(_from_message(inner_msg))
        return
    if part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if ctype == "multipart/alternative":
            plain = [c for c in children if c.get_content_type() == "text/plain"]
            html = [c for c in children if c.get_content_type() == "text/html"]
            if plain:
                texts.append(decode_part(plain[-1]))
            if html:
                htmls.append(decode_part(html[-1]))
            for child in children:
                if child.get_content_type() not in ("text/plain", "text/html"):
                    _walk(child, texts, htmls, attachments, forwarded)
            return
        for child in children:
            _walk(child, texts, htmls, attachments, forwarded)
        return
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    if disposition != "attachment" and not filename and ctype in ("text/plain", "text/html"):
        (texts if ctype == "text/plain" else htmls).append(decode_part(part))
        return
    payload = part.get_payload(decode=True) or b""
    assert isinstance(payload, bytes)
    name = filename or f"unnamed.{ctype.split('/')[-1]}"
    refused = name.lower().endswith(_EXECUTABLE)
    attachments.append(
        {
            "name": name,
            "type": ctype,
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "inline": disposition == "inline",
            "kept": not refused and len(payload) <= ATTACHMENT_KEEP_BYTES,
            "refused": "executable" if refused else "",
            "note": "Outlook TNEF (winmail.dat)" if name.lower() == "winmail.dat" else "",
        }
    )
