"""A relay that misbehaves on cue: the outbound SMTP faults a real relay produces.

Each connection takes the next behaviour from a script (then ``ok`` forever):
``ok`` accepts the message; ``421`` refuses at the greeting; ``451`` refuses the message
after its data; ``550`` refuses the recipient; ``drop`` closes the connection in the
middle of the message data (a short message is already all in the sender's socket, so to
the sender this looks like an answer that never came); ``hang`` reads the data and never answers; ``badquit``
accepts the message, then answers QUIT with a 5xx. Two keep the message (it counts as
delivered) without the sender ever learning it: ``taken-drop`` closes the connection
where the 250 should be, ``taken-hang`` never answers (``holding`` is set meanwhile).
It is a plain socket server so that it can break the protocol where aiosmtpd would not.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter
from email import message_from_bytes, policy

from tests.servers import free_port


class FaultyRelay:
    def __init__(self, script: list[str] | None = None) -> None:
        self.script = list(script or [])
        self.port = free_port()
        self.delivered: Counter[str] = Counter()  # Message-ID -> times accepted
        self.connections = 0
        self.hanging = threading.Event()  # set while a ``hang`` connection holds a message
        self.holding = threading.Event()  # set while ``taken-hang`` keeps one unanswered
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FaultyRelay:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.close()

    def _next(self) -> str:
        with self._lock:
            self.connections += 1
            return self.script.pop(0) if self.script else "ok"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn, self._next()), daemon=True).start()

    def _talk(self, conn: socket.socket, behaviour: str) -> None:
        # A client killed mid-conversation resets the connection: nothing to report.
        with contextlib.suppress(OSError):
            self._converse(conn, behaviour)

    def _converse(self, conn: socket.socket, behaviour: str) -> None:
        with conn, conn.makefile("rb") as reader:

            def say(line: str) -> None:
                conn.sendall(line.encode() + b"\r\n")

            if behaviour == "421":
                say("421 4.3.2 service not available, try later")
                return
            say("220 relay.test ESMTP")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    say("250 relay.test")
                elif verb == b"MAIL":
                    say("250 2.1.0 ok")
                elif verb == b"RCPT":
                    say("550 5.1.1 no such user" if behaviour == "550" else "250 2.1.5 ok")
                elif verb == b"DATA":
                    say("354 go ahead")
                    data = self._read_data(reader, behaviour)
                    if data is None:
                        return
                    if behaviour == "451":
                        say("451 4.3.0 temporary failure, try again")
                        continue
                    message = message_from_bytes(data, policy=policy.default)
                    with self._lock:
                        self.delivered[str(message["Message-ID"])] += 1
                    if behaviour == "taken-drop":
                        return  # the message is kept; the 250 is lost with the connection
                    if behaviour == "taken-hang":
                        self.holding.set()
                        self._stop.wait()
                        return
                    say("250 2.0.0 queued")
                elif verb == b"QUIT":
                    say("554 5.0.0 closing badly" if behaviour == "badquit" else "221 bye")
                    return
                else:
                    say("250 ok")

    def _read_data(self, reader, behaviour: str) -> bytes | None:  # type: ignore[no-untyped-def]
        lines = []
        while line := reader.readline():
            if behaviour == "drop" and len(lines) >= 3:
                return None  # the connection closes with the message half sent
            if line == b".\r\n":
                if behaviour == "hang":
                    self.hanging.set()
                    self._stop.wait()
                    return None
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
        return None
