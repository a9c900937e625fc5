"""Situations a question describes in words, each read once into a fact for the rules:
new or established patient, a visit beside a procedure, why two services are distinct,
the route of a drug, and the situations the modifier guide lists."""

from __future__ import annotations

import re
from functools import lru_cache

from consultant.codes.knowledge import modifier_cues

_NEW = re.compile(
    r"\bnew (?:patient|pt)\b|\bnever (?:been )?seen (?:here|before|by (?:us|our))|\bfirst (?:visit|time) (?:with|to|at) (?:us|our|the practice)"
)
_ESTABLISHED = re.compile(
    r"\best(?:ablished|\.)?\s+(?:patient|pt)\b|\b(?:existing|returning|current) (?:patient|pt)\b"
    r"|\b(?:seen|saw (?:him|her|them)) (?:\w+ ){0,3}(?:before|previously|last (?:year|month|week))"
    r"|\bfollow[- ]?up (?:visit|appointment)\b"
)
_LAST_SEEN = re.compile(
    r"\blast (?:seen|visit(?:ed)?|saw)\b(?:[^.?!]|\.(?= ?[a-z])){0,40}?\b(\d+|one|two|three|four|five|six)\s*(?:\+\s*)?(years?|yrs?|months?)\b"
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def patient_status(lowered: str) -> str:
    """ "new" or "established" by the three-year rule where the question says when the patient
    was last seen; else what it says outright. A new *problem* never makes a new patient."""
    last = _LAST_SEEN.search(lowered)
    if last:
        amount = _NUMBER_WORDS.get(last.group(1)) or int(last.group(1))
        years = amount if last.group(2).startswith("y") else amount / 12
        return "new" if years >= 3 else "established"
    if _ESTABLISHED.search(lowered):
        return "established"
    if _NEW.search(lowered):
        return "new"
    return ""


_VISIT = re.compile(
    r"\b(?:doctor|physician|provider|np|pa|dr\.?|md|do)\s+(?:also\s+)?(?:saw|sees|seen|evaluated|examined|assessed)\b"
    r"|\b(?:saw|seen|evaluated|examined|assessed)\s+(?:him|her|them|the patient|the pt|pt)\s+for\b"
    r"|\bseparate (?:e/m|visit|problem)\b|\balso (?:addressed|treated|managed)\b",
    re.I,
)


def separate_visit(text: str) -> bool:
    return _VISIT.search(text) is not None


# Why two services are distinct, in the words coders use, by the X modifier that says it.
_DISTINCT = {
    "XS": (
        "different site",
        "separate site",
        "different lesion",
        "separate lesion",
        "different structure",
        "separate structure",
        "other side",
        "different area",
        "separate area",
        "different organ",
        "separate incision",
        "different anatomic",
        "opposite",
        "contralateral",
        "different finger",
        "different toe",
        "different knee",
    ),
    "XE": (
        "separate encounter",
        "different encounter",
        "later that day",
        "later the same day",
        "separate session",
        "different session",
        "came back",
        "returned later",
        "second visit",
    ),
    "XP": (
        "different practitioner",
        "another provider",
        "different provider",
        "different doctor",
        "another physician",
        "different physician",
        "another doctor",
    ),
}


def distinct_modifier(lowered: str) -> str:
    """The X{EPS} modifier the question's own words point to, or "" when they say nothing."""
    lowered = re.sub(r"\bsep[ae]rate\b", "separate", lowered)
    return next((mod for mod, words in _DISTINCT.items() if any(w in lowered for w in words)), "")


_ROUTES = [
    ("push", r"\biv ?p\b|\bivp\b|\b(?:iv|intravenous) push\b|\bpushed\b|\bslow push\b|\bpush\b"),
    ("infusion", r"\binfus|\bdrip\b|\bivpb\b|\bpiggyback\b|\bover \d+ ?(?:min|hour|hr)"),
    (
        "injection",
        r"\b(?:im|sc|subq|sub-q|subcut|subcutaneous|intramuscular)\b|\bshot\b|\binjection\b|\binjected\b",
    ),
    ("inhalation", r"\bnebuli[sz]|\binhal"),
    ("oral", r"\boral(?:ly)?\b|\bby mouth\b|\bp\.?o\.?\b"),
]


def route(lowered: str) -> str:
    """How a drug was given, the first route the question names."""
    hits = [(m.start(), name) for name, pattern in _ROUTES if (m := re.search(pattern, lowered))]
    return min(hits)[1] if hits else ""


def chemo(lowered: str) -> bool:
    return re.search(r"\bchemo|\bantineoplastic|\bmonoclonal|\bimmunotherap", lowered) is not None


@lru_cache(maxsize=1)
def _situations() -> dict[str, list[list[str]]]:
    return modifier_cues()


def modifier_situations(lowered: str) -> list[str]:
    """Modifiers whose situation (from the bundled guide's cues) the question describes."""
    return [
        modifier
        for modifier, cue_sets in _situations().items()
        if any(all(cue in lowered for cue in cue_set) for cue_set in cue_sets)
    ]


_PAIRED = (
    r"knee|shoulder|hip|eye|ear|arm|leg|hand|foot|feet|wrist|ankle|elbow|breast|lung|kidney|"
    r"ovary|testis|side|thumb|finger|toe|heel|great toe|upper extremity|lower extremity|"
    r"forearm|thigh|calf|shin|eyelid|sacroiliac|si joint|carpal tunnel|trigger finger"
)
_SIDE = re.compile(
    rf"\b(left|right|lt|rt)\s+(?:\w+\s+)?(?:{_PAIRED})\b|\b(?:{_PAIRED})\s*(?:,\s*|\s+on the\s+|\s+)(left|right)\b"
)


def side(lowered: str) -> str:
    """RT or LT when the question names one side of a paired body part, "" for both or none."""
    sides = {(m.group(1) or m.group(2))[0] for m in _SIDE.finditer(lowered)}  # "l" or "r"
    if len(sides) != 1:
        return ""
    return "LT" if sides == {"l"} else "RT"
