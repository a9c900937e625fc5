"""The ICD-10-CM code a preventive service carries as the reason for the encounter, when the
service itself says what that reason is: a vaccine is an encounter for immunization, a
screening colonoscopy one for colon cancer screening, a contraceptive injection or IUD one
for contraceptive management, a flush of an implanted port alone one for the management of
a vascular access device (Z45.2).

Sources: ICD-10-CM Official Guidelines I.C.21.c.2 (Z23 for an encounter for immunization,
the vaccine's procedure code identifying which), I.C.21.c.5 (screening: a screening that
finds something keeps the screening Z code first, the finding after it) and I.C.21.c.11
(contraceptive management: Z30.013 for the first injection, Z30.42 for the repeat ones
under surveillance of an injectable contraceptive, Z30.430 for an IUD insertion)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

IMMUNIZATION = "Z23"
COLON_SCREENING = "Z12.11"
MAMMOGRAM_SCREENING = "Z12.31"
INJECTABLE_FIRST = "Z30.013"
INJECTABLE_REPEAT = "Z30.42"
IUD_INSERTION = "Z30.430"
VASCULAR_ACCESS = "Z45.2"

# Medicare's administration codes for the influenza, pneumococcal and hepatitis B vaccines,
# and CPT's vaccine administration codes (90460-90461 under 19, 90471-90474 others).
VACCINE_ADMINISTRATION = {"G0008", "G0009", "G0010", "90460", "90461"} | {
    str(c) for c in range(90471, 90475)
}
# The vaccine and toxoid products (CPT 90476-90759).
VACCINE_PRODUCTS = range(90476, 90760)
# Colorectal screening codes that are screening by definition (Medicare's G codes).
COLON_SCREENING_CODES = {"G0104", "G0105", "G0121"}
# Colonoscopy and flexible sigmoidoscopy, screening only when the question says so.
ENDOSCOPY = {str(c) for c in range(45330, 45351)} | {str(c) for c in range(45378, 45399)}
MAMMOGRAPHY_SCREENING = {"77067"}
INJECTABLE_CONTRACEPTIVES = {"J1050"}  # medroxyprogesterone acetate
IUD_INSERTION_CODES = {"58300"}
DEVICE_FLUSH = "96523"  # irrigation of an implanted venous access device


@dataclass(frozen=True)
class EncounterReason:
    code: str  # ICD-10-CM, with the dot
    why: str  # the guideline, in a sentence


def encounter_reasons(
    services: Collection[str], *, screening: bool = False, first_injection: bool = False
) -> list[EncounterReason]:
    """The reason-for-encounter codes the services imply, in the order of the services.
    ``screening``: the question calls the endoscopy a screening (and does not deny it);
    ``first_injection``: the contraceptive injection is the patient's first."""
    reasons: dict[str, str] = {}
    for code in services:
        if code in VACCINE_ADMINISTRATION or (code.isdigit() and int(code) in VACCINE_PRODUCTS):
            reasons.setdefault(
                IMMUNIZATION,
                f"{IMMUNIZATION} with every vaccine: an encounter for immunization (ICD-10-CM "
                "Official Guidelines I.C.21.c.2); the vaccine code says which one",
            )
        elif code in COLON_SCREENING_CODES or (code in ENDOSCOPY and screening):
            reasons.setdefault(
                COLON_SCREENING,
                f"{COLON_SCREENING} first for a screening colonoscopy, even when a polyp is "
                "found and removed; the finding (a polyp, K63.5 or D12.-) follows it "
                "(Guidelines I.C.21.c.5)",
            )
        elif code in MAMMOGRAPHY_SCREENING:
            reasons.setdefault(
                MAMMOGRAM_SCREENING,
                f"{MAMMOGRAM_SCREENING} for a screening mammogram (Guidelines I.C.21.c.5)",
            )
        elif code in INJECTABLE_CONTRACEPTIVES:
            first, repeat = INJECTABLE_FIRST, INJECTABLE_REPEAT
            chosen = first if first_injection else repeat
            reasons.setdefault(
                chosen,
                f"{repeat} for a repeat contraceptive injection (surveillance of an injectable "
                f"contraceptive); {first} for the first one, when it is prescribed "
                "(Guidelines I.C.21.c.11)",
            )
        elif code == DEVICE_FLUSH and not any(_given_through_device(c) for c in services):
            # The flush alone is the visit's purpose: keeping the device working. With an
            # infusion the reason is the infusion's (chemotherapy Z51.11, the condition).
            reasons.setdefault(
                VASCULAR_ACCESS,
                f"{VASCULAR_ACCESS} for a visit to flush an implanted port or catheter alone: "
                "an encounter for the management of a vascular access device; the condition "
                "the device serves may follow when it is still treated",
            )
        elif code in IUD_INSERTION_CODES:
            reasons.setdefault(
                IUD_INSERTION,
                f"{IUD_INSERTION} for the insertion of an IUD (Guidelines I.C.21.c.11)",
            )
    return [EncounterReason(code, why) for code, why in reasons.items()]


def _given_through_device(code: str) -> bool:
    """An infusion, injection or chemotherapy administration (96360-96549): a service the
    port carries, which gives the encounter its own reason."""
    return code.isdigit() and 96360 <= int(code) <= 96549 and code != DEVICE_FLUSH


# A preoperative or preprocedural evaluation (I.C.21.c.16): Z01.81- first, then the reason
# for the surgery, then any findings; the kind of clearance chooses the code.
_PREOPERATIVE = re.compile(
    # Not an operative note's "pre-op diagnosis" line, which names the surgery's reason.
    r"\bpre-?op(?:erative)?\b(?![\s:-]*(?:diagnosis|dx)\b)|\bsurgical clearance\b"
    r"|\bpre-?procedur\w*\b(?![\s:-]*(?:diagnosis|dx)\b)|\bclearance for surgery\b"
    r"|\bcleared for (?:surgery|the procedure)\b"
)
_CLEARANCE_KIND = (
    ("Z01.810", re.compile(r"\bcardi(?:ac|ology|ovascular)\b[^.?!]{0,20}\bclearance\b")),
    ("Z01.811", re.compile(r"\b(?:pulmonary|respiratory)\b[^.?!]{0,20}\bclearance\b")),
    ("Z01.812", re.compile(r"\bpre-?op(?:erative)? labs?\b(?! and)")),
)


def preoperative_reason(lowered: str) -> str | None:
    """The Z01.81- code of a preoperative evaluation the words describe, or None: Z01.810
    for a cardiovascular clearance, Z01.811 a respiratory one, Z01.812 labs alone, else
    Z01.818 (other preprocedural examination, the general pre-op H&P)."""
    if _PREOPERATIVE.search(lowered) is None:
        return None
    return next((code for code, said in _CLEARANCE_KIND if said.search(lowered)), "Z01.818")


# Anticoagulation monitoring (an INR check of a patient on warfarin): the encounter is for
# therapeutic drug level monitoring, Z51.81, with the long-term drug, Z79.01 (its "use
# additional code" note), then the condition treated.
_DRUG_MONITORING = re.compile(
    r"\b(?:inr|pt/inr|protime|anticoag(?:ulation)? (?:clinic|check|visit|monitoring)|"
    r"coumadin clinic)\b"
)
_WARFARIN = re.compile(r"\b(?:warfarin|coumadin|jantoven)\b")


def drug_monitoring_reason(lowered: str) -> list[str]:
    """Z51.81 and Z79.01 for an anticoagulation check of a patient on warfarin, else []."""
    if _DRUG_MONITORING.search(lowered) and _WARFARIN.search(lowered):
        return ["Z51.81", "Z79.01"]
    return []
