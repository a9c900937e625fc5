"""The eye a note names, as ICD-10-CM's eye codes need it: the sixth or seventh character 1
(right), 2 (left) or 3 (bilateral), from the words eye notes use (OD, OS, OU)."""

from __future__ import annotations

import re

EYES = (
    (re.compile(r"\bou\b|\bboth eyes\b|\bbilateral\w*\b|\bbilat\b|\bb/l\b"), "3"),
    (re.compile(r"\bod\b|\bright eye\b|\bright\b"), "1"),
    (re.compile(r"\bos\b|\bleft eye\b|\bleft\b"), "2"),
)


def eyes_named(text: str) -> set[str]:
    """The eye characters the text names: "1", "2", "3"."""
    return {digit for pattern, digit in EYES if pattern.search(text)}


def one_eye(found: set[str]) -> str:
    """The one character for the eyes named: both when both are, "" when none or unclear."""
    if "3" in found or {"1", "2"} <= found:
        return "3"
    return next(iter(found)) if len(found) == 1 else ""
