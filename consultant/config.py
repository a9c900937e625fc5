"""Typed settings read from the environment (``CONSULTANT_*``) and an optional file.

The embedded default needs no servers: SQLite and a file-system Celery transport under
``CONSULTANT_HOME``. Production names Postgres and Redis and must set a real secret key.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-embedded-only"


class ImapMailbox(BaseModel):
    """One IMAP mailbox the poller watches."""

    name: str = "consult"
    host: str = "127.0.0.1"
    port: int = 993
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str
    password: str = ""
    oauth2_token: str = ""
    folder: str = "INBOX"
    # Where processed mail is moved after commit; empty means flag it \\Seen in place.
    processed_folder: str = ""
    poll_seconds: float = 30.0
    idle_seconds: float = 25 * 60


class Settings(BaseSettings):
    """All configuration in one place; see README "Configuration"."""

    model_config = SettingsConfigDict(
        env_prefix="CONSULTANT_",
        env_file=os.environ.get("CONSULTANT_ENV_FILE", ".env"),
        extra="ignore",
    )

    mode: Literal["embedded", "production"] = "embedded"
    home: Path = Path("./var")
    database_url: str = ""
    broker_url: str = ""
    secret_key: str = DEFAULT_SECRET
    secret_key_file: str = ""

    consult_address: str = "consult@localhost"
    reply_from_name: str = "Consultant coding desk"
    imap_mailboxes: list[ImapMailbox] = Field(default_factory=list)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8026
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    # How long a reply keeps being retried before it is marked failed.
    smtp_deliver_hours: float = 24.0
    # Longest wait for any one reply of the relay; the claim on a reply being sent lasts
    # long enough that no conversation can outlive it (see consultant/mailout/send.py).
    smtp_timeout_seconds: float = 30.0
    # Backoff after a temporary failure (4xx, connection error): first wait, doubling, capped.
    smtp_retry_first_seconds: float = 5.0
    smtp_retry_max_seconds: float = 600.0

    smtpd_host: str = "127.0.0.1"
    smtpd_port: int = 8025
    smtpd_max_bytes: int = 25 * 1024 * 1024
    web_host: str = "127.0.0.1"
    web_port: int = 8000

    # What happens to mail from an address that is not a subscriber: "accept" opens a
    # case (the embedded default, so a newcomer's first question gets a draft), "hold"
    # quarantines it for an admin. Empty means: accept when embedded, hold in production.
    unknown_sender_policy: Literal["", "accept", "hold", "reply"] = ""
    # "reply" holds the message too, and sends the sender one polite note per period.

    # An RFC 3834 acknowledgement with the case number, at most one per sender per period.
    ack_enabled: bool = False
    ack_period_hours: float = 24.0
    # Inbound SMTP: optional STARTTLS, and messages per sender per hour.
    smtpd_tls_cert: str = ""
    smtpd_tls_key: str = ""
    smtpd_rate_per_hour: int = 30

    # A case left in a working state longer than this is re-enqueued by the sweeper.
    sweep_after_seconds: int = 120
    # How often beat runs the sweeper (it also takes back claims whose lease ran out).
    sweep_every_seconds: float = 30.0

    @model_validator(mode="after")
    def _derive(self) -> Settings:
        if self.secret_key_file:
            self.secret_key = Path(self.secret_key_file).read_text().strip()
        if self.mode == "production" and self.secret_key in ("", DEFAULT_SECRET):
            raise ValueError(
                "CONSULTANT_SECRET_KEY (or CONSULTANT_SECRET_KEY_FILE) must be set in production"
            )
        return self

    @property
    def accepts_unknown_senders(self) -> bool:
        return self.sender_policy == "accept"

    @property
    def sender_policy(self) -> str:
        return self.unknown_sender_policy or ("accept" if self.mode == "embedded" else "hold")

    @property
    def home_dir(self) -> Path:
        return self.home.resolve()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home_dir / 'consultant.db'}"

    @property
    def broker(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def broker_dir(self) -> Path:
        return self.home_dir / "broker"

    @property
    def outbox_dir(self) -> Path:
        """Where the embedded capture sink writes sent replies as .eml files."""
        return self.home_dir / "outbox"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the supervisor change the environment)."""
    get_settings.cache_clear()
