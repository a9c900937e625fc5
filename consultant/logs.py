"""Logging for the commands and processes: one place for levels and what is noise.

An SMTP conversation (aiosmtpd's ``mail.log``) is logged line by line; it is shown only
at DEBUG. ``CONSULTANT_LOG_LEVEL`` sets the level (INFO by default); ``consultant run``
gives its children WARNING unless it is set, so its banner is not buried.
"""

from __future__ import annotations

import logging
import os

LEVEL_VARIABLE = "CONSULTANT_LOG_LEVEL"


class _DropKnownNoise(logging.Filter):
    """kombu warns on every connection that a file-system broker URL has no host."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "No hostname was supplied" not in record.getMessage()


def level_name() -> str:
    """The configured level name, INFO when unset or unknown."""
    name = os.environ.get(LEVEL_VARIABLE, "INFO").upper()
    return name if name in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO"


def configure() -> None:
    """Set up the root logger for a command or process."""
    level = getattr(logging, level_name())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    logging.getLogger("mail.log").setLevel(
        logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    )
    logging.getLogger("kombu.connection").addFilter(_DropKnownNoise())
