"""Protected health information redaction, before matching, logs and drafting.

Conservative on purpose: an identifier that looks like PHI is replaced by a label. Code
numbers (CPT, HCPCS, ICD-10-CM), units, doses and dates of service survive; dates of
birth, names after patient markers, record numbers, SSNs, phones, addresses do not.
"""

from __future__ import annotations

import re

# A middle initial must stand alone ("Ann B. Lee"), or "Lucia Fernandez" would end at "F".
_NAME = r"[A-Z][a-z'’\-]+(?:\s+[A-Z]\.?(?=\s))?(?:\s+[A-Z][a-z'’\-]+){0,2}"
_DATE = r"\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}"

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (
        re.compile(
            rf"\b(DOB|D\.O\.B\.?|date of birth|born(?: on)?|birthdate|birth date)\s*[:#]?\s*({_DATE})",
            re.I,
        ),
        r"\1 [DOB]",
    ),
    (
        re.compile(
            r"\b(MRN|medical record(?: number| no\.?| #)?|member id|subscriber id|policy (?:number|no\.?|#)|"
            r"account (?:number|no\.?|#)|acct #?|chart (?:number|no\.?|#)|claim (?:number|no\.?|#))"
            r"\s*[:#]?\s*([A-Z0-9][A-Z0-9\-]{3,})",
            re.I,
        ),
        r"\1 [ID]",
    ),
    (re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b"), "[EMAIL]"),
    (re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"), "[PHONE]"),
    (
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][a-z]+\s){1,3}(Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Way)\b\.?",
        ),
        "[ADDRESS]",
    ),
    (
        re.compile(
            rf"\b((?:patient|pt|member|beneficiary|client)(?:'s)?\s*(?:name)?\s*(?:is|:|named|called)?\s+)"
            rf"({_NAME})",
            re.I,
        ),
        r"\1[NAME]",
    ),
    (re.compile(rf"\b(Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME}"), r"\1. [NAME]"),
    (re.compile(r"\b(age[ds]?|aged)\s+(9\d|1[0-4]\d)\b", re.I), r"\1 [AGE 90+]"),
]

# Words that follow "patient" but are not names (the name rule must not eat them).
_NOT_NAMES = {
    "came",
    "was",
    "had",
    "has",
    "is",
    "received",
    "presented",
    "returned",
    "saw",
    "seen",
    "with",
    "who",
    "for",
    "that",
    "in",
    "the",
    "a",
    "an",
    "and",
    "on",
    "at",
    "to",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "visit",
    "encounter",
    "new",
    "established",
    "needs",
}


def redact(text: str) -> str:
    """Text with PHI replaced by bracketed labels."""
    for pattern, replacement in _RULES:
        if replacement == r"\1[NAME]":
            text = pattern.sub(_name_sub, text)
        else:
            text = pattern.sub(replacement, text)
    return text


def _name_sub(match: re.Match[str]) -> str:
    name = match.group(2)
    first = name.split()[0].lower()
    if first in _NOT_NAMES or not match.group(2)[0].isupper():
        return match.group(0)
    return f"{match.group(1)}[NAME]"
