"""IMAP poller: UID + UIDVALIDITY checkpoint, IDLE with a polling fallback.

For each batch: store raw bytes and advance the checkpoint in one transaction, commit,
and only then mark the mail on the server (flag \\Seen or move). A crash between the
commit and the mark leaves a message unflagged, never lost and never stored twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
import threading
import time

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import Engine

from consultant.config import ImapMailbox, Settings
from consultant.db import transaction
from consultant.mailin import lease
from consultant.mailin.store import store_inbound
from consultant.models import MailboxCheckpoint

log = logging.getLogger(__name__)

FETCH_BATCH = 50
# Servers drop IDLE after 30 minutes (RFC 2177); re-issue it before that.
IDLE_REISSUE_SECONDS = 29 * 60
_CONNECTION_ERRORS = (IMAPClientError, imaplib.IMAP4.abort, OSError, socket.timeout, ssl.SSLError)


class LeaseLost(RuntimeError):
    """Another poller took over this mailbox (our lease expired)."""


class Poller:
    """Watches one mailbox until ``stop`` is set."""

    def __init__(
        self,
        mailbox: ImapMailbox,
        settings: Settings,
        engine: Engine | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.mailbox = mailbox
        self.settings = settings
        self.engine = engine
        self.stop = stop or threading.Event()
        self.holder = lease.holder_name()
        self._renewed = 0.0

    def connect(self) -> IMAPClient:
        box = self.mailbox
        client = IMAPClient(box.host, port=box.port, ssl=box.security == "tls", timeout=60)
        if box.security == "starttls":
            client.starttls(ssl.create_default_context())
        if box.oauth2_token:
            client.oauth2_login(box.username, box.oauth2_token)
        else:
            client.login(box.username, box.password)
        return client

    def catch_up(self, client: IMAPClient) -> int:
        """Store everything after the checkpoint. Returns how many new messages were stored."""
        box = self.mailbox
        info = client.select_folder(box.folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        last_uid = self._checkpoint(uidvalidity)
        uids = [u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid]
        stored = 0
        for start in range(0, len(uids), FETCH_BATCH):
            batch = sorted(uids[start : start + FETCH_BATCH])
            # BODY.PEEK: a plain RFC822 fetch sets \\Seen before our commit.
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            with transaction(self.engine) as session:
                for uid in batch:
                    raw = fetched.get(uid, {}).get(b"BODY[]")
                    if raw is None:
                        continue  # expunged between SEARCH and FETCH
                    result = store_inbound(
                        session, raw, "imap", mailbox=box.name, uidvalidity=uidvalidity, uid=uid
                    )
                    stored += int(result.created)
                checkpoint = session.get(MailboxCheckpoint, box.name)
                if checkpoint is None:
                    checkpoint = MailboxCheckpoint(mailbox=box.name, uidvalidity=uidvalidity)
                    session.add(checkpoint)
                checkpoint.uidvalidity = uidvalidity
                checkpoint.last_uid = batch[-1]
            self.mark_processed(client, batch)
        return stored

    def mark_processed(self, client: IMAPClient, uids: list[int]) -> None:
        """After commit only: move to the processed folder, or flag \\Seen."""
        folder = self.mailbox.processed_folder
        if folder:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.move(uids, folder)
        else:
            client.add_flags(uids, [b"\\Seen"])

    def _checkpoint(self, uidvalidity: int) -> int:
        with transaction(self.engine) as session:
            checkpoint = session.get(MailboxCheckpoint, self.mailbox.name)
            if checkpoint is None or checkpoint.uidvalidity != uidvalidity:
                # A new UIDVALIDITY epoch: the old UIDs mean nothing. Re-read the folder;
                # the Message-ID key absorbs what was stored before.
                return 0
            return checkpoint.last_uid

    def run(self) -> None:
        """Watch the mailbox while holding its lease, reconnecting with backoff, until
        ``stop`` is set. Without the lease, wait as a standby."""
        backoff = 1.0
        try:
            while not self.stop.is_set():
                if not lease.take(self.engine, self.mailbox.name, self.holder):
                    self.stop.wait(lease.LEASE_SECONDS / 3)
                    continue
                self._renewed = time.monotonic()
                try:
                    client = self.connect()
                    backoff = 1.0
                    try:
                        self._watch(client)
                    finally:
                        _logout_quietly(client)
                except LeaseLost:
                    log.warning("mailbox %s: another poller holds it now", self.mailbox.name)
                except _CONNECTION_ERRORS as exc:
                    # imapclient can raise IMAP4.abort from idle_check on a split response:
                    # reconnect and resume from the checkpoint.
                    log.warning(
                        "mailbox %s: %r; reconnecting in %.0fs", self.mailbox.name, exc, backoff
                    )
                    self.stop.wait(backoff)
                    backoff = min(backoff * 2, 300.0)
        finally:
            lease.release(self.engine, self.mailbox.name, self.holder)

    def _renew(self) -> None:
        if time.monotonic() - self._renewed < lease.LEASE_SECONDS / 3:
            return
        if not lease.take(self.engine, self.mailbox.name, self.holder):
            raise LeaseLost(self.mailbox.name)
        self._renewed = time.monotonic()

    def _watch(self, client: IMAPClient) -> None:
        self._catch_up_all(client)
        can_idle = client.has_capability("IDLE")
        while not self.stop.is_set():
            self._renew()
            if not can_idle:
                self.stop.wait(self.mailbox.poll_seconds)
                client.noop()
                self.catch_up(client)
                continue
            client.idle()
            started = time.monotonic()
            changed = False
            try:
                limit = min(self.mailbox.idle_seconds, IDLE_REISSUE_SECONDS)
                while not self.stop.is_set() and time.monotonic() - started < limit:
                    self._renew()
                    if client.idle_check(timeout=1.0):
                        changed = True
                        break
            finally:
                client.idle_done()
            if changed or not self.stop.is_set():
                self._catch_up_all(client)

    def _catch_up_all(self, client: IMAPClient) -> None:
        """Catch up, and again while mail arrived during it: the server announces a new
        message once, in the response to whatever command is running, and a message
        announced to our SEARCH or STORE is not announced again to the IDLE that follows
        (it waited there until the IDLE was reissued)."""
        for _ in range(MAX_CATCH_UP_ROUNDS):
            self.catch_up(client)
            if not arrived_meanwhile(client):
                return


# Rounds of catching up before IDLE while mail keeps arriving (each round stores what came).
MAX_CATCH_UP_ROUNDS = 5


def arrived_meanwhile(client: IMAPClient) -> bool:
    """The server announced a new message (EXISTS) during our commands after the SELECT.
    imaplib keeps the untagged responses since the SELECT, which flushed them; the first
    EXISTS is the SELECT's own count."""
    return len(client._imap.untagged_responses.get("EXISTS", [])) > 1


def _logout_quietly(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):  # the connection is being dropped anyway
        client.logout()


def run_pollers(settings: Settings, stop: threading.Event | None = None) -> None:
    """One thread per configured mailbox; returns when all stop."""
    stop = stop or threading.Event()
    threads = [
        threading.Thread(
            target=Poller(box, settings, stop=stop).run, name=f"poller-{box.name}", daemon=True
        )
        for box in settings.imap_mailboxes
    ]
    for thread in threads:
        thread.start()
    try:
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
