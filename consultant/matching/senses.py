"""Words a question has already read in one sense, so that no code is found by another.

Clinicians' abbreviations are short and reused: "IVP" after a drug's dose is the route (IV
push), not urography; "CAD" beside a mammogram is computer-aided detection, not coronary
artery disease. And some words qualify the patient or the encounter rather than name a
condition: "(female)" is the patient's sex, "discharged" is where the patient went. Both
kinds are read once, here, and the searches for services and conditions leave them out.
"""

from __future__ import annotations

import re

# An abbreviation, the words around it that say it is read in its other sense, and whether
# that sense is a service's own word (then a search for services keeps it).
_OTHER_SENSE: dict[str, tuple[re.Pattern[str], bool]] = {
    # A route after a drug's dose: "ondansetron 4 mg IVP". The route is read by the drug
    # administration rules, and names no service of its own.
    "ivp": (re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|g|gm|units?|meq)\b|\bpush\w*"), False),
    # Computer-aided detection, a feature of breast imaging the mammography titles name.
    "cad": (re.compile(r"\bmammo\w*|\btomosynth\w*|\bbreast imaging\b|\bdbt\b"), True),
    # Urgent care, the setting ("UC visit", "seen in UC"), not ulcerative colitis.
    "uc": (
        re.compile(
            r"\buc (?:visit|clinic|center|centre|setting|provider|doc|physician|np|pa)\b"
            r"|\b(?:in|at|to) (?:the |our )?uc\b|\burgent care\b"
            # A note's setting label at its head: "UC: pt walking ...".
            r"|^\W*uc\s*[:\-]"
            # What a place has ("UC w/ IV capability", "UC staff"): a clinic, not a colitis.
            r"|\buc\b[^.?!]{0,30}\b(?:capabilit\w*|on-?site|staff|front desk|walk-?ins?)\b"
        ),
        False,
    ),
    # Money billed ("pro fees", "facility fees"), not the swallowing study FEES.
    "fees": (
        re.compile(
            r"\b(?:pro|professional|facility|technical|global|our|the|late|copay|billing|"
            r"charge|physician|surgeon'?s?|doctor'?s?)\s+fees\b|\bfees? (?:for|paid|schedule)\b"
        ),
        False,
    ),
}
# "ED" and "ER" as the tail of another abbreviation ("neuro re-ed" is re-education): not a
# setting, and no emergency department visit is found by them.
_TAIL = re.compile(r"(?<=\w-)(?:ed|er)\b", re.IGNORECASE)
# Words that qualify the patient (sex) or the encounter (disposition): never a condition on
# their own, however many titles they appear in.
_QUALIFIES_ONLY = frozenset(
    {"female", "male", "woman", "man", "women", "men", "discharged", "admitted", "home"}
)


def read_elsewhere(lowered: str) -> frozenset[str]:
    """The abbreviations of ``lowered`` whose context reads them in their other sense."""
    words = set(re.findall(r"[a-z0-9]+", lowered))
    return frozenset(
        w for w, (context, _) in _OTHER_SENSE.items() if w in words and context.search(lowered)
    )


def without_other_senses(text: str, services: bool = False) -> str:
    """``text`` without the abbreviations it reads in their other sense, for a search; for a
    search of ``services``, those whose sense is a service's own word stay ("CAD" finds the
    mammogram that includes it)."""
    text = _TAIL.sub(" ", text)
    gone = {w for w in read_elsewhere(text.lower()) if not (services and _OTHER_SENSE[w][1])}
    if not gone:
        return text
    pattern = re.compile(r"\b(?:" + "|".join(sorted(gone)) + r")\b", re.IGNORECASE)
    return pattern.sub(" ", text)


def qualifies_only(phrase: str) -> bool:
    """A condition phrase made only of words that qualify the patient or the encounter."""
    words = phrase.split()
    return bool(words) and all(w in _QUALIFIES_ONLY for w in words)
