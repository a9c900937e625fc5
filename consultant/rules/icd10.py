"""ICD-10-CM coding of findings: uncertain diagnoses by setting, the presumed links of
diabetes and hypertension into combination codes, completion (laterality, seventh
character) and Excludes1 conflicts. Codes come out with the dot and the guideline used.

Sources: ICD-10-CM Official Guidelines for Coding and Reporting: Section IV.H (outpatient:
"probable", "suspected", "questionable", "rule out", "compatible with", "consistent with",
"working diagnosis" and like terms are not coded; code signs, symptoms, abnormal results),
IV.D and I.B.4 (signs and symptoms), II.H (inpatient: an uncertain diagnosis at discharge is
coded as if established), I.A.15 ("with": conditions linked in the Index are presumed related
unless the provider says they are not), I.C.4.a (diabetes: as many E08-E13 codes as needed
for the complications), I.C.9.a.1-3 (hypertension with heart disease I11, with chronic kidney
disease I12, with both I13; additional I50 and N18 codes), I.A.12.a (Excludes1)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import NamedTuple

from consultant.rules import icd10_table as icd
from consultant.rules.icd10_codes import (
    Encounter,
    Side,
    complete,
    description,
    excludes1_conflict,
    is_billable,
    is_code,
    with_dot,
)
from consultant.rules.icd10_drug_effects import ADVERSE, POISONING, DrugEffect
from consultant.rules.icd10_external_causes import ExternalCause
from consultant.rules.icd10_pregnancy import (
    Pregnancy,
    by_trimester,
    by_trimester_sibling,
    in_pregnancy,
    is_chapter_15,
    supervision,
    trimester,
    weeks_code,
)


class Certainty(Enum):
    CONFIRMED = "confirmed"
    UNCERTAIN = "uncertain"  # probable, suspected, rule out, likely, consistent with ...
    RULED_OUT = "ruled out"


class CareSetting(Enum):
    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"


# Words that make a diagnosis uncertain (IV.H and II.H list the first ones; "and other
# similar terms" covers the rest).
UNCERTAIN_TERMS = (
    "probable",
    "probably",
    "suspected",
    "suspect",
    "suspicious for",
    "questionable",
    "rule out",
    "r/o",
    "likely",
    "possible",
    "possibly",
    "compatible with",
    "consistent with",
    "working diagnosis",
    "presumed",
    "presumptive",
    "still to be ruled out",
    "concern for",
    "cannot exclude",
)
_UNCERTAIN = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, UNCERTAIN_TERMS)) + r")(?!\w)")
_RULED_OUT = re.compile(r"\b(ruled out|has been excluded|was excluded)\b")


def certainty_of(text: str) -> Certainty:
    """The certainty a clinician's wording gives a diagnosis."""
    lowered = text.lower()
    if _RULED_OUT.search(lowered):
        return Certainty.RULED_OUT
    if _UNCERTAIN.search(lowered):
        return Certainty.UNCERTAIN
    return Certainty.CONFIRMED


@dataclass(frozen=True)
class Finding:
    """A diagnosis as documented: a candidate code (a category is fine: side and encounter
    complete it), how certain it is, and the sign or symptom codes behind it."""

    code: str
    certainty: Certainty = Certainty.CONFIRMED
    side: Side | None = None
    encounter: Encounter | None = None
    open_fracture: bool = False
    symptoms: tuple[str, ...] = ()
    unrelated: bool = False  # the provider documents it as unrelated: no presumed link
    sex: str = ""  # "female" or "male", where the tabular splits a code by it


@dataclass(frozen=True)
class CodedDiagnosis:
    code: str
    description: str
    guideline: str


@dataclass(frozen=True)
class Icd10Coding:
    codes: tuple[CodedDiagnosis, ...]
    incomplete: tuple[str, ...]  # categories the record must complete (stage, site, ...)
    conflicts: tuple[str, ...]
    worked: tuple[str, ...]


class _Entry(NamedTuple):
    code: str
    guideline: str
    unrelated: bool
    complete: bool = True  # False: a category kept only for the presumed links


@dataclass(frozen=True)
class Link:
    """A condition presumed linked to diabetes: the E08-E13 code suffix it makes, and whether
    the condition's own code is still reported (a 'use additional code' note)."""

    prefixes: tuple[str, ...]
    suffix: str
    keep: bool
    name: str


DIABETES = ("E08", "E09", "E10", "E11", "E13")
DIABETES_LINKS = (
    Link(("N18",), ".22", True, "chronic kidney disease"),
    Link(("G62.9",), ".42", False, "polyneuropathy"),
    Link(("K31.84",), ".43", True, "gastroparesis"),
    Link(("L97.4", "L97.5"), ".621", True, "foot ulcer"),
    Link(("L97.1", "L97.2", "L97.3", "L97.8", "L97.9"), ".622", True, "other skin ulcer"),
    Link(("I73.9",), ".51", False, "peripheral angiopathy"),
    Link(("M86",), ".69", True, "osteomyelitis"),
    Link(("R73.9",), ".65", False, "hyperglycemia"),
    Link(("E16.2",), ".649", False, "hypoglycemia"),
)
# Acute respiratory infections (J00-J22): cough and fever belong to them.
_RESPIRATORY = ("J0", "J10", "J11", "J12", "J13", "J14", "J15", "J16", "J18", "J20", "J21", "J22")
# Withdrawal from a psychoactive substance, whichever its use, abuse or dependence.
WITHDRAWAL = tuple(f"F1{s}.{k}3" for s in "0123456789" for k in "129")
# Symptoms routinely part of a disease are not coded beside it (I.B.5): symptom prefix ->
# the definitive diagnoses that include it.
INTEGRAL_SYMPTOMS: dict[str, tuple[str, ...]] = {
    "R51": ("G43", "G44"),  # headache: migraine, other headache syndromes
    "R10": ("K35", "K36", "K37", "K80", "K81", "K85", "N20", "N23"),  # abdominal pain
    # Confirmed COVID-19 includes its cough, fever and shortness of breath (I.C.1.g.1).
    "R05": (*_RESPIRATORY, "J40", "J41", "J42", "J44", "J45", "U07.1"),  # cough
    "R50": ("A", "B", *_RESPIRATORY, "N10", "N39.0", "U07.1"),  # fever: infections
    "R07": ("I20", "I21", "I22", "I24", "J02", "J03"),  # chest or throat pain
    "R30": ("N10", "N30", "N34", "N39.0"),  # painful micturition: urinary infection
    "R35": ("N10", "N30", "N39.0"),  # frequency of micturition: urinary infection
    "R39.1": ("N10", "N30", "N39.0"),  # urgency and other voiding symptoms: the same
    "R06.0": ("J44", "J45", "I50", "U07.1"),  # dyspnea
    "R11": ("A08", "A09", "K29", "K52"),  # nausea and vomiting
    "R31": ("N20", "N21"),  # hematuria: urinary calculus
    # Tremor, sweating and anxiety are the withdrawal's own signs (F1x.x3-, F1x.x23 ...).
    "R25.1": WITHDRAWAL,
    "R61": WITHDRAWAL,
    "F41.9": WITHDRAWAL,
}
HEART = ("I50", "I51.4", "I51.5", "I51.6", "I51.7", "I51.89", "I51.9")
LATE_CKD = ("N18.5", "N18.6")  # stage 5 and end-stage renal disease


def code_findings(
    findings: Sequence[Finding],
    setting: CareSetting = CareSetting.OUTPATIENT,
    pregnancy: Pregnancy | None = None,
    drug: DrugEffect | None = None,
    encounter: str = "A",
    cause: ExternalCause | None = None,
) -> Icd10Coding:
    """The ICD-10-CM codes for the findings of one encounter, with the reasoning."""
    worked: list[str] = []
    coded: list[_Entry] = []
    for finding in findings:
        for target, guideline in _certain(finding, setting, worked):
            done = complete(
                target.code, target.side, target.encounter, target.open_fracture, target.sex
            )
            worked += done.worked
            coded += [_Entry(c, guideline, target.unrelated) for c in done.codes]
            if not done.codes:
                coded.append(_Entry(target.code, guideline, target.unrelated, complete=False))
    coded = _dedupe(coded)
    coded = _specific_over_unspecified(coded, worked)
    coded = _diabetes(coded, worked)
    coded = _hypertension(coded, worked)
    coded = _copd_with_infection(coded, worked)
    coded = _ibd_with_bleeding(coded, worked)
    coded = _gallstones_with_cholecystitis(coded, worked)
    coded = _code_first(coded, worked)
    coded = _covid(coded, worked)
    coded = _without_integral_symptoms(coded, worked)
    coded = _bite_over_wound(coded, worked)
    coded = _substance_hierarchy(coded, worked)
    conflicts: list[str] = []
    coded = _history_or_current(coded, worked, conflicts)
    coded = _sequela_after(coded, worked)
    coded = _status_after(coded, worked)
    coded = _reason_first(coded, worked)
    coded = _sepsis(coded, worked)
    coded = _organism_after(coded, worked)
    coded = _bmi(coded, worked, conflicts)
    if drug is not None:
        coded = _drug_effect(coded, worked, drug, encounter)
    if cause is not None:
        coded = _external_causes(coded, worked, cause, encounter)
    if pregnancy is not None:
        coded = _in_pregnancy(coded, worked, pregnancy)
    codes = tuple(
        CodedDiagnosis(e.code, description(e.code), e.guideline) for e in coded if e.complete
    )
    incomplete = tuple(e.code for e in coded if not e.complete)
    conflicts += [
        f"{note} (I.A.12.a: not reported together unless the conditions are unrelated)"
        for i, a in enumerate(codes)
        for b in codes[i + 1 :]
        if (note := excludes1_conflict(a.code, b.code))
    ]
    return Icd10Coding(codes, incomplete, tuple(conflicts), tuple(worked))


def _substance_hierarchy(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """One code per psychoactive substance (I.C.5.b.1): dependence over abuse and use, abuse
    over use (F1x.2- over F1x.1- and F1x.9-; F1x.1- over F1x.9-). A complication a dropped
    code carried (withdrawal, intoxication: the sixth character on) moves to the code kept
    ("alcohol dependence" and "alcohol withdrawal": F10.23-, dependence with withdrawal)."""
    rank = {"2": 3, "1": 2, "9": 1}  # dependence, abuse, use
    best: dict[str, str] = {}
    for e in coded:
        if re.match(r"^F1[0-9]\.[129]", e.code):
            kind = e.code[4]
            if rank[kind] > rank.get(best.get(e.code[:3], ""), 0):
                best[e.code[:3]] = kind
    out = []
    carried: dict[str, str] = {}  # substance -> the complicated code of the kind kept
    for e in coded:
        kept = best.get(e.code[:3])
        if re.match(r"^F1[0-9]\.[129]", e.code) and kept and e.code[4] != kept:
            moved = e.code[:4] + kept + e.code[5:]
            if e.code[5:6] not in ("", "0", "1") and is_billable(moved):
                carried[e.code[:3]] = moved  # "0" uncomplicated and "1" in remission stay
            worked.append(
                f"{e.code} is not coded: with {'dependence' if kept == '2' else 'abuse'} of "
                "the same substance documented, only that is (I.C.5.b.1)"
            )
            continue
        out.append(e)
    for e in coded:  # a complication coded with its kind already: the plain code goes
        if re.match(r"^F1[0-9]\.[129][2-9]", e.code) and e in out:
            carried.setdefault(e.code[:3], e.code)
    for substance, moved in carried.items():
        plain = next((e for e in out if e.code[:3] == substance and e.code[5:6] == "0"), None)
        if plain is None or plain.code[4] != moved[4]:
            continue
        if any(e.code == moved for e in out):
            out.remove(plain)
            worked.append(f"{plain.code} is not coded: {moved} says the same with its complication")
            continue
        worked.append(
            f"{plain.code} with the complication documented is one code, {moved} (I.C.5.b.1: "
            "one code per substance, the dependence over abuse and use)"
        )
        out = [plain._replace(code=moved) if e is plain else e for e in out]
    return out


def _bite_over_wound(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """A bite's punctures or cuts are the bite: the open bite of a site stands, not a second
    code for a puncture wound or laceration of the same site and side (the Index: Bite, see
    Wound, open, by site, bite)."""
    bites = [e for e in coded if description(e.code).startswith("Open bite")]
    out = []
    for entry in coded:
        bite = next(
            (
                b
                for b in bites
                if b is not entry
                and b.code[:5] == entry.code[:5]
                and b.code[6:7] == entry.code[6:7]
                and description(entry.code).startswith(("Puncture wound", "Laceration"))
            ),
            None,
        )
        if bite is None:
            out.append(entry)
        else:
            worked.append(f"{entry.code} is not coded: the wound is the bite, {bite.code}")
    return out


def _without_integral_symptoms(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Symptom codes dropped beside a definitive diagnosis that includes them (I.B.5)."""
    out = []
    for entry in coded:
        owners = next((d for s, d in INTEGRAL_SYMPTOMS.items() if entry.code.startswith(s)), ())
        cause = next(
            (c.code for c in coded if c is not entry and c.complete and _starts(c.code, owners)),
            None,
        )
        if cause is None:
            out.append(entry)
        else:
            worked.append(
                f"{entry.code} is not coded: the symptom is routinely part of {cause} (I.B.5)"
            )
    return out


def _history_or_current(
    coded: list[_Entry], worked: list[str], conflicts: list[str]
) -> list[_Entry]:
    """A personal-history code that Excludes1 the current condition also documented gives
    way to it ("history of tobacco use" beside current cigarette dependence)."""
    out = list(coded)
    for entry in coded:
        if not entry.code.startswith("Z8"):
            continue
        for other in coded:
            note = other is not entry and excludes1_conflict(entry.code, other.code)
            if note and not other.code.startswith("Z") and entry in out:
                out.remove(entry)
                line = (
                    f"{entry.code} and {other.code} are not reported together: {note} "
                    f"(I.A.12.a); the current condition is coded, {other.code}"
                )
                worked.append(line)
                conflicts.append(line)
    return out


# Z codes that report a status, a history or a detail of another condition, never the reason
# for the visit when a condition is coded beside them: an incidental pregnancy (Z33.1,
# I.C.15.a.1), weeks of gestation, BMI, long-term drug use, dependence on a machine (Z99.2
# dialysis), a device or organ present, personal and family history, allergy status.
_STATUS = re.compile(r"^Z(?:33|3A|68|79|8[0-8]|9[1-9])")


def _status_after(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Status and history Z codes, and external causes (V00-Y99, never first-listed,
    I.C.20), follow the conditions coded beside them."""
    later = [e for e in coded if _STATUS.match(e.code) or e.code[:1] in "VWXY"]
    if not later or len(later) == len(coded) or coded[0] not in later:
        return coded
    worked.append(
        f"{later[0].code} reports a status, a history or a cause: listed after the condition"
    )
    return [e for e in coded if e not in later] + later


# Chapter 19's injuries, burns, frostbite and effects of external causes that an external
# cause code accompanies (not poisonings and toxic effects, T36-T65, whose codes hold the
# intent, nor complications of care, T80-T88).
_INJURY = re.compile(r"^(?:S|T0|T1|T2|T3[0-4]|T6[6-9]|T7[0-8])")


def _external_causes(
    coded: list[_Entry], worked: list[str], cause: ExternalCause, encounter: str
) -> list[_Entry]:
    """How the injury happened, after it (I.C.20): the cause at every encounter of its
    treatment, place, activity and status once, at the first. What the words found of
    chapter 20 on their own gives way to what the cause's reading found."""
    if not any(_INJURY.match(e.code) and e.complete for e in coded):
        return coded
    codes = [c for c in cause.codes(encounter) if is_billable(c)]
    if not codes:
        return coded
    rest = [e for e in coded if e.code[:1] not in "VWXY"]
    later = ", ".join(codes[1:])
    worked.append(
        f"{codes[0]} says how the injury happened ({cause.said}): an external cause, never "
        "first-listed, reported with the injury's seventh character at each encounter"
        + (
            f"; {later}: place, activity and status, reported once, at the initial encounter"
            if later
            else ""
        )
        + ". No national requirement: reported where a state or payer asks for them (I.C.20)"
    )
    return rest + [_Entry(c, "I.C.20", False) for c in codes]


_BY_A_DRUG = re.compile(
    r"\bdue to (?:antineoplastic chemotherapy|drugs?)\b|\bdrug[- ]induced\b", re.I
)


def _drug_effect(
    coded: list[_Entry], worked: list[str], drug: DrugEffect, encounter: str
) -> list[_Entry]:
    """The drug's T36-T50 code beside what it did (consultant.rules.icd10_drug_effects): a
    poisoning first, an adverse effect or an underdosing after the condition it caused."""
    code = drug.code(encounter if encounter in ("A", "D", "S") else "A")
    if not is_billable(code):
        return coded
    # Other drug codes the words found give way to this one; a suicide attempt by poisoning
    # is the poisoning's intent, not T14.91 (its Excludes1).
    rest = [
        e
        for e in coded
        if not e.code.startswith(("T36", "T37", "T38", "T39", "T4", "T50"))
        and not (drug.kind == POISONING and e.code.startswith("T14.91"))
    ]
    entry = _Entry(code, "I.C.19.e.5", False)
    if drug.kind == POISONING:
        worked.append(
            f"{drug.drug}: a poisoning ({drug.intent}) is coded first, {code}, its "
            "manifestations after it (I.C.19.e.5.b)"
        )
        return [entry, *rest]
    conditions = [e for e in rest if e.code[:1] not in "VWXYZ" and e.complete]
    # A condition whose title says a drug caused it (D64.81, anemia due to antineoplastic
    # chemotherapy) is the effect: it leads, with the T code after it.
    caused = next((e for e in conditions if _BY_A_DRUG.search(description(e.code))), None)
    if caused is not None and drug.kind == ADVERSE:
        rest = [caused, *(e for e in rest if e is not caused)]
        conditions = [caused]
    at = rest.index(conditions[0]) + 1 if conditions else len(rest)
    if drug.kind == ADVERSE:
        worked.append(
            f"{drug.drug} taken as prescribed: an adverse effect, not a poisoning; the effect "
            f"is coded first, then {code} (I.C.19.e.5.a)"
        )
    else:
        worked.append(
            f"{drug.drug} taken less than prescribed: an underdosing; the condition is coded "
            f"first, then {code} (I.C.19.e.5.c)"
        )
        if drug.noncompliance and is_billable(drug.noncompliance):
            # The noncompliance code says why, after the underdosing (I.C.19.e.5.c).
            why = _Entry(drug.noncompliance, "I.C.19.e.5.c", False)
            rest = [e for e in rest if not e.code.startswith(("Z91.12", "Z91.13", "Z91.14"))]
            at = rest.index(conditions[0]) + 1 if conditions else len(rest)
            worked.append(f"{drug.noncompliance}: {description(drug.noncompliance)}")
            return [*rest[:at], entry, why, *rest[at:]]
    return [*rest[:at], entry, *rest[at:]]


# Gestational diabetes by its control (I.C.15.g): the drug's code, not the diet's, when both;
# the long-term drug Z code is not reported with O24.4-.
_GESTATIONAL_BY_DRUG = {"Z79.4": "O24.414", "Z79.84": "O24.415"}


def _gestational_diabetes(
    chapter: list[_Entry], others: list[_Entry], worked: list[str]
) -> tuple[list[_Entry], list[_Entry]]:
    gestational = [e for e in chapter if e.code.startswith("O24.41")]
    drug = next((e for e in others if e.code in _GESTATIONAL_BY_DRUG), None)
    if not gestational or drug is None:
        return chapter, others
    code = _GESTATIONAL_BY_DRUG[drug.code]
    worked.append(
        f"Gestational diabetes controlled by {'insulin' if code == 'O24.414' else 'oral drugs'}: "
        f"{code} (also when diet continues), without {drug.code} (I.C.15.g)"
    )
    first = chapter.index(gestational[0])
    kept = [e for e in chapter if e not in gestational]
    kept.insert(first, _Entry(code, "I.C.15.g", False))
    return kept, [e for e in others if e is not drug]


def _in_pregnancy(coded: list[_Entry], worked: list[str], pregnancy: Pregnancy) -> list[_Entry]:
    """A pregnant patient's conditions (consultant.rules.icd10_pregnancy): each that has a
    chapter 15 code takes it, for the trimester, before its own code where the category asks
    for it; chapter 15 first; Z34 gives way to a complication; Z3A for the weeks."""
    which = trimester(pregnancy.weeks) if pregnancy.weeks is not None else None
    when = f"week {pregnancy.weeks}, " if pregnancy.weeks is not None else ""
    named = f"{when}{'trimester ' + str(which) if which else 'trimester not documented'}"
    chapter: list[_Entry] = []
    others: list[_Entry] = []
    for entry in coded:
        if entry.code == "Z33.1" and not pregnancy.incidental:
            continue  # "pregnant" is the pregnancy the rules below code
        if is_chapter_15(entry.code) or entry.code.startswith("Z34"):
            child = (
                by_trimester(entry.code, which)
                if not entry.complete
                else by_trimester_sibling(entry.code, which)
                if which
                else None
            )
            if child:
                worked.append(f"{entry.code}: {named} -> {child} (I.C.15.a.3)")
                entry = entry._replace(code=child, complete=is_billable(child))
            (chapter if is_chapter_15(entry.code) else others).append(entry)
            continue
        rule = None if pregnancy.incidental else in_pregnancy(entry.code)
        child = by_trimester(rule.category, which) if rule else None
        if rule is None or child is None:
            others.append(entry)
            continue
        worked.append(
            f"{entry.code} in a pregnant patient complicates the pregnancy: {child} "
            f"({description(child)}) is listed first"
            + (f", {entry.code} after it" if rule.keep else f", in place of {entry.code}")
            + " (I.C.15.a.1)"
        )
        chapter.append(_Entry(child, "I.C.15.a.1", False))
        if rule.keep:
            others.append(entry)
    if pregnancy.routine and not chapter and not any(e.code.startswith("Z34") for e in others):
        routine = by_trimester(supervision(pregnancy), which)
        if routine:
            worked.append(
                f"A routine prenatal visit with no complication: {routine} "
                f"({description(routine)}) first (I.C.15.b.1)"
            )
            others.insert(0, _Entry(routine, "I.C.15.b.1", False))
    chapter, others = _gestational_diabetes(chapter, others, worked)
    if chapter and any(e.code.startswith("Z34") for e in others):
        worked.append(
            "Z34 (supervision of a normal pregnancy) is not reported with a chapter 15 code (I.C.15.b.1)"
        )
        others = [e for e in others if not e.code.startswith("Z34")]
    if pregnancy.weeks is not None and not any(e.code.startswith("Z3A") for e in others):
        others.append(_Entry(weeks_code(pregnancy.weeks), "Z3A weeks of gestation", False))
    if pregnancy.incidental and not chapter:
        others.append(_Entry("Z33.1", "I.C.15.a.1 incidental pregnancy", False))
    return _dedupe(chapter) + others


def _sequela_after(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """An injury coded as a sequela (7th character S) follows the residual condition it left,
    the scar or contracture treated (I.B.10: the residual first, the sequela code second)."""
    sequelae = [
        e
        for e in coded
        if e.code[:1] in "ST" and len(e.code.replace(".", "")) == 7 and e.code[-1] == "S"
    ]
    residual = [e for e in coded if e not in sequelae and e.code[:1] not in "VWXYZ"]
    if not sequelae or not residual or coded.index(residual[0]) < coded.index(sequelae[0]):
        return coded
    worked.append(
        f"{residual[0].code} is the residual condition treated: listed before the sequela "
        f"{sequelae[0].code} (I.B.10)"
    )
    return (
        [e for e in coded if e not in sequelae and e in residual]
        + sequelae
        + [e for e in coded if e not in sequelae and e not in residual]
    )


def _reason_first(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """An encounter's reason ("Encounter for screening ...", "Encounter for follow-up
    examination ...") is listed first, the conditions found after it (I.C.21.c)."""
    reasons = [e for e in coded if description(e.code).startswith("Encounter for")]
    if not reasons or coded[0] in reasons:
        return coded
    worked.append(f"{reasons[0].code} is the reason for the encounter: listed first (I.C.21.c)")
    return reasons + [e for e in coded if e not in reasons]


_ONE_CODE = re.compile(r"^\s*[^():]*\(([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)\)\s*$")


def code_first_of(code: str) -> str | None:
    """The one complete code a "code first" note names without choice ("code first COVID-19
    (U07.1)" under J12.82); none where the note offers examples or applies only if present."""
    note = icd.get_code_first(code)
    if not note or "such as" in note or "if applicable" in note:
        return None
    found = _ONE_CODE.match(note)
    return found.group(1) if found and is_billable(found.group(1)) else None


def _code_first(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """A manifestation whose "code first" note names one code brings that code, before it
    (I.A.13: etiology/manifestation; "Pneumonia due to COVID-19" says the COVID-19)."""
    out = list(coded)
    for entry in coded:
        first = code_first_of(entry.code) if entry.complete else None
        if first is None or any(e.code == first for e in out):
            continue
        out.insert(out.index(entry), _Entry(first, "I.A.13 code first", False))
        worked.append(f"{entry.code} says code first {first}: {first} is listed before it (I.A.13)")
    return out


COVID = "U07.1"
# Manifestations of confirmed COVID-19 and the code each takes instead (I.C.1.g.1.a.i-iii):
# pneumonia J12.82, acute bronchitis (or bronchitis NOS) J20.8.
COVID_MANIFESTATIONS = (
    (("J18",), "J12.82", "pneumonia"),
    (("J20.9", "J40"), "J20.8", "acute bronchitis"),
)


def _covid(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Confirmed COVID-19 (U07.1) is coded first, its manifestations after it by the codes
    the guidelines name (I.C.1.g.1.a): pneumonia due to COVID-19 is U07.1 with J12.82."""
    covid = next((e for e in coded if e.code == COVID), None)
    if covid is None:
        return coded
    out: list[_Entry] = []
    for entry in coded:
        found = next(
            (
                (code, what)
                for prefixes, code, what in COVID_MANIFESTATIONS
                if _starts(entry.code, prefixes)
            ),
            None,
        )
        if found is None or entry.unrelated:
            out.append(entry)
            continue
        code, what = found
        worked.append(
            f"{what} with confirmed COVID-19 -> {code} in place of {entry.code}, after "
            f"{COVID} (I.C.1.g.1.a)"
        )
        out.append(_Entry(code, "I.C.1.g.1.a COVID-19", False))
    if len(out) > 1:
        worked.append(
            f"{COVID} is sequenced first for confirmed COVID-19, its manifestations after it "
            "(I.C.1.g.1.a)"
        )
        out = [covid] + [e for e in out if e is not covid]
    return _dedupe(out)


# Codes of a systemic infection (sepsis) that R65.2x, severe sepsis, follows.
_SYSTEMIC_INFECTION = ("A40", "A41", "A02.1", "A22.7", "A26.7", "A32.7", "A42.7", "A54.86", "B37.7")


_AGENT = ("B95", "B96", "B97")
# Codes that name their organism themselves: sepsis by organism (A40, A41.0-A41.5).
_NAMES_ITS_ORGANISM = ("A40", "A41.0", "A41.1", "A41.2", "A41.3", "A41.4", "A41.5", "A41.8")


def _organism_after(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """The infectious agent's B95-B97 code follows the infection it identifies ("use
    additional code"), and is not added where a code already names the organism (A41.51)."""
    agents = [e for e in coded if e.code.startswith(_AGENT)]
    if not agents:
        return coded
    rest = [e for e in coded if e not in agents]
    if any(e.code.startswith(_NAMES_ITS_ORGANISM) for e in rest):
        worked.append(f"{agents[0].code} is not added: the sepsis code already names the organism")
        return rest
    if not rest:
        return coded
    return [rest[0], *agents, *rest[1:]]


def _sepsis(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Severe sepsis (R65.2x) is never first-listed: the systemic infection is coded first,
    A41.9 when its organism is not documented (I.C.1.d.1.a and I.C.1.d.4)."""
    severe = [e for e in coded if e.code.startswith("R65.2")]
    if not severe:
        return coded
    infections = [e for e in coded if _starts(e.code, _SYSTEMIC_INFECTION)]
    if not infections:
        infections = [_Entry("A41.9", "I.C.1.d.1.a", False)]
        worked.append(
            "Severe sepsis and septic shock need the systemic infection coded first: A41.9 "
            "(Sepsis, unspecified organism) when the organism is not documented (I.C.1.d.1.a)"
        )
    elif coded.index(severe[0]) > coded.index(infections[0]):
        return coded
    worked.append(
        f"{severe[0].code} follows the systemic infection {infections[0].code}: severe sepsis "
        "is never first-listed (I.C.1.d.4)"
    )
    rest = [e for e in coded if e not in severe and e not in infections]
    return infections + severe + rest


def bmi_code(value: float, adult: bool = True) -> str | None:
    """The Z68 code whose range in its title holds an adult's BMI ("40.0-44.9, adult")."""
    if not adult:
        return None  # children's BMI is coded by percentile (Z68.5x), not by value
    for code in [
        "Z68.1",
        *(f"Z68.{n}" for n in range(20, 40)),
        *(f"Z68.4{n}" for n in range(1, 6)),
    ]:
        title = description(code)
        low, high = _bmi_range(title)
        if low is not None and low <= value <= high:
            return code
    return None


def _bmi_range(title: str) -> tuple[float | None, float]:
    if "adult" not in title:
        return None, 0.0
    found = re.search(r"(\d+(?:\.\d)?)\s*-\s*(\d+(?:\.\d)?)", title)
    if found:
        return float(found.group(1)), float(found.group(2)) + 0.09
    found = re.search(r"(\d+(?:\.\d)?) or less", title)
    if found:
        return 0.0, float(found.group(1)) + 0.09
    found = re.search(r"(\d+(?:\.\d)?) or greater", title)
    if found:
        return float(found.group(1)), 1000.0
    return None, 0.0


# Diagnoses a BMI code may be reported with (I.B.14: only with an associated reportable
# diagnosis such as obesity, overweight or malnutrition).
_WEIGHT_DIAGNOSES = ("E66", "E40", "E41", "E42", "E43", "E44", "E45", "E46", "R63.4", "R63.6")


def _bmi(coded: list[_Entry], worked: list[str], conflicts: list[str]) -> list[_Entry]:
    """A BMI code follows the weight diagnosis it supports, and without one is not coded."""
    bmi = [e for e in coded if e.code.startswith("Z68")]
    if not bmi:
        return coded
    if not any(_starts(e.code, _WEIGHT_DIAGNOSES) for e in coded):
        conflicts.append(
            f"{bmi[0].code} (BMI) is reported only with an associated diagnosis such as obesity "
            "or malnutrition documented by the provider (I.B.14)."
        )
        return [e for e in coded if e not in bmi]
    worked.append(f"{bmi[0].code} follows the weight diagnosis it supports (I.B.14)")
    return [e for e in coded if e not in bmi] + bmi


def _certain(
    finding: Finding, setting: CareSetting, worked: list[str]
) -> list[tuple[Finding, str]]:
    code = with_dot(finding.code)
    if not is_code(code):
        worked.append(f"{finding.code} is not an ICD-10-CM code")
        return []
    finding = replace(finding, code=code)
    if finding.certainty is Certainty.CONFIRMED:
        return [(finding, "confirmed diagnosis")]
    if finding.certainty is Certainty.UNCERTAIN and setting is CareSetting.INPATIENT:
        worked.append(f"{code} uncertain at discharge: coded as if established (II.H)")
        return [(finding, "II.H uncertain diagnosis, inpatient")]
    why = "ruled out" if finding.certainty is Certainty.RULED_OUT else "uncertain"
    rule = "IV.H" if setting is CareSetting.OUTPATIENT else "II.H"
    symptoms = [with_dot(s) for s in finding.symptoms]
    shown = ", ".join(symptoms) or "none given: ask for them"
    worked.append(f"{code} is {why}: not coded ({rule}); code the signs and symptoms: {shown}")
    worked += [f"{s} is not an ICD-10-CM code" for s in symptoms if not is_code(s)]
    return [
        (Finding(s, side=finding.side, encounter=finding.encounter), f"{rule}, IV.D sign/symptom")
        for s in symptoms
        if is_code(s)
    ]


def _dedupe(coded: list[_Entry]) -> list[_Entry]:
    seen: set[str] = set()
    out = []
    for entry in coded:
        if entry.code not in seen:
            seen.add(entry.code)
            out.append(entry)
    return out


def _specific_over_unspecified(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """An unspecified code beside a specific one of its own category is the same condition
    said twice ("obesity, class 2": E66.812, not E66.9 as well): the specific code stands
    (I.B.18: the unspecified code only when the record gives no more)."""
    out = []
    for entry in coded:
        specific = next(
            (
                e.code
                for e in coded
                if e is not entry
                and e.complete
                and e.code[:3] == entry.code[:3]
                and not _UNSPECIFIED_TITLE.search(description(e.code))
            ),
            None,
        )
        # "Use, unspecified" (F1x.9-) is a kind of use, weighed by the substance hierarchy.
        psychoactive = re.match(r"^F1[0-9]\.", entry.code)
        if (
            entry.complete
            and specific
            and not psychoactive
            and _UNSPECIFIED_TITLE.search(description(entry.code))
        ):
            worked.append(
                f"{entry.code} is the unspecified code of {specific}'s condition: not coded"
            )
            continue
        out.append(entry)
    return out


_UNSPECIFIED_TITLE = re.compile(r"\bunspecified\b", re.I)


def _starts(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def _diabetes(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    base = next((c for c in coded if c.code[:3] in DIABETES and not c.unrelated), None)
    if base is None:
        return coded
    family = base.code[:3]
    out = list(coded)
    added: list[str] = []
    for link in DIABETES_LINKS:
        for entry in [c for c in coded if _starts(c.code, link.prefixes) and not c.unrelated]:
            combined = family + link.suffix
            if not is_code(combined):
                continue
            guideline = "I.A.15 'with', I.C.4.a diabetes"
            at = min(out.index(base) if base in out else len(out), out.index(entry))
            if combined not in (c.code for c in out):
                out.insert(at, _Entry(combined, guideline, False))
                added.append(combined)
            kept = f"{entry.code} also coded" if link.keep else f"{entry.code} is included"
            worked.append(f"diabetes with {link.name} is presumed linked -> {combined}; {kept}")
            if not link.keep:
                out.remove(entry)
    # "Without complications" (or the bare category) gives way to the combination codes,
    # wherever it stands among them.
    plain = next((c for c in out if c.code == family + ".9"), None)
    others = [c.code for c in out if c.code[:3] == family and c is not plain]
    if plain is not None and others and not added:
        out.remove(plain)
        worked.append(
            f"{plain.code} (without complications) is not reported with {', '.join(others)}"
        )
    if added and (base.code == family + ".9" or not base.complete) and base in out:
        out.remove(base)
        worked.append(f"{base.code} replaced by {', '.join(added)}")
    return out


# Acute lower respiratory infections: pneumonia (J12-J18), acute bronchitis (J20),
# bronchiolitis (J21), unspecified (J22).
_LOWER_INFECTION = ("J12", "J13", "J14", "J15", "J16", "J17", "J18", "J20", "J21", "J22")


# Ulcerative colitis (K51) and Crohn's disease (K50) "without complications" (the fifth
# character 0) and the complication their combination codes carry (sixth character).
_IBD_PLAIN = re.compile(r"^K5[01]\.\d0$")
_IBD_COMPLICATIONS = (("K62.5", "11", "rectal bleeding"), ("K56.6", "12", "intestinal obstruction"))


def _ibd_with_bleeding(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Crohn's disease or ulcerative colitis with rectal bleeding or an obstruction is one
    combination code (K51.011 ulcerative pancolitis with rectal bleeding), the complication
    not coded again (I.A.15 "with"; the tabular's K50-K51 sixth characters)."""
    plain = next((e for e in coded if _IBD_PLAIN.match(e.code)), None)
    if plain is None:
        return coded
    for prefix, sixth, name in _IBD_COMPLICATIONS:
        found = next((e for e in coded if e.code.startswith(prefix)), None)
        combined = plain.code[:5] + sixth
        if found is None or not is_billable(combined):
            continue
        worked.append(
            f"{plain.code} with {name}: the combination code {combined}; {found.code} is "
            "included in it"
        )
        return [plain._replace(code=combined) if e is plain else e for e in coded if e is not found]
    return coded


# Cholecystitis (K81) by kind -> calculus of the gallbladder with it, without obstruction
# (K80.00 acute, K80.10 chronic, K80.12 acute on chronic; not said: the Index's "Calculus,
# gallbladder, with cholecystitis (chronic)"); with obstruction the sixth character is one more.
_WITH_CALCULUS = {"K81.0": "K80.00", "K81.1": "K80.10", "K81.2": "K80.12", "K81.9": "K80.10"}


def _gallstones_with_cholecystitis(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """Calculus of the gallbladder with cholecystitis is one combination code (K80.00 with
    acute cholecystitis), neither K80.2- nor K81.- beside it (I.B.9 combination codes);
    the obstruction the calculus code carries (sixth character 1) stays."""
    stones = [e for e in coded if e.code.startswith("K80.2") and not e.unrelated]
    combined = [e for e in coded if e.code.startswith(("K80.0", "K80.1"))]
    inflamed = next((e for e in coded if e.code in _WITH_CALCULUS and not e.unrelated), None)
    if stones and combined:
        worked.append(f"{combined[0].code} includes the calculus ({stones[0].code} not coded)")
        return [e for e in coded if e not in stones]
    if not stones or inflamed is None:
        return coded
    base = _WITH_CALCULUS[inflamed.code]
    obstructed = any(e.code.endswith("1") for e in stones)
    code = base[:-1] + str(int(base[-1]) + obstructed)
    if not is_billable(code):
        return coded
    worked.append(
        f"calculus of the gallbladder ({stones[0].code}) with cholecystitis ({inflamed.code}):"
        f" the combination code {code}"
    )
    return [inflamed._replace(code=code) if e is inflamed else e for e in coded if e not in stones]


def _copd_with_infection(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    """COPD with an acute lower respiratory infection is J44.0, with the infection coded
    beside it (its "use additional code" note); an exacerbation documented too keeps J44.1
    (tabular J44.0, J44.1); J44.9 gives way to both."""
    copd = [e for e in coded if e.code.startswith("J44")]
    infection = next(
        (e for e in coded if _starts(e.code, _LOWER_INFECTION) and not e.unrelated), None
    )
    if not copd or infection is None or any(e.code == "J44.0" for e in coded):
        return coded
    worked.append(
        f"COPD with an acute lower respiratory infection ({infection.code}): J44.0, the "
        "infection coded beside it"
    )
    rest = [e for e in coded if e is not infection and not e.code.startswith("J44")]
    kept = [e for e in copd if e.code == "J44.1"]
    return [_Entry("J44.0", copd[0].guideline, False), infection, *kept, *rest]


def _hypertension(coded: list[_Entry], worked: list[str]) -> list[_Entry]:
    base = next((c for c in coded if c.code == "I10"), None)
    if base is None or base.unrelated:
        return coded
    heart = [c for c in coded if _starts(c.code, HEART) and not c.unrelated]
    kidney = [c for c in coded if c.code.startswith("N18") and not c.unrelated]
    if not heart and not kidney:
        return coded
    failure = any(c.code.startswith("I50") for c in heart)
    late = any(_starts(c.code, LATE_CKD) for c in kidney)
    if heart and kidney:
        code = ("I13.2" if late else "I13.0") if failure else ("I13.11" if late else "I13.10")
        rule, what = "I.C.9.a.3", "heart disease and chronic kidney disease"
    elif heart:
        code, rule, what = ("I11.0" if failure else "I11.9"), "I.C.9.a.1", "heart disease"
    else:
        code, rule, what = ("I12.0" if late else "I12.9"), "I.C.9.a.2", "chronic kidney disease"
    # I50 stays (use additional code); the I51 conditions are inside I11/I13.
    out = [c for c in coded if not (c is base or (c in heart and not c.code.startswith("I50")))]
    at = min(coded.index(c) for c in [base, *heart, *kidney])
    out.insert(min(at, len(out)), _Entry(code, f"{rule} hypertension", False))
    also = [c.code for c in heart + kidney if c in out]
    tail = f"; also {', '.join(also)} (use additional code)" if also else ""
    worked.append(f"hypertension with {what} is presumed linked -> {code} replaces I10{tail}")
    return out
