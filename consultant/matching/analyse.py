"""What a question asks: the codes, modifiers, units, date of service, payer, place of
service it names, and what kind of question it is. Runs on redacted text only."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Five digits (CPT), four digits + F/T/U (Category II/III, PLA), a letter + four digits
# (HCPCS Level II). ICD-10-CM: letter, digit, alphanumeric, optional dot and up to four more.
_CPT = re.compile(r"(?<![\w.$/-])(\d{4}[0-9FTU])(?![\w.%/-]|\.\d)")
_HCPCS = re.compile(r"(?<![\w.-])([A-V]\d{4})(?![\w.-])", re.I)
_ICD = re.compile(
    r"(?<![\w.-])([A-TV-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?)(?![\w-])", re.I
)
_MODIFIER_PATTERNS = [
    re.compile(
        r"\bmod(?:ifier)?s?\.?\s*[-#:]?\s*((?:[0-9A-Z]{2})(?:\s*(?:,|/|and|&|or)\s*[0-9A-Z]{2})*)\b",
        re.I,
    ),
    re.compile(r"\b([0-9A-Z]{2})\s*[-]?\s*modifiers?\b", re.I),
    re.compile(r"(?<=\d{5})-([0-9A-Z]{2})\b", re.I),
    re.compile(r"(?<![\w-])-([0-9][0-9]|X[ESPU]|[A-Z][A-Z0-9])\b"),
]
_UNITS = re.compile(r"\b(\d{1,4})\s*(?:units?|x\b|times\b)", re.I)
_UNITS_AFTER = re.compile(r"\b(?:x|units?\s*(?:of|:)?)\s*(\d{1,4})\b", re.I)
_DOSE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(mg|mcg|g|ml|units?|iu|meq)\b", re.I)
_DOS = re.compile(
    r"\b(?:DOS|date of service|dos:|on|service date)\s*[:\-]?\s*"
    r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})\b|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.I,
)
_POS = re.compile(r"\b(?:POS|place of service)\s*(?:code\s*)?[:#]?\s*(\d{1,2})\b", re.I)

PAYERS = {
    "medicare": "Medicare",
    "medicaid": "Medicaid",
    "medi-cal": "Medicaid",
    "tricare": "TRICARE",
    "aetna": "Aetna",
    "cigna": "Cigna",
    "humana": "Humana",
    "united": "UnitedHealthcare",
    "uhc": "UnitedHealthcare",
    "bcbs": "Blue Cross Blue Shield",
    "blue cross": "Blue Cross Blue Shield",
    "anthem": "Anthem",
    "commercial": "commercial",
    "medicare advantage": "Medicare Advantage",
}

# Ordered: the first kind whose cue appears wins, so narrower kinds come first.
QUESTION_KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("diagnosis", ("icd", "diagnosis", "dx ", "dx?", "diagnosis code")),
    (
        "payment",
        (
            "rvu",
            "pay ",
            "paid how much",
            "reimburse",
            "payment",
            "fee schedule",
            "how much",
            "allowable",
            "rate",
        ),
    ),
    ("units", ("unit", "mue", "how many", "per day", "times")),
    ("modifier", ("modifier", " mod ", "-25", "-59", "-xu", "-xs")),
    (
        "same_day_pair",
        (
            "same day",
            "same-day",
            "together",
            "bundle",
            "ncci",
            "ptp",
            "along with",
            "with the",
            "same visit",
            "same encounter",
        ),
    ),
    ("compare", ("difference between", " vs ", " versus ", "compare", "or should", " or ")),
    ("documentation", ("document", "note", "chart", "support", "audit")),
    ("lookup", ("what code", "which code", "cpt for", "code for", "bill for", "codes", "code")),
]

_STOP_MODIFIERS = {
    "IS",
    "IN",
    "ON",
    "OR",
    "TO",
    "OF",
    "AN",
    "AS",
    "AT",
    "BE",
    "BY",
    "DO",
    "GO",
    "IF",
    "IT",
    "ME",
    "MY",
    "NO",
    "SO",
    "UP",
    "US",
    "WE",
    "HE",
    "OK",
    "PM",
    "AM",
}


@dataclass
class Analysis:
    codes: list[str] = field(default_factory=list)
    icd_codes: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    doses: list[tuple[float, str]] = field(default_factory=list)
    date_of_service: date | None = None
    payer: str = ""
    place_of_service: str = ""
    question_type: str = "other"
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_of_service"] = self.date_of_service.isoformat() if self.date_of_service else None
        data.pop("text")
        return data


def analyse(text: str) -> Analysis:
    """Read a redacted question."""
    found = Analysis(text=text)
    procedure_codes: list[str] = []
    for match in _CPT.finditer(text):
        procedure_codes.append(match.group(1).upper())
    for match in _HCPCS.finditer(text):
        procedure_codes.append(match.group(1).upper())
    found.codes = _unique(procedure_codes)
    for match in _ICD.finditer(text):
        code = match.group(1).upper().replace(".", "")
        if code not in found.codes and _plausible_icd(match.group(1)):
            found.icd_codes.append(code)
    found.icd_codes = _unique(found.icd_codes)
    found.modifiers = _modifiers(text)
    found.units = _units(text, found.codes)
    found.doses = [(float(v), u.lower()) for v, u in _DOSE.findall(text)]
    found.date_of_service = _date_of_service(text)
    lowered = f" {text.lower()} "
    found.payer = next(
        (name for cue, name in PAYERS.items() if re.search(rf"\b{re.escape(cue)}\b", lowered)), ""
    )
    pos = _POS.search(text)
    found.place_of_service = pos.group(1).zfill(2) if pos else ""
    found.question_type = question_type(lowered, found)
    return found


def question_type(lowered: str, found: Analysis) -> str:
    for kind, cues in QUESTION_KINDS:
        if any(cue in lowered for cue in cues):
            if kind == "diagnosis" and not (
                found.icd_codes or "diagnos" in lowered or "icd" in lowered
            ):
                continue
            if kind == "same_day_pair" and len(found.codes) < 2 and "same day" not in lowered:
                continue
            if kind == "compare" and " or " in lowered and len(found.codes) < 2:
                continue
            return kind
    return "other"


def _plausible_icd(raw: str) -> bool:
    # "A1234" without a dot is ambiguous with HCPCS; those are caught as HCPCS first.
    return "." in raw or len(raw) in (3, 4, 6, 7)


def _modifiers(text: str) -> list[str]:
    out: list[str] = []
    for pattern in _MODIFIER_PATTERNS:
        for match in pattern.finditer(text):
            for mod in re.split(r"\s*(?:,|/|and|&|or)\s*", match.group(1)):
                mod = mod.strip().upper()
                if (
                    len(mod) == 2
                    and mod not in _STOP_MODIFIERS
                    and not (mod.isalpha() and mod.lower() == mod)
                ):
                    out.append(mod)
    return _unique(out)


def _units(text: str, codes: list[str]) -> dict[str, int]:
    units: dict[str, int] = {}
    for code in codes:
        window = re.search(rf"{re.escape(code)}[^.\n]{{0,30}}", text, re.I)
        before = re.search(rf"[^.\n]{{0,20}}{re.escape(code)}", text, re.I)
        for chunk, pattern in ((window, _UNITS_AFTER), (window, _UNITS), (before, _UNITS)):
            if chunk:
                hit = pattern.search(chunk.group(0))
                if hit:
                    units[code] = int(hit.group(1))
                    break
    return units


def _date_of_service(text: str) -> date | None:
    for match in _DOS.finditer(text):
        try:
            if match.group(4):
                return date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
            month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            if year < 100:
                year += 2000
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
