"""The HCPCS long descriptors from the CMS file in ../shared (read at run time, never copied)."""

from __future__ import annotations

from functools import cache

import pytest

from tests.conftest import SHARED_DATA

HCPCS_DIR = SHARED_DATA / "hcpcs_2026"


@cache
def _descriptors() -> dict[str, str]:
    files = sorted(HCPCS_DIR.glob("HCPC*ANWEB*.txt"))
    if not files:
        return {}
    out: dict[str, str] = {}
    for line in files[-1].read_text(encoding="latin-1").splitlines():
        # Procedure records (3) and their continuations (4): code, then an 80-character part.
        if len(line) > 91 and line[10] in "34":
            part = line[11:91].rstrip()
            code = line[:5]
            out[code] = f"{out[code]} {part}" if line[10] == "4" and code in out else part
    return out


def descriptor(code: str) -> str:
    """The long descriptor of a HCPCS code; the test is skipped without the CMS file."""
    found = _descriptors().get(code)
    if found is None:
        pytest.skip(f"HCPCS file with {code} not in {HCPCS_DIR}")
    return found
