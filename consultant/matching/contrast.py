"""Contrast as an imaging question or a code's title says it: "with", "without" or "both"
(without and then with). CPT's contrast is intravenous (or intrathecal)."""

from __future__ import annotations

import re

_BOTH = re.compile(
    r"with(?:out)? and with(?:out)?|w/ ?(?:and )?w/?o|w/wo|wo/w|\bwwo\b|before and after contrast"
    r"|without contrast(?: material)?,? (?:then|followed by|and then|and) with"
    r"|(?:without contrast|non-?contrast)[^.;]{0,40}?\b(?:then|followed by)\b[^.;]{0,20}?\bwith\b"
    r"|without and (?:then )?with contrast|with and without contrast"
    # "Without contrast first, then repeat sequences after gadolinium."
    r"|(?:without contrast|non-?contrast|pre-?contrast)[^.;]{0,40}?\b(?:then|followed by)\b"
    r"[^.;]{0,40}?\b(?:after|post|with)[- ](?:iv )?(?:contrast|gad\w*|dye|gd)\b"
)
# "No non-contrast phase": contrast given, nothing without it.
_NO_PLAIN_PHASE = re.compile(r"\b(?:no|without|w/o)\s+(?:a\s+)?non-?contrast\b")
# Contrast in CPT's imaging codes is given intravenously (or intrathecally): oral contrast
# alone is "without contrast".
_WITHOUT = re.compile(
    r"without contrast|w/o contrast|\bwo contrast|non-?contrast|no contrast|plain ct|"
    r"\boral contrast (?:only|alone)\b|\bonly oral contrast\b|\b(?:no|without|w/o) iv contrast\b"
)
_WITH = re.compile(r"with contrast|w/ ?contrast|contrast[- ]enhanced|\bwith iv contrast")


def contrast_of(text: str) -> str:
    """ "both", "without" or "with" contrast, as an imaging question or title says it."""
    text = _NO_PLAIN_PHASE.sub(" with contrast ", text)
    if _BOTH.search(text):
        return "both"
    if _WITHOUT.search(text):
        return "without"
    if _WITH.search(text):
        return "with"
    return ""
