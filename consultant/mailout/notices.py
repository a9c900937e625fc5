"""Automatic notices: the case acknowledgement and the note to a non-subscriber.

Both are RFC 3834 auto-replies (Auto-Submitted: auto-replied, threaded to the question),
queued as outbound rows like any reply, and sent by the same task."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant import queue
from consultant.cases.tags import case_tag, reply_subject
from consultant.config import Settings
from consultant.mailin.parse import ParsedMail
from consultant.mailin.phi import redact
from consultant.mailout.compose import mint_message_id
from consultant.models import Case, Outbound, utcnow
from consultant.templating import render

NOTICE_PERIOD = timedelta(hours=24)


def queue_notice(
    session: Session,
    kind: str,
    to: str,
    mail: ParsedMail,
    settings: Settings,
    case: Case | None = None,
) -> Outbound | None:
    """Queue an ``ack`` or a ``notice``; at most one notice per sender per day."""
    if kind == "notice":
        since = utcnow() - NOTICE_PERIOD
        if session.scalar(
            select(Outbound.id)
            .where(
                Outbound.kind == "notice", Outbound.to_address == to, Outbound.created_at >= since
            )
            .limit(1)
        ):
            return None
    ref = case_tag(case.id, settings.secret_key) if case is not None else ""
    # Made from the redacted subject: what we send never repeats PHI.
    topic = redact(mail.subject)
    if case is not None:
        subject = reply_subject(topic, case.id, settings.secret_key)
    else:
        subject = f"Re: {topic or 'your message'}"
    out = Outbound(
        case_id=case.id if case is not None else None,
        kind=kind,
        message_id=mint_message_id(case.id if case is not None else 0, settings),
        to_address=to,
        subject=subject[:998],
        in_reply_to=mail.message_id,
        references=" ".join([*mail.references, mail.message_id]),
        body_text=render(f"mail/{kind}.txt.j2", case_ref=ref, sender=to),
        deliver_until=utcnow() + timedelta(hours=settings.smtp_deliver_hours),
    )
    session.add(out)
    session.flush()
    queue.publish_on_commit(session, queue.SEND_REPLY, out.id)
    return out
