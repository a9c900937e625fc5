"""Who uses the service: subscribers ask, reviewers answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consultant.crypto import EncryptedText
from consultant.models.base import Base, created_at


class Subscriber(Base):
    """A sender allowed to ask: an exact address or a whole domain (``@clinic.org``)."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    plan: Mapped[str] = mapped_column(String(50), default="standard")
    monthly_quota: Mapped[int] = mapped_column(Integer, default=0)  # 0 = unlimited
    sla_hours: Mapped[int] = mapped_column(Integer, default=24)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at()


class Reviewer(Base):
    """A certified coder who approves drafts; admins also manage data and people."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Base32 TOTP secret when the reviewer has a second factor; empty otherwise. Encrypted
    # at rest like mail: a database dump must not hand out second factors.
    totp_secret: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = created_at()


class ApiToken(Base):
    """A token an integration uses for the JSON API, acting as one reviewer.

    Only the SHA-256 of the token is kept; the token itself is shown once, when made.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at()
