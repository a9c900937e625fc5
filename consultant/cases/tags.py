"""The ``[Case #N/token]`` subject tag. The token is an HMAC of the case number, so a
guessed or mistyped number cannot attach mail to someone else's case."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

_TAG = re.compile(r"\[Case #(\d+)(?:/([0-9a-f]{8}))?\]", re.I)


def case_token(case_id: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"case:{case_id}".encode(), hashlib.sha256).hexdigest()[:8]


def case_tag(case_id: int, secret: str) -> str:
    return f"[Case #{case_id}/{case_token(case_id, secret)}]"


def find_tagged_case(subject: str, keys: str | Sequence[str]) -> int | None:
    """The case number in ``subject`` if its token is genuine under any of ``keys``
    (the current secret and those being retired, so a rotation does not orphan threads)."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    for match in _TAG.finditer(subject):
        number, token = int(match.group(1)), (match.group(2) or "").lower()
        if token and any(hmac.compare_digest(token, case_token(number, k)) for k in keys):
            return number
    return None


def strip_tags(subject: str) -> str:
    """The subject without our tag and reply/forward prefixes, for display."""
    subject = _TAG.sub("", subject)
    subject = re.sub(r"^\s*((re|fwd?|aw|wg|sv|tr)\s*:\s*)+", "", subject, flags=re.I)
    return " ".join(subject.split())


def reply_subject(subject: str, case_id: int, secret: str) -> str:
    return f"Re: {strip_tags(subject) or 'Your coding question'} {case_tag(case_id, secret)}"
