"""A case's thread for the case page: who wrote each message and when, its attachments,
and its HTML made safe to show (sanitized again, remote images blocked)."""

from __future__ import annotations

import difflib
import email
import hashlib
from dataclasses import dataclass
from email import policy
from email.message import Message as EmailMessage
from typing import Any

import nh3

from consultant.models import Draft, InboundMail, Message

# Types a browser might render or run even when told to download: always served as bytes.
_RENDERABLE = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")


@dataclass
class Attachment:
    index: int
    name: str
    type: str
    size: int
    downloadable: bool
    note: str


@dataclass
class ThreadMessage:
    id: int
    direction: str
    sender: str
    created_at: Any
    text: str
    html: str
    attachments: list[Attachment]


# Sender HTML is shown as text with its structure; nothing that loads, toggles or maps.
# Images go too: a remote one would tell the sender the mail was read.
_MAIL_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area", "details", "summary", "data"}


def safe_html(html: str) -> str:
    """Sender HTML that cannot run, fetch or hide anything when shown in the workspace."""
    return nh3.clean(html, tags=_MAIL_TAGS, url_schemes={"http", "https", "mailto"})


def attachments_of(message: Message) -> list[Attachment]:
    found = []
    for index, raw in enumerate(message.attachments or []):
        item = raw if isinstance(raw, dict) else {}
        refused = str(item.get("refused") or "")
        found.append(
            Attachment(
                index=index,
                name=str(item.get("name") or f"attachment-{index + 1}"),
                type=str(item.get("type") or "application/octet-stream"),
                size=int(item.get("size") or 0),
                downloadable=bool(item.get("kept"))
                and not refused
                and message.inbound_mail_id is not None,
                note=" ".join(
                    filter(
                        None,
                        [f"refused: {refused}" if refused else "", str(item.get("note") or "")],
                    )
                ),
            )
        )
    return found


def thread(messages: list[Message], show_original: bool, our_address: str) -> list[ThreadMessage]:
    """The messages oldest first; questions redacted unless the original view was asked for."""
    shown = []
    for m in messages:
        inbound = m.direction == "in"
        text = m.body_text if (show_original or not inbound) else (m.clean_text or "")
        # The HTML part is not redacted: it is shown only in the audited original view.
        html = safe_html(m.body_html) if (m.body_html and (show_original or not inbound)) else ""
        shown.append(
            ThreadMessage(
                id=m.id,
                direction=m.direction,
                sender=m.from_address or (our_address if not inbound else "unknown sender"),
                created_at=m.created_at,
                text=text,
                html=html,
                attachments=attachments_of(m),
            )
        )
    return shown


def attachment_bytes(
    row: InboundMail, message: Message, index: int
) -> tuple[Attachment, bytes] | None:
    """The stored attachment ``index`` of ``message``, found in the raw mail by its checksum."""
    listed = attachments_of(message)
    if not 0 <= index < len(listed) or not listed[index].downloadable:
        return None
    wanted = str((message.attachments[index] or {}).get("sha256", ""))
    parsed = email.message_from_bytes(row.raw, policy=policy.default)
    for part in _leaves(parsed):
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and hashlib.sha256(payload).hexdigest() == wanted:
            return listed[index], payload
    return None


def _leaves(msg: EmailMessage) -> list[EmailMessage]:
    return [p for p in msg.walk() if not p.is_multipart()]


def download_type(declared: str) -> str:
    """The Content-Type to serve an attachment with."""
    declared = declared.lower()
    if declared.startswith(_RENDERABLE) or "/" not in declared:
        return "application/octet-stream"
    return declared


@dataclass
class DraftChange:
    version: int
    author: str
    created_at: Any
    confidence: float
    lines: list[tuple[str, str]]  # (css class, line) of the diff from the previous version


def history(drafts: list[Draft]) -> list[DraftChange]:
    """Each version with the diff from the one before, newest first."""
    changes = []
    previous: Draft | None = None
    for d in drafts:
        lines: list[tuple[str, str]] = []
        if previous is not None:
            lines = diff_lines(
                previous.subject + "\n" + previous.body_text, d.subject + "\n" + d.body_text
            )
        changes.append(DraftChange(d.version, d.author, d.created_at, d.confidence, lines))
        previous = d
    return list(reversed(changes))


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A unified diff as (class, line) pairs: add, del, hunk or same."""
    out = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("+++", "---")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append((kind, line))
    return out
