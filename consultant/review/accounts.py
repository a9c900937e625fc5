"""Reviewer accounts: passwords, activation, lockouts, and the sessions they end.

Every change that should lock someone out (a new password, a deactivation) ends the
reviewer's sessions here, in the same transaction, so no caller can forget to.
Helpers take a session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from consultant.cases import states
from consultant.models import LoginThrottle, Reviewer, ReviewerSession
from consultant.review.passwords import check_policy, hash_password


class AccountError(ValueError):
    """An account operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class AccountRow:
    email: str
    name: str
    is_admin: bool
    active: bool
    locked: bool
    sessions: int
    totp: bool


def account_key(email: str) -> str:
    """The throttle key of an account (also used for unknown addresses)."""
    return f"account:{email.strip().lower()}"


def find_reviewer(session: Session, email: str) -> Reviewer:
    reviewer = session.scalar(select(Reviewer).where(Reviewer.email == email.strip().lower()))
    if reviewer is None:
        raise AccountError(f"no reviewer {email}")
    return reviewer


def end_sessions(session: Session, reviewer_id: int) -> int:
    """Delete every session of a reviewer; returns how many there were."""
    result = session.execute(
        delete(ReviewerSession).where(ReviewerSession.reviewer_id == reviewer_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_password(session: Session, reviewer: Reviewer, password: str, actor: str) -> None:
    """Check the policy, store an argon2id hash and end the reviewer's sessions."""
    check_policy(password, email=reviewer.email, name=reviewer.name)
    reviewer.password_hash = hash_password(password)
    session.flush()
    end_sessions(session, reviewer.id)
    states.audit(session, None, actor, "password_set", reviewer.email)


def change_own_password(
    session: Session, reviewer: Reviewer, new: str, repeated: str, keep_token_hash: str
) -> int:
    """A reviewer's own new password (the current one already checked by the caller):
    the two entries must match and pass the policy; every other session of the reviewer
    ends, this one stays. Returns how many sessions ended."""
    if new != repeated:
        raise AccountError("The two new passwords differ.")
    check_policy(new, email=reviewer.email, name=reviewer.name)
    reviewer.password_hash = hash_password(new)
    session.flush()
    ended = session.execute(
        delete(ReviewerSession).where(
            ReviewerSession.reviewer_id == reviewer.id,
            ReviewerSession.token_hash != keep_token_hash,
        )
    )
    states.audit(session, None, reviewer.email, "password_changed", reviewer.email)
    return int(ended.rowcount or 0)  # type: ignore[attr-defined]


def set_active(session: Session, reviewer: Reviewer, active: bool, actor: str) -> None:
    """Enable or disable a reviewer; disabling ends their sessions at once."""
    reviewer.active = active
    session.flush()
    if not active:
        end_sessions(session, reviewer.id)
    states.audit(
        session, None, actor, "reviewer_enabled" if active else "reviewer_disabled", reviewer.email
    )


def unlock(session: Session, reviewer: Reviewer, actor: str) -> None:
    """Lift a lockout and forget the failed attempts on the account."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(reviewer.email)))
    states.audit(session, None, actor, "reviewer_unlocked", reviewer.email)


def enroll_totp(session: Session, reviewer: Reviewer, actor: str, remove: bool = False) -> str:
    """Give the reviewer a new TOTP secret (or remove it); returns the provisioning URI to
    show once as a QR code or text, or "" when removed. Existing sessions end."""
    import pyotp

    reviewer.totp_secret = "" if remove else pyotp.random_base32()
    session.flush()
    end_sessions(session, reviewer.id)
    states.audit(
        session, None, actor, "totp_removed" if remove else "totp_enrolled", reviewer.email
    )
    if remove:
        return ""
    return pyotp.TOTP(reviewer.totp_secret).provisioning_uri(
        name=reviewer.email, issuer_name="Consultant"
    )


def list_accounts(session: Session) -> list[AccountRow]:
    """Every reviewer with their state, for the admin command."""
    locked = set(
        session.scalars(select(LoginThrottle.key).where(LoginThrottle.locked.is_(True))).all()
    )
    counts: dict[int, int] = {}
    for reviewer_id in session.scalars(select(ReviewerSession.reviewer_id)):
        counts[reviewer_id] = counts.get(reviewer_id, 0) + 1
    return [
        AccountRow(
            email=r.email,
            name=r.name,
            is_admin=r.is_admin,
            active=r.active,
            locked=account_key(r.email) in locked,
            sessions=counts.get(r.id, 0),
            totp=bool(r.totp_secret),
        )
        for r in session.scalars(select(Reviewer).order_by(Reviewer.email))
    ]
