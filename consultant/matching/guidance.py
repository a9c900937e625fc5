"""Imaging guidance as a question or a code's title says it: "with" or "without".

Several services have a sibling that differs only by it (thoracentesis, pleural drainage,
PICC insertion, epidural and joint injections): the question decides between them the way
contrast decides between imaging studies (matching.contrast)."""

from __future__ import annotations

import re

from consultant.matching import cues

# A title: "..., with imaging guidance", "including imaging guidance", "ultrasound guided".
_TITLE_WITHOUT = re.compile(r"\bwithout (?:imaging|ultrasound|fluoroscopic|ct) guidance\b")
_TITLE_WITH = re.compile(
    r"\b(?:with|including|under) (?:imaging|ultrasound|fluoroscopic|ct) guidance\b"
)

# A question: guidance by any imaging, however it is put ("under fluoro", "CT-guided",
# "image guided", "w/ US guidance"); ultrasound's own phrasings are cues.ultrasound's.
_GUIDED = re.compile(
    r"\b(?:fluoro(?:scop\w*)?|ct|image|imaging|mri?)[- ]guid"
    r"|\bunder (?:fluoro(?:scopy)?|ct|imaging)\b"
    r"|\b(?:fluoro(?:scop\w*)?|ct|imaging|ultrasound|us|u/s) guidance\b"
    r"|\bguided? (?:by|with|under) (?:fluoro(?:scopy)?|ct|imaging)\b"
)
# Imaging other than ultrasound ruled out (ultrasound, landmarks and palpation are
# cues.ultrasound's).
_NOT_GUIDED = re.compile(
    r"\b(?:no|without|w/o|not under|didn'?t use|did not use)\b[^.;]{0,15}?"
    r"\b(?:imaging|image|fluoro(?:scopy)?|ct)\b|\bby landmarks?\b|\bblind(?:ly)?\b"
)


def title_guidance(title: str) -> str:
    """ "with" or "without" when a code's title says it is done with or without imaging
    guidance, else ""."""
    lowered = title.lower()
    if _TITLE_WITHOUT.search(lowered):
        return "without"
    if _TITLE_WITH.search(lowered):
        return "with"
    return ""


def without_guidance(title: str) -> str:
    """The title with what it says of guidance taken out."""
    return _TITLE_WITH.sub(" ", _TITLE_WITHOUT.sub(" ", title.lower()))


def question_guidance(lowered: str) -> str:
    """ "with" when the question says imaging guided the needle or catheter, "without" when
    it rules imaging out, else ""."""
    ultrasound = cues.ultrasound(lowered)
    if ultrasound == "no" or _NOT_GUIDED.search(lowered):
        return "without"
    if ultrasound == "yes" or _GUIDED.search(lowered):
        return "with"
    return ""
