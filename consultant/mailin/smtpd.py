"""Inbound SMTP listener (aiosmtpd): the same store-then-enqueue edge as the poller.

Rejects early with precise codes: an unknown recipient at RCPT (550 5.1.1), an oversize
message (552), a sender over its rate (450 4.7.1). Only a committed message gets a 250.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections import defaultdict, deque
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from consultant.config import Settings
from consultant.db import transaction
from consultant.mailin.store import store_inbound

log = logging.getLogger(__name__)


class SenderRateLimit:
    """At most ``limit`` messages per sender in a sliding ``window`` of seconds."""

    def __init__(self, limit: int = 30, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, sender: str) -> bool:
        now = time.monotonic()
        seen = self._seen[sender.lower()]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True


class InboundHandler:
    """aiosmtpd hooks; ``store`` is a plain function tests can call without sockets."""

    def __init__(self, settings: Settings, rate: SenderRateLimit | None = None) -> None:
        self.settings = settings
        self.accepted = {settings.consult_address.lower()}
        self.rate = rate or SenderRateLimit(limit=settings.smtpd_rate_per_hour)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if not self.rate.allow(address or "<>"):
            return "450 4.7.1 Too many messages from this sender; try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() not in self.accepted:
            return "550 5.1.1 No such consult address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw).encode("utf-8", "surrogateescape")
        if len(raw) > self.settings.smtpd_max_bytes:
            return "552 5.3.4 Message too big"
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self.store, raw, envelope.mail_from or "")
        except Exception:
            log.exception("could not store inbound message")
            return "451 4.3.0 Temporary failure storing the message; try again"
        return "250 2.0.0 Message accepted"

    def store(self, raw: bytes, envelope_from: str) -> None:
        with transaction() as session:
            store_inbound(session, raw, "smtp", envelope_from=envelope_from)


def make_controller(settings: Settings, **kwargs: Any) -> Controller:
    """The listener; offers STARTTLS when a certificate and key are configured."""
    if settings.smtpd_tls_cert and settings.smtpd_tls_key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(settings.smtpd_tls_cert, settings.smtpd_tls_key)
        kwargs.setdefault("tls_context", context)
    return Controller(
        InboundHandler(settings),
        hostname=settings.smtpd_host,
        port=settings.smtpd_port,
        data_size_limit=settings.smtpd_max_bytes,
        **kwargs,
    )
