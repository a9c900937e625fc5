"""send_reply: deliver one approved reply over SMTP, retrying until its deadline.

The Message-ID was fixed at approval, so a retry after a crash resends the same
message, which mail systems recognise, never a second, different reply.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.config import Settings
from consultant.mailout.compose import compose
from consultant.models import Case, Message, Outbound, utcnow


@dataclass(frozen=True)
class SendResult:
    status: str  # sent | retry | failed | skipped
    error: str = ""


def claim_outbound(session: Session, out_id: int) -> Outbound | None:
    """queued -> sending with a conditional UPDATE; None if someone else has it."""
    result = session.execute(
        update(Outbound)
        .where(Outbound.id == out_id, Outbound.status == "queued")
        .values(status="sending", status_changed_at=utcnow(), attempts=Outbound.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Outbound, out_id, populate_existing=True)


def deliver(out: Outbound, settings: Settings) -> None:
    """One SMTP attempt. Raises on failure."""
    msg = compose(out, settings)
    if settings.smtp_security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=30, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        client.send_message(msg, from_addr=settings.consult_address, to_addrs=[out.to_address])


def record_sent(session: Session, out: Outbound) -> None:
    out.status = "sent"
    out.sent_at = utcnow()
    out.status_changed_at = out.sent_at
    case = session.get(Case, out.case_id) if out.case_id is not None else None
    if out.kind != "reply" or case is None:
        return  # an acknowledgement or notice is not part of the consultation
    session.add(
        Message(
            case_id=case.id,
            direction="out",
            message_id=out.message_id,
            in_reply_to=out.in_reply_to,
            references=out.references,
            from_address="",
            to_address=out.to_address,
            subject=out.subject,
            body_text=out.body_text,
            body_html=out.body_html,
        )
    )
    if case.status == states.APPROVED:
        states.transition(session, case, states.ANSWERED, "mailer", f"sent {out.message_id}")


def record_failure(session: Session, out: Outbound, error: str) -> SendResult:
    """Back to queued for a retry, or failed past the deadline (the case returns to review)."""
    out.last_error = error[:2000]
    out.status_changed_at = utcnow()
    deadline = (
        out.deliver_until
        if out.deliver_until.tzinfo
        else out.deliver_until.replace(tzinfo=utcnow().tzinfo)
    )
    if utcnow() < deadline:
        out.status = "queued"
        return SendResult("retry", error)
    out.status = "failed"
    case = session.get(Case, out.case_id) if out.case_id is not None else None
    if out.kind == "reply" and case is not None and case.status == states.APPROVED:
        states.transition(
            session, case, states.AWAITING_REVIEW, "mailer", f"delivery failed: {error}"
        )
    return SendResult("failed", error)
