"""A local SMTP sink that writes every message it receives to a folder as .eml files.

The embedded default points the reply sender here, so a newcomer can read the replies
the service sends without any mail server."""

from __future__ import annotations

import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class CaptureHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._n = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        self._n += 1
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self._n:04d}.eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.rename(self.folder / name)
        return "250 2.0.0 Captured"


def capture_controller(folder: Path, host: str, port: int) -> Controller:
    return Controller(CaptureHandler(folder), hostname=host, port=port)
