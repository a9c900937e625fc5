"""Typed settings read from the environment (``CONSULTANT_*``) and an optional file.

The embedded default needs no servers: SQLite and a file-system Celery transport under
``CONSULTANT_HOME``. Production names Postgres and Redis and must set a real secret key.
"""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that have shipped as defaults or examples somewhere: never accepted as a key.
_KNOWN_WEAK_SECRETS = {
    "",
    "change-me",
    "change-me-embedded-only",
    "changeme",
    "secret",
    "dev",
    "development",
    "test",
}
_MIN_SECRET_LENGTH = 32


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
    # Signs session cookies and the case tags. Empty in embedded mode means: generate one
    # on first start and keep it in CONSULTANT_HOME/secret_key (mode 0600).
    secret_key: str = ""
    secret_key_file: str = ""
    # Keys being retired, accepted for verification only (comma-separated or a JSON list).
    secret_key_old: str = ""
    # Fernet key(s) for raw mail at rest; empty means derived from the secret key(s).
    data_key: str = ""
    data_key_old: str = ""

    # Reviewer sessions: idle and absolute lifetimes; login throttling.
    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    login_free_failures: int = 5
    login_lockout_failures: int = 20
    login_ip_free_failures: int = 20
    # Lets a monitor read /metrics with "Authorization: Bearer <token>" without a login.
    metrics_token: str = ""

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
    # Processes serving the workspace; more than one spreads reviewers over the cores.
    web_workers: int = 1

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
    smtpd_rate_per_domain_per_hour: int = 120
    smtpd_rate_per_client_per_hour: int = 120

    # A case left in a working state longer than this is re-enqueued by the sweeper.
    sweep_after_seconds: int = 120
    # How often beat runs the sweeper (it also takes back claims whose lease ran out).
    sweep_every_seconds: float = 30.0

    # The workspace: a reviewer's claim lapses after this many minutes without action.
    claim_minutes: int = 30
    # A second reviewer must approve drafts below this confidence (0 turns it off) and,
    # when set, every draft routed to an expert.
    second_review_below: float = 0.0
    second_review_needs_expert: bool = False

    # ``consultant data update``: where the CMS download pages are (a mirror inside an
    # air-gapped network copies the same paths), an optional replacement for the bundled
    # catalogue of products and link patterns, and how often beat runs it (0: never).
    data_base_url: str = "https://www.cms.gov"
    data_catalogue: str = ""
    data_update_hours: float = 0.0

    @model_validator(mode="after")
    def _derive(self) -> Settings:
        if self.secret_key_file:
            self.secret_key = Path(self.secret_key_file).read_text().strip()
        if not self.secret_key and self.mode == "embedded":
            self.secret_key = _embedded_secret(self.home_dir / "secret_key")
        if self.secret_key.lower() in _KNOWN_WEAK_SECRETS or len(self.secret_key) < (
            _MIN_SECRET_LENGTH if self.mode == "production" else 16
        ):
            raise ValueError(
                "CONSULTANT_SECRET_KEY (or CONSULTANT_SECRET_KEY_FILE) must be set to a random "
                f"value of at least {_MIN_SECRET_LENGTH} characters in production"
            )
        return self

    @property
    def verification_keys(self) -> list[str]:
        """The current secret first, then the retiring ones: what a signature may be made with."""
        return [self.secret_key, *_key_list(self.secret_key_old)]

    @property
    def data_keys(self) -> list[str]:
        """Fernet keys for data at rest, current first; see consultant.crypto."""
        return [k for k in [self.data_key, *_key_list(self.data_key_old)] if k]

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
    def downloads_dir(self) -> Path:
        """Where ``data update`` keeps archives while they download (and resume)."""
        return self.home_dir / "downloads"

    @property
    def outbox_dir(self) -> Path:
        """Where the embedded capture sink writes sent replies as .eml files."""
        return self.home_dir / "outbox"


def _key_list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("["):
        return [str(v) for v in json.loads(value) if v]
    return [v.strip() for v in value.split(",") if v.strip()]


def _embedded_secret(path: Path) -> str:
    """The embedded install's key: made once, random, readable by its owner only."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the supervisor change the environment)."""
    get_settings.cache_clear()
