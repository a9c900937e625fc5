"""Stage 3a, drugs and their administration: a drug is billed with the service that gave it,
and an administration with the drug it gave (CMS: the J code carries the drug, the
administration code the work; neither pays for the other).

The administration is chosen by the route the question names and the drug's purpose
(chemotherapy codes for antineoplastic drugs), else by the administration our notes pair
with the drug (an injection into a joint is the joint injection, not 96372).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.sections import is_em
from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate
from consultant.models import CodeNote

DRUG_FAMILIES = {"Drugs"}
# Normal saline, dextrose and lactated Ringer's: fluids that make an infusion hydration.
HYDRATION_FLUIDS = {"J7030", "J7040", "J7042", "J7050", "J7060", "J7070", "J7120", "J7131"}
HYDRATION_TO_THERAPEUTIC = {"96360": "96365", "96361": "96366"}
# The administration code for each route, by whether the drug is chemotherapy (CPT
# 96360-96549 and 94640; CMS Claims Processing Manual ch. 12 s. 30.5).
ROUTE_CODES = {
    ("push", False): "96374",
    ("push", True): "96409",
    ("infusion", False): "96365",
    ("infusion", True): "96413",
    ("injection", False): "96372",
    ("injection", True): "96401",
    ("inhalation", False): "94640",
}


def is_drug(code: str, note: CodeNote | None) -> bool:
    return code[:1] in "JQ" or (note is not None and note.family in DRUG_FAMILIES)


def is_administration(code: str) -> bool:
    """Drug and chemotherapy administration, inhalation treatment."""
    return code.isdigit() and (96360 <= int(code) <= 96549 or code == "94640")


def pair_drugs(
    session: Session, analysis: Analysis, selection: Selection, candidates: list[Candidate]
) -> list[str]:
    """Add the missing half of a drug/administration pair to the services, with the reason;
    returns corrections of the asker's administration code."""
    services = [code for code, _ in selection.services]
    notes = {code: lookup.note(session, code) for code in services}
    drugs = [c for c in services if is_drug(c, notes[c])]
    corrections = _route_fits(analysis, selection, services)
    services = [code for code, _ in selection.services]
    if any(c not in HYDRATION_FLUIDS for c in drugs):
        # A drug infused is a therapeutic infusion; hydration codes are for fluids alone.
        for old, new in HYDRATION_TO_THERAPEUTIC.items():
            if old in services:
                selection.replace_service(
                    old, new, [f"{new}: a drug was infused, so this is not hydration ({old})."]
                )
        services = [code for code, _ in selection.services]
    given = [c for c in services if is_administration(c) or _procedure_for_drug(c, drugs, notes)]
    if drugs and not given:
        note = notes[drugs[0]]
        admin = administration_for(analysis, note.related if note else [])
        if admin is not None:
            how = analysis.route or "the usual route for this drug"
            line = f"Administration of {drugs[0]} ({how}): {admin}, billed beside the drug."
            if analysis.joint:
                line = f"{drugs[0]} injected into a {analysis.joint} joint: {admin}, not 96372."
                # The joint injection is the procedure; others the drug's name matched are not.
                selection.services = [
                    (c, sc)
                    for c, sc in selection.services
                    if not c[:1].isdigit() or c in analysis.codes or is_em(c)
                ]
            selection.add_service(admin, 0.9, [line])
    elif given and not drugs:
        drug = next(
            (
                c
                for c in candidates
                if c.phrase and c.family in DRUG_FAMILIES and c.code not in services
            ),
            None,
        )
        if drug is not None:
            selection.add_service(
                drug.code, 0.9, ["The drug itself, billed beside its administration."]
            )
    return corrections


# A push is 15 minutes or less (CPT); longer is an infusion, and the other way round.
PUSH_TO_INFUSION = {"96374": "96365", "96409": "96413"}
INFUSION_TO_PUSH = {v: k for k, v in PUSH_TO_INFUSION.items()}


def _route_fits(analysis: Analysis, selection: Selection, services: list[str]) -> list[str]:
    """Swap a push for an infusion (or back) when the time given says so; corrections of the
    asker's own code."""
    corrections: list[str] = []
    minutes = analysis.minutes
    infused = analysis.route == "infusion" or (minutes is not None and minutes > 15)
    pushed = analysis.route == "push" and (minutes is None or minutes <= 15)
    swaps = PUSH_TO_INFUSION if infused else (INFUSION_TO_PUSH if pushed else {})
    for old, new in swaps.items():
        if old in services:
            how = f"over {minutes} minutes" if minutes else analysis.route
            kind = "an infusion" if infused else "a push (15 minutes or less)"
            why = f"given {how}, so {kind}, not {old}"
            selection.replace_service(old, new, [f"{new}: {why}."])
            if old in analysis.codes:
                corrections.append(f"Report {new}, not {old}: {why}.")
    return corrections


# Arthrocentesis, aspiration or injection by joint size, without and with ultrasound
# guidance (CPT 20600-20611): a drug injected into a joint is billed with this, not 96372.
JOINT_CODES = {
    "small": ("20600", "20604"),
    "intermediate": ("20605", "20606"),
    "major": ("20610", "20611"),
}


def administration_for(analysis: Analysis, related: list[str]) -> str | None:
    """The administration for a drug given by the route the question names; else the one
    our notes pair with the drug."""
    if analysis.joint:
        without, with_us = JOINT_CODES[analysis.joint]
        return with_us if analysis.ultrasound == "yes" else without
    by_route = ROUTE_CODES.get((analysis.route, analysis.chemo))
    procedures = [c for c in related if c[:1].isdigit()]
    if by_route is not None and (by_route in procedures or not procedures):
        return by_route
    if analysis.route in ("injection", "") and procedures:
        # An injection into a joint, a bursa or the spine is that procedure, not 96372.
        return next((c for c in procedures if not is_administration(c)), procedures[0])
    return by_route or (procedures[0] if procedures else None)


def _procedure_for_drug(code: str, drugs: list[str], notes: dict[str, CodeNote | None]) -> bool:
    """A procedure our notes pair with one of the drugs (a joint injection with its drug)."""
    return any(code in note.related for d in drugs if (note := notes[d]) is not None)
