"""The IMAP poller against real Dovecot: checkpoint, no loss and no duplicate when the
process dies between the commit and the server flag."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.config import ImapMailbox, get_settings
from consultant.mailin.poller import Poller
from consultant.models import InboundMail, MailboxCheckpoint
from tests.mail import question
from tests.servers import Dovecot

pytestmark = pytest.mark.integration


@pytest.fixture
def folder(dovecot_server: Dovecot) -> str:
    name = f"T{uuid.uuid4().hex[:12]}"
    client = dovecot_server.client()
    client.create_folder(name)
    client.logout()
    return name


def _box(dovecot: Dovecot, folder: str) -> ImapMailbox:
    return ImapMailbox(
        name=folder,
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username=dovecot.user,
        password=dovecot.password,
        folder=folder,
    )


def _stored(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(InboundMail)) or 0)


def test_catch_up_stores_once_and_marks_seen(
    session: Session, dovecot_server: Dovecot, folder: str
) -> None:
    for n in range(3):
        dovecot_server.append(question(f"Question {n} about 96521"), folder)
    poller = Poller(_box(dovecot_server, folder), get_settings())
    client = poller.connect()
    assert poller.catch_up(client) == 3
    assert poller.catch_up(client) == 0
    client.select_folder(folder, readonly=True)
    assert client.search(["UNSEEN"]) == []
    client.logout()
    assert _stored(session) == 3
    assert session.get(MailboxCheckpoint, folder).last_uid == 3  # type: ignore[union-attr]


def test_killed_between_commit_and_flag(
    session: Session, dovecot_server: Dovecot, folder: str, db_url: str
) -> None:
    for n in range(4):
        dovecot_server.append(question(f"Question {n} about 96523"), folder)
    box = _box(dovecot_server, folder).model_dump_json()
    # A real process that dies (os._exit) right after its commit, before flagging.
    script = textwrap.dedent(f"""
        import os
        from consultant.config import ImapMailbox, get_settings
        from consultant.mailin import poller
        poller.Poller.mark_processed = lambda self, client, uids: os._exit(9)
        p = poller.Poller(ImapMailbox.model_validate_json({box!r}), get_settings())
        p.catch_up(p.connect())
    """)
    result = subprocess.run([sys.executable, "-c", script], env=dict(os.environ), timeout=60)
    assert result.returncode == 9
    assert _stored(session) == 4, "everything fetched was committed"
    client = dovecot_server.client()
    client.select_folder(folder, readonly=True)
    assert len(client.search(["UNSEEN"])) == 4, "the crash left the mail unflagged"
    client.logout()

    # Restarted, with the checkpoint lost as well: the unique keys absorb the re-read.
    session.execute(MailboxCheckpoint.__table__.delete())
    session.commit()
    poller = Poller(_box(dovecot_server, folder), get_settings())
    client = poller.connect()
    assert poller.catch_up(client) == 0
    dovecot_server.append(question("A new one after the restart"), folder)
    assert poller.catch_up(client) == 1
    client.logout()
    assert _stored(session) == 5


def test_idle_hears_new_mail_and_survives_a_dropped_connection(
    session: Session, dovecot_server: Dovecot, folder: str
) -> None:
    import threading
    import time

    stop = threading.Event()
    poller = Poller(_box(dovecot_server, folder), get_settings(), stop=stop)
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    try:
        dovecot_server.append(question("First, heard through IDLE"), folder)
        _wait(lambda: _stored(session) == 1)
        # The server drops every session of the user: the poller reconnects and resumes.
        subprocess.run(
            ["doveadm", "-c", str(dovecot_server.conf), "kick", dovecot_server.user],
            check=True,
            capture_output=True,
        )
        time.sleep(0.5)
        dovecot_server.append(question("Second, after the reconnect"), folder)
        _wait(lambda: _stored(session) == 2)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _wait(check, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_mail_announced_during_a_catch_up_is_caught_before_idle(
    session: Session, dovecot_server: Dovecot, folder: str
) -> None:
    """Bug: a message that arrived while the poller's SEARCH or STORE ran was announced in
    that command's response, not again to the IDLE that followed, and waited there until
    the IDLE was reissued (a test saw the first message stored after more than 20 s)."""
    from consultant.mailin.poller import arrived_meanwhile

    poller = Poller(_box(dovecot_server, folder), get_settings())
    client = poller.connect()
    assert poller.catch_up(client) == 0
    assert not arrived_meanwhile(client)
    client.select_folder(folder)
    dovecot_server.append(question("Arrived while we were busy"), folder)
    client.search(["ALL"])  # a command of ours, whose response announces the new message
    assert arrived_meanwhile(client)
    poller._catch_up_all(client)
    assert _stored(session) == 1
    client.logout()
