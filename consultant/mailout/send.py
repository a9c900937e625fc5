"""send_reply: deliver one approved reply over SMTP, retrying until its deadline.

The Message-ID was fixed at approval, so a retry after a crash resends the same
message, which mail systems recognise, never a second, different reply.

Exactly-once delivery over SMTP is impossible: the relay may accept the message (its
``250`` after the final dot) and the worker die before it records ``sent``. What this
module guarantees is that a reply is re-sent only when its first sender certainly is no
longer talking to the relay:

- a claim is a lease (``claimed_by``, ``lease_until``) of ``LEASE_TIMEOUTS`` SMTP
  timeouts; the conversation is abandoned, unsent, if fewer than ``DATA_TIMEOUTS``
  remain when the message itself is about to go, so it ends before the lease does;
- a ``sending`` row whose lease has passed is taken back only when the claiming worker
  is gone (same host: its process no longer exists) or, on another host, from the lease
  alone.

An attempt whose outcome is unknown is one where the relay may hold the message without
this module knowing: the worker died holding the claim (the time between the relay's
``250`` and the commit of ``sent``, one UPDATE that bench/results.json measures), or the
connection broke after the message's final dot, before the relay's answer (RFC 1047).
Such a reply is sent again, with the same Message-ID, and may arrive twice: that is the
remaining duplicate window. The row keeps ``maybe_accepted_at``, so that when a later
attempt is refused or the deadline passes it ends ``uncertain``, not ``failed``: the
reviewer is told the asker may already have it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.config import Settings
from consultant.mailout import states as outbound_states
from consultant.mailout.compose import compose
from consultant.models import Case, Message, Outbound, utcnow

if TYPE_CHECKING:
    from typing_extensions import Buffer

log = logging.getLogger(__name__)

# A claim lasts this many SMTP timeouts: connect, EHLO, STARTTLS, AUTH, MAIL, RCPT,
# DATA, the message, the final reply, with room to spare.
LEASE_TIMEOUTS = 12
# What the DATA phase can take at most: DATA's 354, sending the message, the final reply.
DATA_TIMEOUTS = 4
# A process on this host with the claimant's pid that has held an expired lease this long
# is taken to be a new process that reused the pid, not the claimant.
PID_REUSE_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class SendResult:
    status: str  # sent | retry | failed | uncertain | skipped
    error: str = ""
    retry_in: float = 0.0


class TemporaryFailure(Exception):
    """Nothing was sent and trying later may work (4xx, no connection, lease too short)."""


class PermanentFailure(Exception):
    """The relay refused the message for good (5xx): retrying the same message is useless."""


class UnansweredMessage(TemporaryFailure):
    """The message went out whole (its final dot) and the relay's answer never came: it
    may have been accepted. Tried again like any temporary failure, but remembered."""


def worker_identity() -> str:
    """``host:pid`` of this process, written on the claims it takes."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_outbound(session: Session, out_id: int, settings: Settings) -> Outbound | None:
    """queued -> sending with a lease; None if it is not queued or someone else has it."""
    out = session.get(Outbound, out_id, populate_existing=True)
    if out is None or out.status != outbound_states.QUEUED:
        return None
    now = utcnow()
    won = outbound_states.transition(
        session,
        out,
        outbound_states.SENDING,
        "mailer",
        attempts=out.attempts + 1,
        claimed_by=worker_identity(),
        lease_until=now + timedelta(seconds=LEASE_TIMEOUTS * settings.smtp_timeout_seconds),
        status_changed_at=now,
    )
    return out if won else None


def deliver(out: Outbound, settings: Settings) -> None:
    """One SMTP attempt. Raises TemporaryFailure or PermanentFailure; returns once the
    relay accepted the message."""
    client: _Client | None = None
    try:
        msg = compose(out, settings)
        client = _connect(settings)
        _converse(client, msg, out, settings)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (451, b"recipient refused"))
        raise _by_code(code, text) from exc
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, exc.smtp_error) from exc
    except (smtplib.SMTPException, OSError) as exc:  # disconnects, timeouts, refusals
        if client is not None and client.message_out:
            raise UnansweredMessage(
                f"no answer after the message was sent ({type(exc).__name__}: {exc}); "
                "the relay may have accepted it"
            ) from exc
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    except TemporaryFailure:
        raise
    except Exception as exc:
        # A fault of ours (composing the message, say): retried like a relay's 4xx, so the
        # claim is released and, past the deadline, the reply fails where a reviewer sees it.
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def _by_code(code: int, text: bytes | str) -> Exception:
    message = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)


class _Client(smtplib.SMTP):
    """An SMTP client that knows whether the message itself has gone out: once its final
    dot is sent, the relay may accept it whatever happens to its answer."""

    message_out = False

    def send(self, s: Buffer | str) -> None:
        super().send(s)
        # Commands go as str; only DATA's payload is bytes, ending with the final dot.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_out = True


class _TLSClient(_Client, smtplib.SMTP_SSL):
    pass


def _connect(settings: Settings) -> _Client:
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        return _TLSClient(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    return _Client(settings.smtp_host, settings.smtp_port, timeout=timeout)


def _converse(client: _Client, msg: EmailMessage, out: Outbound, settings: Settings) -> None:
    timeout = settings.smtp_timeout_seconds
    try:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        if not _time_left(out.lease_until, DATA_TIMEOUTS * timeout):
            # Past this point the relay may accept the message; it must do so while the
            # lease is ours, or another worker could be sending it too.
            raise TemporaryFailure("the claim would run out before the message is sent")
        client.send_message(msg, from_addr=settings.consult_address, to_addrs=[out.to_address])
    finally:
        # Not ``with client``: it raises when QUIT is not answered 221, which after an
        # accepted message would send the reply again.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()
        client.close()


def _time_left(lease_until: datetime | None, needed: float) -> bool:
    if lease_until is None:
        return False
    return (_aware(lease_until) - utcnow()).total_seconds() > needed


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def record_sent(session: Session, out: Outbound) -> None:
    """sending -> sent; a reply becomes the case's outbound message and answers it."""
    if not outbound_states.transition(
        session,
        out,
        outbound_states.SENT,
        "mailer",
        expect=outbound_states.SENDING,
        sent_at=utcnow(),
        lease_until=None,
    ):
        # The claim was taken back while this worker was still sending (a frozen process):
        # the duplicate this module's docstring describes.
        log.warning("outbound %s was sent after its claim was taken back", out.id)
        return
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


def record_failure(
    session: Session, out: Outbound, error: Exception, settings: Settings
) -> SendResult:
    """Back to queued after a temporary failure, with exponential backoff, until the
    deadline; failed at once after a permanent one (the case returns to review), or
    uncertain when an attempt may have left a copy with the relay (see ``give_up``)."""
    text = str(error)[:2000]
    now = utcnow()
    # Remembered with the outcome, in the same UPDATE, whatever comes of the row.
    maybe = out.maybe_accepted_at or (now if isinstance(error, UnansweredMessage) else None)
    if isinstance(error, TemporaryFailure) or not isinstance(error, PermanentFailure):
        wait = backoff_seconds(out.attempts, settings)
        if now + timedelta(seconds=wait) < _aware(out.deliver_until):
            outbound_states.transition(
                session,
                out,
                outbound_states.QUEUED,
                "mailer",
                text,
                expect=outbound_states.SENDING,
                last_error=text,
                lease_until=None,
                next_attempt_at=now + timedelta(seconds=wait),
                maybe_accepted_at=maybe,
            )
            return SendResult("retry", text, wait)
        text = f"not delivered by the deadline: {text}"
    status = give_up(session, out, text, "mailer", maybe)
    return SendResult(status, text)


def backoff_seconds(attempts: int, settings: Settings) -> float:
    """How long to wait after the ``attempts``-th failed attempt."""
    first, cap = settings.smtp_retry_first_seconds, settings.smtp_retry_max_seconds
    return float(min(cap, first * 2 ** max(0, min(attempts - 1, 30))))


def give_up(
    session: Session,
    out: Outbound,
    error: str,
    actor: str,
    maybe_accepted_at: datetime | None = None,
) -> str:
    """sending -> failed, or uncertain when an earlier attempt may have been accepted:
    shown on the case, which goes back to review. Returns the status given.

    A refusal of a later attempt says nothing about the copy an earlier one may have left
    with the relay: calling it a plain failure would have a reviewer send a second,
    different reply to an asker who may have the first. ``maybe_accepted_at``: learnt
    from the attempt that just ended (the row's own is used too)."""
    maybe_accepted_at = maybe_accepted_at or out.maybe_accepted_at
    target, what = outbound_states.FAILED, "delivery failed"
    if maybe_accepted_at is not None:
        target, what = outbound_states.UNCERTAIN, "delivery uncertain"
        error = (
            "an earlier attempt may have reached the relay (no answer to it was recorded), "
            f"so the asker may already have this reply; the last attempt: {error}"
        )[:2000]
    if not outbound_states.transition(
        session,
        out,
        target,
        actor,
        error,
        expect=outbound_states.SENDING,
        last_error=error,
        lease_until=None,
        maybe_accepted_at=maybe_accepted_at,
    ):
        return target
    case = session.get(Case, out.case_id) if out.case_id is not None else None
    if out.kind == "reply" and case is not None and case.status == states.APPROVED:
        states.transition(session, case, states.AWAITING_REVIEW, actor, f"{what}: {error}")
    return target


def retry_failed(session: Session, out: Outbound, actor: str, settings: Settings) -> None:
    """failed or uncertain -> queued with a fresh deadline (a reviewer's retry); the
    caller publishes. An uncertain row stays marked: its earlier copy may still exist."""
    if out.status not in outbound_states.UNDELIVERED:
        raise outbound_states.TransitionError(f"outbound {out.id} is {out.status}, not failed")
    outbound_states.transition(
        session,
        out,
        outbound_states.QUEUED,
        actor,
        "retry requested",
        expect=out.status,
        next_attempt_at=None,
        last_error="",
        deliver_until=utcnow() + timedelta(hours=settings.smtp_deliver_hours),
    )


def abandoned_claims(session: Session, limit: int) -> list[Outbound]:
    """``sending`` rows whose lease has passed and whose worker is gone (bounded batch)."""
    now = utcnow()
    rows = session.scalars(
        select(Outbound)
        .where(Outbound.status == outbound_states.SENDING, Outbound.lease_until < now)
        .order_by(Outbound.lease_until)
        .limit(limit)
    ).all()
    return [row for row in rows if not claimant_alive(row, now)]


def claimant_alive(out: Outbound, now: datetime) -> bool:
    """True when the worker that claimed ``out`` may still be running.

    On this host the process table says; another host's worker is judged by its lease."""
    host, _, pid = out.claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if out.lease_until is not None and now - _aware(out.lease_until) > PID_REUSE_GRACE:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reclaim(session: Session, out: Outbound) -> bool:
    """sending -> queued for a claim whose worker is gone; True if this caller won.

    Where that worker died is unknown: perhaps after the relay's 250, so the row is
    marked as one whose copy the relay may have."""
    now = utcnow()
    return outbound_states.transition(
        session,
        out,
        outbound_states.QUEUED,
        "sweeper",
        f"claim of {out.claimed_by} expired",
        expect=outbound_states.SENDING,
        lease_until=None,
        next_attempt_at=None,
        maybe_accepted_at=out.maybe_accepted_at or now,
        status_changed_at=now,
    )
