"""Plain meanings of the fee schedule's indicators (from the CMS record layout)."""

from __future__ import annotations

GLOBAL_DAYS = {
    "000": "0-day global: the procedure day only; an E/M that day needs modifier 25 to be paid separately.",
    "010": "10-day global: related visits for 10 days after are included; use 24/25/79 for unrelated care.",
    "090": "90-day global (major surgery): the day before, the day of and 90 days after; a decision for surgery visit takes 57.",
    "MMM": "Maternity: global rules for obstetric packages apply.",
    "XXX": "No global period: the concept does not apply.",
    "YYY": "Carrier-priced global period.",
    "ZZZ": "Add-on or related code: falls in the global period of its primary procedure.",
}

PCTC = {
    "0": "Physician service: no professional/technical split.",
    "1": "Diagnostic test with a professional (26) and technical (TC) component.",
    "2": "Professional component only.",
    "3": "Technical component only.",
    "4": "Global test only; components are billed under their own codes.",
    "5": "Incident-to code: the PC/TC concept does not apply.",
    "6": "Laboratory physician interpretation.",
    "7": "Physical therapy service: no separate payment for 26.",
    "8": "Physician interpretation of a clinical lab test.",
    "9": "PC/TC does not apply.",
}

MULT_PROC = {
    "0": "No multiple-procedure reduction.",
    "1": "Standard multiple-procedure rules (before 1995).",
    "2": "Standard multiple surgery reduction: 100% for the highest, 50% for the others.",
    "3": "Endoscopy family rules.",
    "4": "Diagnostic imaging reduction.",
    "5": "Therapy services reduction (always therapy).",
    "6": "Cardiovascular diagnostic reduction.",
    "7": "Ophthalmology diagnostic reduction.",
    "9": "Concept does not apply.",
}

BILATERAL = {
    "0": "Modifier 50 does not apply (anatomy or descriptor).",
    "1": "Bilateral: 150% payment with modifier 50.",
    "2": "Already bilateral by descriptor: modifier 50 does not increase payment.",
    "3": "Each side paid at 100% (radiology and similar).",
    "9": "Concept does not apply.",
}

ASSISTANT = {
    "0": "Assistant at surgery paid with documentation of medical necessity.",
    "1": "Assistant at surgery not paid.",
    "2": "Assistant at surgery may be paid.",
    "9": "Concept does not apply.",
}
CO_SURGEON = {
    "0": "Co-surgeons not permitted.",
    "1": "Co-surgeons paid with documentation.",
    "2": "Co-surgeons permitted.",
    "9": "Concept does not apply.",
}
TEAM = {
    "0": "Team surgeons not permitted.",
    "1": "Team surgeons paid with documentation.",
    "2": "Team surgeons permitted.",
    "9": "Concept does not apply.",
}

STATUS = {
    "A": "Active: paid under the fee schedule.",
    "B": "Bundled: never paid separately.",
    "C": "Carrier-priced.",
    "D": "Deleted.",
    "E": "Excluded from the fee schedule by regulation.",
    "I": "Not valid for Medicare (another code is used).",
    "J": "Anesthesia service.",
    "M": "Measurement code (reporting only).",
    "N": "Non-covered service.",
    "P": "Bundled or excluded.",
    "R": "Restricted coverage.",
    "T": "Injection or minor service: paid only if nothing else is paid that day.",
    "X": "Statutory exclusion.",
}


def explain(table: dict[str, str], value: str) -> str:
    return table.get((value or "").strip(), "")
