"""The administration billed with each vaccine: a vaccine product code pays for the vaccine,
never for giving it.

Sources: CPT immunization administration guidelines (90471 for the first vaccine given by
injection and 90472 for each additional one; 90473/90474 by mouth or nose) and the Medicare
Claims Processing Manual ch. 18 s. 10 (Part B pays the influenza, pneumococcal and hepatitis
B vaccines with their own administration codes G0008, G0009 and G0010, one for each vaccine
given, in place of 90471-90474)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The vaccine and toxoid products (CPT 90476-90759).
PRODUCTS = range(90476, 90760)
INFLUENZA = {
    "90630", "90653", "90654", "90655", "90656", "90657", "90658", "90660", "90661", "90662",
    "90664", "90666", "90667", "90668", "90672", "90673", "90674", "90682", "90685", "90686",
    "90687", "90688", "90689", "90694", "90756",
}  # fmt: skip
PNEUMOCOCCAL = {"90670", "90671", "90677", "90684", "90732"}
HEPATITIS_B = {"90739", "90740", "90743", "90744", "90746", "90747", "90759"}
MEDICARE_ADMINISTRATION = (("G0008", INFLUENZA), ("G0009", PNEUMOCOCCAL), ("G0010", HEPATITIS_B))
# The same groups by name, and the words that name a vaccine of the group without its product
# ("her flu shot"): the administration is still known; the product code waits for the note.
KIND_NAMES = {"G0008": "influenza", "G0009": "pneumococcal", "G0010": "hepatitis B"}
KIND_WORDS = {
    "influenza": ("flu", "influenza"),
    "pneumococcal": ("pneumonia shot", "pneumonia vaccine", "pneumococcal"),
    "hepatitis B": ("hep b", "hepatitis b"),
}
# Given by mouth or nose: live attenuated influenza (nasal), rotavirus, cholera, typhoid oral.
BY_MOUTH_OR_NOSE = {"90660", "90672", "90680", "90681", "90625", "90690"}
ADMINISTRATION = {"90460", "90461", "90471", "90472", "90473", "90474", "G0008", "G0009", "G0010"}


@dataclass(frozen=True)
class VaccineAdministration:
    code: str
    units: int
    why: str


def is_vaccine(code: str) -> bool:
    return code.isdigit() and int(code) in PRODUCTS


def same_disease(first: str, second: str) -> bool:
    """Two products against one disease, by Medicare's groups (influenza, pneumococcal,
    hepatitis B): a visit gives one of them, so the other is a neighbour."""
    return any(first in kind and second in kind for _, kind in MEDICARE_ADMINISTRATION)


def kind_of(vaccine: str) -> str:
    """ "influenza", "pneumococcal", "hepatitis B" or "" for a product code."""
    return next((KIND_NAMES[code] for code, kind in MEDICARE_ADMINISTRATION if vaccine in kind), "")


def administration_for(
    vaccines: Sequence[str], medicare: bool, unnamed: Sequence[str] = ()
) -> list[VaccineAdministration]:
    """The administration lines for the vaccines given at one encounter, in order: Medicare's
    own code for each influenza, pneumococcal and hepatitis B vaccine, then 90471 (or 90473)
    for the first of the others and 90472 (or 90474) for each one after it. ``unnamed`` are
    kinds given whose product the question does not say (injected, as most are)."""
    lines: list[VaccineAdministration] = []
    others = list(vaccines) + [f"the {name} vaccine" for name in unnamed]
    if medicare:
        for code, kind in MEDICARE_ADMINISTRATION:
            given = [v for v in vaccines if v in kind]
            if KIND_NAMES[code] in unnamed:
                given.append(f"the {KIND_NAMES[code]} vaccine")
            if given:
                lines.append(
                    VaccineAdministration(
                        code,
                        len(given),
                        f"{code} for Medicare's administration of {', '.join(given)}, not 90471",
                    )
                )
                others = [v for v in others if v not in given]
    injected = [v for v in others if v not in BY_MOUTH_OR_NOSE]
    by_mouth = [v for v in others if v in BY_MOUTH_OR_NOSE]
    first_done = False
    for group, first, more, how in (
        (injected, "90471", "90472", "by injection"),
        (by_mouth, "90473", "90474", "by mouth or nose"),
    ):
        if not group:
            continue
        if not first_done:
            lines.append(VaccineAdministration(first, 1, f"{first}: the first vaccine {how}"))
            first_done = True
            group = group[1:]
        if group:
            lines.append(
                VaccineAdministration(
                    more, len(group), f"{more} x {len(group)}: each additional vaccine {how}"
                )
            )
    return lines
