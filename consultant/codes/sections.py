"""Which section of the code set a code belongs to (ranges are public facts)."""

from __future__ import annotations

# (first, last, name) for five-digit CPT codes; compared as strings of equal length.
CPT_SECTIONS = [
    ("00100", "01999", "Anesthesia"),
    ("10004", "69990", "Surgery"),
    ("70010", "79999", "Radiology"),
    ("80047", "89398", "Pathology and Laboratory"),
    ("90281", "99199", "Medicine"),
    ("99202", "99499", "Evaluation and Management"),
    ("99500", "99607", "Medicine"),
]

HCPCS_SECTIONS = {
    "A": "Transportation, medical and surgical supplies",
    "B": "Enteral and parenteral therapy",
    "C": "Outpatient PPS (temporary)",
    "D": "Dental",
    "E": "Durable medical equipment",
    "G": "Procedures and professional services (temporary)",
    "H": "Alcohol and drug abuse treatment",
    "J": "Drugs administered other than oral method",
    "K": "DME MAC temporary codes",
    "L": "Orthotics and prosthetics",
    "M": "Medical services and quality measures",
    "P": "Pathology and laboratory",
    "Q": "Temporary codes",
    "R": "Diagnostic radiology services",
    "S": "Private payer temporary codes",
    "T": "State Medicaid agency codes",
    "U": "Coronavirus laboratory tests",
    "V": "Vision and hearing services",
}


def is_em(code: str) -> bool:
    """An evaluation and management code (99202-99499)."""
    return len(code) == 5 and code.isdigit() and "99202" <= code <= "99499"


def section_of(code: str) -> str:
    code = code.upper()
    if len(code) == 5 and code.isdigit():
        for first, last, name in CPT_SECTIONS:
            if first <= code <= last:
                return name
        return "CPT"
    if len(code) == 5 and code[:4].isdigit():
        return {
            "F": "Category II (performance measurement)",
            "T": "Category III (emerging technology)",
            "U": "Proprietary laboratory analyses",
            "M": "Multianalyte assays",
        }.get(code[4], "CPT")
    if len(code) == 5 and code[0].isalpha() and code[1:].isdigit():
        return HCPCS_SECTIONS.get(code[0], "HCPCS Level II")
    return "ICD-10-CM"


def section_range(code: str) -> tuple[str, str] | None:
    """The CPT range holding ``code``, for ranking within its section."""
    if len(code) == 5 and code.isdigit():
        for first, last, _ in CPT_SECTIONS:
            if first <= code <= last:
                return first, last
    if len(code) == 5 and code[0].isalpha() and code[1:].isdigit():
        return code[0] + "0000", code[0] + "9999"
    return None
