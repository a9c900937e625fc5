"""Who did which part of a test: the complete (global) service, its technical part (the
equipment, the staff, the tracing or images) or its professional part (the reading, the
interpretation and report). A practice that did only one part bills only that part
(CPT: 93000 is the ECG with interpretation, 93005 the tracing only, 93010 the
interpretation only; CMS MPFS: a code with PC/TC indicator 1 is split by modifiers TC and
26). The other part is the other party's to bill."""

from __future__ import annotations

import re

TECHNICAL = "technical"
PROFESSIONAL = "professional"

# Complete services whose parts have codes of their own: (technical only, professional only).
PART_CODES = {
    "93000": ("93005", "93010"),  # routine ECG, 12 leads
    "93040": ("93041", "93042"),  # rhythm ECG, 1-3 leads
    "93015": ("93017", "93018"),  # cardiovascular stress test (93016: supervision only)
}
PART_OF = {part: whole for whole, parts in PART_CODES.items() for part in parts}
MODIFIER = {TECHNICAL: "TC", PROFESSIONAL: "26"}

_READ = r"(?:reads?|read(?:ing|s)?|interprets?|interpret(?:ation|ing|ed)|the read|report)"
_OTHERS = (
    r"(?:an? )?(?:outside|another|other|different|external|off-?site|hospital'?s?|the hospital)"
    r"(?: \w+)?"
)
_TECHNICAL_ONLY = re.compile(
    r"\b(?:nobody|no one|none of us|no provider|no physician|no doctor)\b[^.?!]{0,40}\b"
    + _READ
    + r"|\b(?:sent|transmitted|forwarded|faxed|uploaded)\b[^.?!]{0,80}\b(?:who|to be|for)\b"
    r"[^.?!]{0,30}\b" + _READ + r"|\b(?:tracing|technical(?: component)?|equipment) only\b"
    r"|\b(?:only|just) (?:do |perform |take )?(?:the )?(?:tracing|technical)"
    r"|\b(?:read|reading|interpreted|interpretation)\b[^.?!]{0,20}\b(?:by|at) " + _OTHERS
)
_PROFESSIONAL_ONLY = re.compile(
    r"\b(?:interpretation|read|reading|professional(?: component)?) only\b"
    r"|\b(?:only|just) (?:do(?:es)? |provides? |performs? )?(?:the )?"
    r"(?:read|reading|interpretation|interpret|professional)"
    r"|\b(?:tracing|test|study|images?|scan|ekgs?|ecgs?)\b[^.?!]{0,30}\b(?:done|performed|taken|"
    r"obtained) (?:by|at|in) "
    + _OTHERS
    # A hospital-based group billing its professional fees: the hospital bills the rest.
    + r"|\b(?:we|group|practice) (?:only )?bill (?:only )?(?:the )?pro(?:fessional)? fees?\b"
)


def part_done(lowered: str) -> str:
    """The part the asker's practice did, when the words say only one was theirs: TECHNICAL,
    PROFESSIONAL or ""."""
    technical = _TECHNICAL_ONLY.search(lowered) is not None
    professional = _PROFESSIONAL_ONLY.search(lowered) is not None
    if technical == professional:
        return ""  # neither said, or both: the complete service, or the reader decides
    return TECHNICAL if technical else PROFESSIONAL


def part_code(code: str, part: str) -> str | None:
    """The code of ``part`` of the complete service ``code`` (93000, technical: 93005), or
    None when the service has no codes of its own for its parts."""
    pair = PART_CODES.get(code) or PART_CODES.get(PART_OF.get(code, ""))
    if pair is None or not part:
        return None
    return pair[0] if part == TECHNICAL else pair[1]
