"""Who is signed in to the workspace, and who has been failing to sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consultant.models.base import Base, created_at, utcnow


class ReviewerSession(Base):
    """A server-side login session. The cookie carries a random token; only its SHA-256 is
    stored, so a database read does not hand out live sessions. Deleting the row ends it."""

    __tablename__ = "reviewer_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at()
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginThrottle(Base):
    """Failed logins per key (``account:<email>`` or ``client:<address>``): each failure
    past the free ones pushes ``blocked_until`` further; past the lockout count an account
    stays locked until an admin unlocks it."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked: Mapped[bool] = mapped_column(default=False)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
