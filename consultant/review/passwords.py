"""Reviewer passwords: argon2id hashes, a policy for new passwords, and verification that
takes the same time whether or not the account exists.

Hashes written before argon2id (``scrypt$salt$digest``) still verify; the login rehashes
them (``needs_rehash``) so old hashes disappear as reviewers sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# zxcvbn's score runs 0 (guessable in a few tries) to 4; 3 is "safely unguessable" offline.
MIN_STRENGTH = 3

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class WeakPassword(ValueError):
    """A new password the policy refuses; the message says why."""


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salt and parameters inside the string)."""
    return _hasher.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (argon2id or a legacy scrypt hash)."""
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for legacy schemes and argon2 hashes made with weaker parameters than today's."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def burn_time(password: str) -> None:
    """Spend what a real verification costs, for an unknown account: the response time must
    not tell which addresses are reviewers."""
    verify_password(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_policy(password: str, *, email: str = "", name: str = "") -> None:
    """Raise WeakPassword unless ``password`` is long enough and not common or guessable."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"A password needs at least {MIN_LENGTH} characters.")
    from zxcvbn import zxcvbn

    hints = [part for part in [email, email.split("@")[0], name, "consultant"] if part]
    result = zxcvbn(password[:100], user_inputs=hints)
    if int(result["score"]) < MIN_STRENGTH:
        warning = result.get("feedback", {}).get("warning") or "it is too easy to guess"
        raise WeakPassword(f"That password is too weak: {warning.rstrip('.')}.")


def generate_password() -> str:
    """A random password that passes the policy (about 128 bits)."""
    return secrets.token_urlsafe(16)


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        _, salt_b64, digest_b64 = stored.split("$")
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return hmac.compare_digest(digest, expected)
