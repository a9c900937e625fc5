"""Inbound SMTP listener (aiosmtpd): the same store-then-enqueue edge as the poller.

Rejects early with precise codes: an unknown recipient at RCPT (550 5.1.1), an oversize
message (552), a sender, sender domain or client address over its rate (450 4.7.1). Only a committed message gets a 250.
"""

from __future__ import annotations

import asyncio
import logging
import re
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


class SlidingWindow:
    """At most ``limit`` events per key in a sliding ``window`` of seconds."""

    def __init__(self, limit: int, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def full(self, key: str, now: float) -> bool:
        seen = self._seen[key]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if not seen:
            del self._seen[key]  # keep memory bounded by the keys active in the window
        return self.limit > 0 and len(seen) >= self.limit

    def record(self, key: str, now: float) -> None:
        self._seen[key].append(now)


class SenderRateLimit:
    """Messages per envelope sender, per sender domain and per client address, each in a
    sliding window: many addresses at one domain, or many domains from one host, are
    limited as well as one address. A limit of 0 turns that count off."""

    def __init__(
        self,
        limit: int = 30,
        window: float = 3600.0,
        per_domain: int = 0,
        per_client: int = 0,
    ) -> None:
        self.limits = {
            "sender": SlidingWindow(limit, window),
            "domain": SlidingWindow(per_domain, window),
            "client": SlidingWindow(per_client, window),
        }

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderRateLimit:
        return cls(
            limit=settings.smtpd_rate_per_hour,
            per_domain=settings.smtpd_rate_per_domain_per_hour,
            per_client=settings.smtpd_rate_per_client_per_hour,
        )

    def check(self, sender: str, client: str = "") -> str:
        """ "" when the message may come in (and it is counted), else what is over."""
        sender = sender.lower() or "<>"
        keys = {
            "sender": sender,
            "domain": sender.rsplit("@", 1)[-1] if "@" in sender else sender,
            "client": client or "unknown",
        }
        now = time.monotonic()
        for kind, window in self.limits.items():
            if window.full(keys[kind], now):
                return kind
        for kind, window in self.limits.items():
            window.record(keys[kind], now)
        return ""

    def allow(self, sender: str, client: str = "") -> bool:
        return not self.check(sender, client)


class InboundHandler:
    """aiosmtpd hooks; ``store`` is a plain function tests can call without sockets."""

    def __init__(self, settings: Settings, rate: SenderRateLimit | None = None) -> None:
        self.settings = settings
        self.accepted = {settings.consult_address.lower()}
        self.rate = rate or SenderRateLimit.from_settings(settings)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        client = (
            str(session.peer[0]) if isinstance(session.peer, tuple) else str(session.peer or "")
        )
        over = self.rate.check(address or "<>", client)
        if over:
            log.warning("rate limit (%s) refused MAIL FROM %r from %s", over, address, client)
            what = {"sender": "this sender", "domain": "this domain", "client": "this host"}[over]
            return f"450 4.7.1 Too many messages from {what}; try again later"
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


# An SMTP path made of a plain address, as nearly every client writes MAIL FROM and RCPT
# TO ("<pat@clinic.example>", then any parameters): read with one regular expression, for
# the same result as aiosmtpd's reading with the header registry, which cost a listener
# under a burst about a sixth of its CPU. Anything else goes through aiosmtpd's.
_PLAIN_PATH = re.compile(
    r"<([A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*)>(.*)",
    re.DOTALL,
)


def plain_path(arg: str, local_part_limit: int) -> tuple[str | None, str | None] | None:
    """(address, rest) of a plain SMTP path, as aiosmtpd reads it; None for any other."""
    plain = _PLAIN_PATH.fullmatch(arg)
    if plain is None:
        return None
    address, rest = plain.group(1), plain.group(2).lstrip(" \t")
    if rest.startswith("("):
        return None  # a comment, which aiosmtpd's reading drops
    if local_part_limit and len(address.rpartition("@")[0]) > local_part_limit:
        return None, None
    return address, rest


class _Listener(SMTP):
    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        found = plain_path(arg, self.local_part_limit)
        return super()._getaddr(arg) if found is None else found


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Listener(self.handler, **self.SMTP_kwargs)


def make_controller(settings: Settings, **kwargs: Any) -> Controller:
    """The listener; offers STARTTLS when a certificate and key are configured."""
    if settings.smtpd_tls_cert and settings.smtpd_tls_key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(settings.smtpd_tls_cert, settings.smtpd_tls_key)
        kwargs.setdefault("tls_context", context)
    return _Controller(
        InboundHandler(settings),
        hostname=settings.smtpd_host,
        port=settings.smtpd_port,
        data_size_limit=settings.smtpd_max_bytes,
        **kwargs,
    )
