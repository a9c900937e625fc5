"""Encryption at rest for raw mail and message bodies (Fernet: AES-128-CBC + HMAC-SHA256).

Keys come from settings: CONSULTANT_DATA_KEY (a Fernet key; ``consultant secrets
data-key`` prints a new one) and CONSULTANT_DATA_KEY_OLD (keys being retired, still able to
decrypt). Without a data key, keys are derived from the secret key(s) with HKDF, so the
embedded install encrypts out of the box and a secret rotation keeps old rows readable
while the old secret is listed. ``consultant secrets rotate-data`` re-encrypts every row
under the current key, after which the old keys can be dropped.

Stored values carry a ``enc1:`` prefix; a value without it is a row written before
encryption and is returned as it is (and encrypted the next time it is written).
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import LargeBinary, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from consultant.config import Settings, get_settings

PREFIX = b"enc1:"


@lru_cache(maxsize=16)  # every value sealed or unsealed asks for it: derived once
def derive_key(secret: str) -> bytes:
    """A Fernet key derived from a secret key, for installs without a data key."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"consultant data at rest v1"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


def new_data_key() -> str:
    """A fresh random Fernet key."""
    return Fernet.generate_key().decode()


def cipher(settings: Settings | None = None) -> MultiFernet:
    """The cipher for ``settings``: encrypts with the first key, decrypts with any."""
    settings = settings or get_settings()
    keys = [k.encode() for k in settings.data_keys]
    if not keys:
        keys = [derive_key(s) for s in settings.verification_keys]
    return _cipher(tuple(keys))


@lru_cache(maxsize=8)
def _cipher(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def seal(data: bytes) -> bytes:
    """``data`` encrypted under the current key, with the stored-value prefix."""
    return PREFIX + cipher().encrypt(data)


def unseal(stored: bytes) -> bytes:
    """The plaintext of a stored value (legacy unencrypted values pass through)."""
    if not stored.startswith(PREFIX):
        return stored
    return cipher().decrypt(stored[len(PREFIX) :])


def reseal(stored: bytes) -> bytes:
    """A stored value re-encrypted under the current key (for key rotation)."""
    if not stored.startswith(PREFIX):
        return seal(stored)
    return PREFIX + cipher().rotate(stored[len(PREFIX) :])


class EncryptedBytes(TypeDecorator[bytes]):
    """A LargeBinary column stored encrypted."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else seal(bytes(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else unseal(bytes(value))


class EncryptedText(TypeDecorator[str]):
    """A Text column stored encrypted (as base64 text, so any database can hold it)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value == "":
            return ""  # nothing to hide, and empty stays cheap to test for
        return seal(str(value).encode()).decode()

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return unseal(str(value).encode()).decode()
