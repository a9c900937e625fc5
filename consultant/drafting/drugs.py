"""Stage 3a, drugs and their administration: a drug is billed with the service that gave it,
and an administration with the drug it gave (CMS: the J code carries the drug, the
administration code the work; neither pays for the other).

When the question tells how the drugs were given (the sequence analysis read: pushes,
infusions with their minutes, injections, in order), the administration codes come from
consultant.rules.drugs: one initial service by the hierarchy, then sequential, concurrent
and additional-hour add-ons. Otherwise the administration is chosen by the route the
question names and the drug's purpose, else by the administration our notes pair with the
drug (an injection into a joint is the joint injection, not 96372). Drug units come from
consultant.rules.drug_units: the dose over the HCPCS unit, rounded up, with JW or JZ when a
single-dose container is described.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.sections import is_em
from consultant.drafting.candidates import Selection
from consultant.drafting.facts import CodeFact
from consultant.matching import administration as seq
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate
from consultant.models import CodeNote
from consultant.rules import vaccines as vaccines_rule
from consultant.rules.drug_units import DrugUnits, Quantity, convert, drug_units, hcpcs_unit
from consultant.rules.drugs import (
    Administration,
    DeviceCare,
    Purpose,
    Route,
    administration_codes,
)

DRUG_FAMILIES = {"Drugs"}
# Normal saline, dextrose and lactated Ringer's: fluids that make an infusion hydration.
HYDRATION_FLUIDS = seq.FLUID_CODES
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
ROUTES = {
    "push": Route.IV_PUSH,
    "infusion": Route.IV_INFUSION,
    "iv": Route.IV,
    "im": Route.IM,
    "sc": Route.SC,
}
PUMP_REFILLS = {
    "systemic": DeviceCare.IMPLANTED_PUMP_SYSTEMIC_REFILL,
    "spinal": DeviceCare.IMPLANTED_PUMP_SPINAL_REFILL,
    "spinal by a physician": DeviceCare.IMPLANTED_PUMP_SPINAL_REFILL_PHYSICIAN,
}
# Pump refills and port care: the device codes one refill could be taken for.
DEVICE_CODES = {"96521", "96522", "96523", "95990", "95991"}
PURPOSES = {
    seq.CHEMOTHERAPY: Purpose.CHEMO,
    seq.HORMONAL: Purpose.HORMONAL_CHEMO,
    seq.THERAPEUTIC: Purpose.THERAPEUTIC,
    seq.HYDRATION: Purpose.HYDRATION,
}


def is_drug(code: str, note: CodeNote | None) -> bool:
    return code[:1] in "JQ" or (note is not None and note.family in DRUG_FAMILIES)


# Local anesthetics numbing the site of a procedure: a supply of the procedure, paid in its
# practice expense (NCCI Policy Manual ch. I and ch. XI: anesthesia by the physician who
# performs the procedure is included in it). Billed only when given as a drug in its own
# right (an IV lidocaine infusion: an administration code is then billed beside it).
LOCAL_ANESTHETICS = {"J2003", "J2004", "J0670", "J2795"}
# Their neighbours by name (lidocaine in dextrose, for IV use): not choices once the local
# anesthetic is known to be part of the procedure.
_ANESTHETIC_NEIGHBOURS = LOCAL_ANESTHETICS | {"J2001", "J2002"}


# Heparin or saline that flushes or locks a port or catheter: a supply of the device care
# (96523, 36591, 36592), not a drug given.
FLUSH_SOLUTIONS = {"J1642", "J1644", "J7050", "J7040", "J7030"}
DEVICE_CARE_CODES = {"96523", "36591", "36592"}


# Bladder procedures done through a catheter, and the catheters a supplier bills.
BLADDER_PROCEDURES = {"51700", "51701", "51702", "51703", "51705", "51720"}
CATHETER_SUPPLIES = {"A4338", "A4340", "A4344", "A4346", "A4351", "A4352", "A4353"}


def supplies_included(analysis: Analysis, selection: Selection) -> list[str]:
    """Drop a flush solution beside the care of the device it flushed, and a local anesthetic
    billed beside a procedure; a correction when the asker proposed one, advice otherwise."""
    services = [c for c, _ in selection.services]
    out: list[str] = []
    care = next((c for c in services if c in DEVICE_CARE_CODES), None)
    if care is not None:
        why = f"the heparin or saline that flushes or locks the device is part of {care}"
        out += _included(analysis, selection, FLUSH_SOLUTIONS, FLUSH_SOLUTIONS, why)
    bladder = next((c for c in services if c in BLADDER_PROCEDURES), None)
    if bladder is not None:
        why = (
            f"the catheter used in the office for {bladder} is part of the procedure's practice "
            "expense; the catheter supply codes are billed by a supplier for use at home"
        )
        out += _included(analysis, selection, CATHETER_SUPPLIES, CATHETER_SUPPLIES, why)
    procedures = [c for c in services if c[:1] in "123456" and c.isdigit()]
    if procedures and not any(is_administration(c) for c in services):
        why = (
            f"a local anesthetic used for {procedures[0]} is part of the procedure (a supply in "
            "its practice expense), not billed as a drug"
        )
        out += _included(analysis, selection, LOCAL_ANESTHETICS, _ANESTHETIC_NEIGHBOURS, why)
    return out


def _included(
    analysis: Analysis, selection: Selection, supplies: set[str], neighbours: set[str], why: str
) -> list[str]:
    """Take ``supplies`` off the claim and ``neighbours`` off the choices, saying ``why``."""
    dropped = [c for c, _ in selection.services if c in supplies]
    if not dropped:
        return []
    selection.services = [(c, s) for c, s in selection.services if c not in supplies]
    selection.alternatives = [(c, s) for c, s in selection.alternatives if c not in neighbours]
    proposed = [c for c in dropped if c in analysis.codes]
    if proposed:
        return [f"Do not bill {', '.join(proposed)}: {why}."]
    selection.advice.append(f"{why[0].upper()}{why[1:]}: no {', '.join(dropped)}.")
    return []


def is_administration(code: str) -> bool:
    """Drug and chemotherapy administration, inhalation treatment."""
    return code.isdigit() and (96360 <= int(code) <= 96549 or code == "94640")


def pair_drugs(
    session: Session, analysis: Analysis, selection: Selection, candidates: list[Candidate]
) -> list[str]:
    """Add the missing half of a drug/administration pair to the services, with the reason;
    returns corrections of the asker's administration code."""
    corrections = administer_vaccines(analysis, selection, candidates)
    services = [code for code, _ in selection.services]
    notes = {code: lookup.note(session, code) for code in services}
    drugs = [c for c in services if is_drug(c, notes[c])]
    injecting = {c for c in services if drugs and _injects(session, c)}
    paired = any(
        c
        for c in services
        if not is_administration(c) and (_procedure_for_drug(c, drugs, notes) or c in injecting)
    )
    if _sequence_decides(analysis, paired):
        try:
            # A code a correction already billed in place of the asker's is not skipped.
            skip = _asker_strengths(session, analysis) - set(services)
            return corrections + administer(analysis, selection, drugs, skip)
        except ValueError:
            pass  # an IV drug neither pushed nor timed: the route alone decides below
    corrections += _route_fits(analysis, selection, services)
    services = [code for code, _ in selection.services]
    if any(c not in HYDRATION_FLUIDS for c in drugs):
        # A drug infused is a therapeutic infusion; hydration codes are for fluids alone.
        for old, new in HYDRATION_TO_THERAPEUTIC.items():
            if old in services:
                selection.replace_service(
                    old, new, [f"{new}: a drug was infused, so this is not hydration ({old})."]
                )
        services = [code for code, _ in selection.services]
    given = [
        c
        for c in services
        if is_administration(c) or _procedure_for_drug(c, drugs, notes) or c in injecting
    ]
    if not drugs and not given:
        # A procedure that gives a drug the question names (chemodenervation with Botox).
        for code in analysis.administrations.named:
            notes.setdefault(code, lookup.note(session, code))
        named = list(analysis.administrations.named)
        given = [c for c in services if _procedure_for_drug(c, named, notes)]
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
            # Billed now, it is no longer a neighbour to rule out (listed twice, it lost its
            # place to the alternative's).
            selection.alternatives = [(c, s) for c, s in selection.alternatives if c != admin]
            if not is_administration(admin):
                procedure_leads(selection, analysis, [admin])
    elif given and not drugs:
        # The drug the question names (our notes' names for it), else the best drug match.
        named = [c for c in analysis.administrations.named if c not in HYDRATION_FLUIDS]
        matched = [
            c.code
            for c in candidates
            if c.phrase and c.family in DRUG_FAMILIES and c.code not in services
        ]
        drug_code = next(iter(named + matched), None)
        if drug_code is not None:
            selection.system_of.setdefault(drug_code, "HCPCS")
            selection.alternatives = [(c, s) for c, s in selection.alternatives if c != drug_code]
            selection.add_service(
                drug_code, 0.9, ["The drug itself, billed beside its administration."]
            )
            if asks_for_drug(analysis):
                selection.services.sort(key=lambda item: item[0] != drug_code)
    elif given and drugs:
        procedure_leads(selection, analysis, [c for c in given if not is_administration(c)])
    return corrections


def procedure_leads(selection: Selection, analysis: Analysis, procedures: list[str]) -> None:
    """The one rule for a procedure and the drug it gives: the procedure leads (an IUD's
    insertion before the device, a joint injection before the steroid), unless the question
    asks for the drug. Administration codes are not procedures here: their place beside the
    drug is the sequence's (``administer``)."""
    if procedures and not asks_for_drug(analysis):
        selection.services.sort(key=lambda item: item[0] not in procedures)


# An administration is billed with the product given; the product's code is chosen by what
# the note says of it.
_PRODUCT_TOO = (
    "The {kind} own product code is billed too: the note must say which product was given "
    "(brand, dose, presentation), and that product's code goes on the claim beside its "
    "administration."
)


def administer_vaccines(
    analysis: Analysis, selection: Selection, candidates: Sequence[Candidate] = ()
) -> list[str]:
    """The administration of the vaccines given (rules.vaccines) in place of any matched or
    proposed, with its units; a correction when the asker's administration codes differ.
    Counselling by the physician (90460/90461) is left as the question has it."""
    _other_vaccines(selection, candidates)
    services = [code for code, _ in selection.services]
    vaccines = [c for c in services if vaccines_rule.is_vaccine(c)]
    unnamed = _unnamed_kinds(analysis, vaccines) if vaccines else []
    if not vaccines and any(c in vaccines_rule.ADMINISTRATION for c in services):
        selection.advice.append(_PRODUCT_TOO.format(kind="vaccine's"))
    if not vaccines or {"90460", "90461"} & set(services):
        return []
    lines = vaccines_rule.administration_for(vaccines, analysis.payer == "Medicare", unnamed)
    for kind in unnamed:
        selection.advice.append(_PRODUCT_TOO.format(kind=f"{kind} vaccine's"))
    wanted = [line.code for line in lines]
    old = [c for c in services if c in vaccines_rule.ADMINISTRATION and c not in wanted]
    selection.services = [(c, s) for c, s in selection.services if c not in old]
    for line in lines:
        selection.add_service(line.code, 0.9, [f"{line.why}."])
        selection.system_of.setdefault(line.code, "CPT" if line.code.isdigit() else "HCPCS")
        selection.units[line.code] = line.units
    selection.alternatives = [(c, s) for c, s in selection.alternatives if c not in wanted]
    if _asks_administration_only(analysis):
        # "What admin code does Medicare want?": the administration is the answer.
        selection.services.sort(key=lambda item: item[0] not in wanted)
    elif _asks_products(analysis):
        selection.services = _products_then_administration(selection.services, wanted)
    proposed = [c for c in analysis.codes if c in vaccines_rule.ADMINISTRATION and c not in wanted]
    if not proposed:
        return []
    why = "; ".join(line.why for line in lines)
    return [f"Report {', '.join(wanted)}, not {', '.join(proposed)}: {why}."]


def _products_then_administration(
    services: list[tuple[str, float]], administration: list[str]
) -> list[tuple[str, float]]:
    """The administration lines right after the last vaccine product, whatever put one of
    them first (the asker's 90471 replaced in its place): the products lead the claim."""
    rest = [item for item in services if item[0] not in administration]
    given = [item for item in services if item[0] in administration]
    last = max((i for i, (c, _) in enumerate(rest) if vaccines_rule.is_vaccine(c)), default=-1)
    return rest[: last + 1] + given + rest[last + 1 :]


def _unnamed_kinds(analysis: Analysis, vaccines: list[str]) -> list[str]:
    """Kinds of vaccine the question names by words alone ("her flu shot") beside a product it
    does name: none of the billed products is of that kind."""
    billed = {vaccines_rule.kind_of(v) for v in vaccines}
    return [
        kind
        for kind, words in vaccines_rule.KIND_WORDS.items()
        if kind not in billed and any(analysis.mentions(w) for w in words)
    ]


def _asks_administration_only(analysis: Analysis) -> bool:
    """A sentence that asks for the administration code and none that asks for the product
    ("which vaccine and admin codes?" asks for both)."""
    asks = [q.text.lower() for q in analysis.sub_questions]
    return any(re.search(r"\badmin", q) for q in asks) and not any(
        re.search(r"\bvaccines?\b|\bproduct", q) for q in asks
    )


def _asks_products(analysis: Analysis) -> bool:
    """A sentence that asks for the vaccine or for the codes at large ("which vaccine and
    admin codes?", "which codes?"): the products lead. A question about the asker's own
    administration code ("is 90471 right?") is answered first by its correction."""
    asks = [q.text.lower() for q in analysis.sub_questions]
    return any(re.search(r"\bvaccines?\b|\bproducts?\b|\bcodes\b", q) for q in asks)


# Words that name no vaccine in particular: a product matched by these alone is a neighbour.
_VACCINE_WORDS = frozenset({"vaccin", "vaccine", "vaccines", "administration", "dose", "shot"})


def _other_vaccines(selection: Selection, candidates: Sequence[Candidate]) -> None:
    """Each vaccine the question names is a product billed ("Tdap and Gardasil 9": 90715 and
    90651): a product matched by words of its own, that no billed vaccine's match uses, and
    not a second vaccine against the same disease (one influenza vaccine a visit)."""
    services = [code for code, _ in selection.services]
    billed = [c for c in candidates if c.code in services and vaccines_rule.is_vaccine(c.code)]
    if not billed:
        # Only the administration is billed ("do we add 99211 to G0009?"): the product the
        # words name by its own name is billed beside it, of the kind the code administers.
        given = [c for c in services if c in vaccines_rule.ADMINISTRATION]
        product = next((c for c in candidates if _names_product(c, given)), None)
        if product is None:
            return
        selection.add_service(product.code, 1.0)
        selection.alternatives = [(c, s) for c, s in selection.alternatives if c != product.code]
        billed = [product]
    used = set().union(*(c.matched for c in billed))
    top = max(c.score for c in billed)
    for cand in candidates:
        own = {w for w in cand.matched - _VACCINE_WORDS if not w.isdigit()}
        if (
            cand.code in services
            or not vaccines_rule.is_vaccine(cand.code)
            or not cand.phrase
            or cand.score < top * 0.5
            or not own
            or cand.matched & used
            or any(vaccines_rule.same_disease(cand.code, c.code) for c in billed)
        ):
            continue
        selection.add_service(cand.code, cand.score / top)
        selection.alternatives = [(c, s) for c, s in selection.alternatives if c != cand.code]
        billed.append(cand)
        used |= cand.matched


def _names_product(candidate: Candidate, given: list[str]) -> bool:
    """A vaccine product matched by a name of its own (not "vaccine" or "shot"), of the kind
    each Medicare administration code given administers."""
    if not given or not vaccines_rule.is_vaccine(candidate.code) or not candidate.phrase:
        return False
    if not {w for w in candidate.matched - _VACCINE_WORDS if not w.isdigit()}:
        return False
    kind = vaccines_rule.kind_of(candidate.code)
    return all(vaccines_rule.KIND_NAMES.get(code, kind) == kind for code in given)


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


# A procedure whose own descriptor is an injection or a block (an epidural, a transforaminal
# or facet injection, a nerve block, a trigger point): the drug it delivers is billed beside
# it with no administration code, whichever drug our notes pair it with.
_INJECTS = re.compile(r"\binjections?\b|\bblocks?\b")


def _injects(session: Session, code: str) -> bool:
    if not code.isdigit() or is_administration(code) or is_em(code):
        return False
    return _INJECTS.search(lookup.describe(session, code)[1].lower()) is not None


def _procedure_for_drug(code: str, drugs: list[str], notes: dict[str, CodeNote | None]) -> bool:
    """A procedure our notes pair with one of the drugs (a joint injection with its drug)."""
    return any(code in note.related for d in drugs if (note := notes[d]) is not None)


def _sequence_decides(analysis: Analysis, paired: bool) -> bool:
    """The sequence read from the question chooses the administration codes: an IV drug,
    or an IM/SC injection not into a joint and not part of a procedure our notes pair
    with the drug (Botox with its chemodenervation)."""
    given = analysis.administrations.given
    if analysis.administrations.pump_refill:
        return True
    if not given or analysis.joint:
        return False
    return bool(analysis.administrations.intravenous) or not paired


def timeline(sequence: seq.Sequence) -> list[Administration]:
    """The administrations on one clock: a clock time when the question gives one, else each
    starts when the one before ended (plus any "20 minutes later"), and one said to run at
    the same time starts with the one before."""
    out: list[Administration] = []
    clock = next((g.at for g in sequence.given if g.at is not None), 0)
    for given in sequence.given:
        previous = out[-1] if out else None
        minutes = given.minutes
        if given.at is not None:
            start = given.at
        elif given.concurrent and previous is not None:
            start = previous.start or 0
            if minutes is None and previous.minutes is not None:
                minutes = previous.minutes  # "running the whole time"
        else:
            start = clock + (given.later or 0)
        stop = given.until if given.until is not None else None
        if stop is None and minutes is not None and given.route != "push":
            stop = start + minutes
        out.append(
            Administration(
                given.drug,
                ROUTES[given.route],
                PURPOSES[given.purpose],
                start,
                stop if given.route != "push" else None,
                pump=given.pump,
            )
        )
        clock = max(clock, stop if stop is not None else start)
    return out


def _asker_strengths(session: Session, analysis: Analysis) -> set[str]:
    """Drug codes the question's drug names give that the asker's own codes stand for: the
    asker weighs J1030 against J1040 for "Depo-Medrol 80 mg", so J1010, which our notes give
    the name and relate to both, is not added as a third drug (the dose decides between the
    asker's codes)."""
    asked = [c for c in analysis.codes if c[:1] in "JQ"]
    out: set[str] = set()
    for given in analysis.administrations.given:
        note = lookup.note(session, given.code) if given.code else None
        if note is not None and given.code not in asked and set(asked) & set(note.related):
            out.add(given.code)
    return out


def administer(
    analysis: Analysis, selection: Selection, matched: list[str], skip: set[str] | None = None
) -> list[str]:
    """Put the administration codes the sequence decides in place of those matched, with
    the units and the worked reasoning; the drugs named beside them (``matched``: the drug
    codes the search found; ``skip``: drug codes the asker's own codes stand for). Returns
    corrections of the asker's administration codes."""
    sequence = analysis.administrations
    devices = [PUMP_REFILLS[sequence.pump_refill]] if sequence.pump_refill else []
    result = administration_codes(
        timeline(sequence),
        devices=devices,
        facility=bool(sequence.facility),
        initial_elsewhere=sequence.initial_elsewhere,
    )
    units: dict[str, int] = {}
    for line in result.lines:
        if line.code:
            units[line.code] = units.get(line.code, 0) + line.units
    worked = list(result.worked)
    if sequence.facility is None and any(c == "96376" for c in units):
        worked.append("96376 is reported by facilities; a physician's claim leaves it off")
    corrections = []
    replaced = [c for c, _ in selection.services if _administers(c) and c not in units]
    selection.services = [(c, s) for c, s in selection.services if c not in replaced]
    for code in [c for c in analysis.codes if _administers(c) and c not in units]:
        why = next((w for w in worked if code in w), "; ".join(worked[:2]))
        lead = f"Report {', '.join(units)}, not {code}" if units else f"{code} is not reported"
        corrections.append(f"{lead}: {why}.")
    corrections += _hydration_declined(analysis, list(units), worked)
    skip = skip or set()
    drugs = [
        g.code
        for g in sequence.given
        if g.code and g.code not in HYDRATION_FLUIDS and g.code not in skip
    ]
    if any(g.purpose == seq.HYDRATION for g in sequence.given):
        # The fluid of a hydration is billed beside it (J7030 with 96360); a fluid that only
        # carried a drug is part of that drug's administration and is not.
        drugs += [c for c in sequence.named if c in HYDRATION_FLUIDS and c not in drugs]
    if all(g.code for g in sequence.given if g.purpose != seq.HYDRATION):
        # Every drug given is named: another drug code the search matched (an oral form of
        # the same drug, say) was not given, unless the asker wrote it.
        stray = {c for c in matched if c not in drugs and c not in analysis.codes}
        selection.services = [(c, s) for c, s in selection.services if c not in stray]
    for code in drugs:
        selection.system_of.setdefault(code, "HCPCS")
    admin = list(units)
    for code in admin:
        selection.system_of.setdefault(code, "CPT")
        selection.units[code] = units[code]
    if admin:
        selection.worked.setdefault(admin[0], []).extend(worked)
    elif worked:
        selection.advice.extend(w[:1].upper() + w[1:] + "." for w in worked)
    # A hydration's fluid follows the services; it is never the drug the question asks for.
    fluids = [c for c in drugs if c in HYDRATION_FLUIDS]
    drugs = [c for c in drugs if c not in HYDRATION_FLUIDS]
    ordered = [*drugs, *admin] if asks_for_drug(analysis) else [*admin[:1], *drugs, *admin[1:]]
    ordered += fluids
    scores = dict(selection.services)
    rest = [(c, s) for c, s in selection.services if c not in ordered]
    searched_visits = [c for c, _ in rest if _visit_not_described(analysis, selection, c)]
    if searched_visits:
        # The minutes of an infusion are no visit's time ("over 30 minutes" is not 99239's
        # discharge time): a visit the question neither names nor describes is not billed.
        selection.demote(*searched_visits)
        rest = [(c, s) for c, s in rest if c not in searched_visits]
    selection.services = [(c, max(scores.get(c, 0.0), 0.9)) for c in dict.fromkeys(ordered)]
    selection.services += rest
    # A code billed is no longer a neighbour to rule out (nor ranked as one).
    selection.alternatives = [(c, s) for c, s in selection.alternatives if c not in ordered]
    return corrections


def declined_edits(
    session: Session, analysis: Analysis, facts: list[CodeFact], on: date | None
) -> list[lookup.Edit]:
    """The PTP edits that say why an administration the asker proposed or asked about is not
    billed beside those that are: 96365/96374 when a push after an infusion is the
    sequential 96375 (one initial service per encounter), 96413/96360 when hydration ran
    concurrently with the chemotherapy."""
    billed = [f.code for f in facts if f.billed and is_administration(f.code)]
    if not billed:
        return []
    declined = [c for c in analysis.codes if is_administration(c) and c not in billed]
    given = analysis.administrations.given
    if any(g.purpose == seq.HYDRATION and g.concurrent for g in given) or any(
        g.concurrent and any(b.purpose == seq.HYDRATION for b in given[: g.order]) for g in given
    ):
        declined += [c for c in HYDRATION_CODES if c not in billed and c not in declined]
    if not declined:
        return []
    edits = lookup.active_edits_between(session, billed + declined, on)
    # The billed code is column 1: an edit the declined code would win must not take the
    # billed one off the claim.
    return [e for e in edits if e.column1 in billed and e.column2 in declined]


HYDRATION_CODES = ("96360", "96361")


def _hydration_declined(analysis: Analysis, billed: list[str], worked: list[str]) -> list[str]:
    """The answer to "can we bill hydration too?" when the rules report none: the reason
    (concurrent with another infusion, or 30 minutes or less) leads the reply. A hydration
    code the asker wrote is corrected by ``administer`` already."""
    asked = any(
        re.search(r"hydrat|fluids?\b|\bbolus\b|\bns\b|saline", q.text.lower())
        for q in analysis.sub_questions
    )
    if not asked or not billed or any(c in HYDRATION_CODES for c in billed):
        return []
    if any(c in HYDRATION_CODES for c in analysis.codes):
        return []
    why = next(
        (w for w in worked if w.startswith(f"{seq.HYDRATION}:") and "not reported" in w), None
    )
    if why is None:
        return []
    reason = why.split(":", 1)[1].strip().replace(": not reported", " is not reported")
    return [f"Report {', '.join(billed)}; the hydration is not billed: {reason}."]


def _visit_not_described(analysis: Analysis, selection: Selection, code: str) -> bool:
    """An E/M code only the search found, in a question that describes no visit: no level,
    no MDM elements, no visit time, no separate problem seen."""
    em = analysis.em
    return (
        is_em(code)
        and code not in analysis.codes
        and code not in selection.by_rule
        and not analysis.separate_visit
        and not analysis.level
        and em.elements < 2
        and em.total_minutes is None
    )


def _administers(code: str) -> bool:
    return is_administration(code) or code in DEVICE_CODES


def superseded(sentence: str, selection: Selection) -> bool:
    """An earlier correction ("Report 95991, not 96522") whose administration code the
    drug stage has since replaced."""
    match = re.match(r"Report (\w{5})\b", sentence)
    services = {c for c, _ in selection.services}
    return match is not None and _administers(match[1]) and match[1] not in services


# What a question asks for the drug (its code) and for the administration, as whole words:
# "administered" describes, "admin code" asks. "Units" may be the drug's or the
# administration's (infusion hours): whichever the question names first owns them.
DRUG_ASKS = (
    "drug code", "drug codes", "j code", "j codes", "jcode", "which drug", "bill the drug",
    "code the drug",
)  # fmt: skip
UNIT_ASKS = ("units", "unit")
ADMIN_ASKS = (
    "admin", "administration", "push or infusion", "infusion code", "injection code",
    # Units of an administration ("how many hydration units"), not of a drug.
    "hydration units", "hydration unit", "infusion units", "infusion hours", "initial code",
    # The procedure that gives the drug asked for by name ("the CPT for the injection").
    "cpt for the", "cpt code for the", "procedure code", "code for the injection",
    # The administration's lines asked for before the drug's ("the infusion/drug lines").
    "infusion drug", "infusion and drug", "injection drug", "injection and drug",
    "infusion lines", "injection lines",
)  # fmt: skip


def asks_for_drug(analysis: Analysis) -> bool:
    """The question asks for the drug's code, or for units before (or without) asking for
    the administration: the drug is then listed first, its administration beside it ("units
    for J1439 ... plus admin code" and "admin code and drug code?" lead with the drug; "which
    admin codes and how many units of each drug?" with the administration)."""
    words = _words(analysis)
    # The asker's own administration code is the administration asked about where it stands
    # ("I have 96360, 96365, 96374. Is that right? And units of the drug codes?"), and so is
    # a modifier asked for the procedure's lines ("two lines RT/LT or 50? And J3301 units?").
    at_code = next((i for i, w in enumerate(words) if is_administration(w)), None)
    asked = {m.lower() for m in (*analysis.modifiers, *analysis.named_modifiers)} - {"jw", "jz"}
    at_modifier = next((i for i, w in enumerate(words) if w in asked), None)
    before = min((i for i in (at_code, at_modifier) if i is not None), default=None)
    drug = _first(analysis, DRUG_ASKS)
    if drug is not None:
        return before is None or drug < before
    if (
        analysis.codes
        and all(c[:1] == "J" for c in analysis.codes)
        and not _first(analysis, ADMIN_ASKS)
    ):
        return True  # the asker's only codes are the drug's ("J1040 rejected"): it is the subject
    units, admin = _first(analysis, UNIT_ASKS), _first(analysis, ADMIN_ASKS)
    if at_modifier is not None:
        admin = at_modifier if admin is None else min(admin, at_modifier)
    if at_code is not None:
        admin = at_code if admin is None else min(admin, at_code)
        if units is not None and any(is_administration(w) for w in words[units : units + 4]):
            admin = min(admin, units)
    if units is not None:
        return admin is None or units < admin
    return analysis.question_type == "units" and admin is None


def _words(analysis: Analysis) -> list[str]:
    """The question's words, a hyphenated or slashed word ("j-code", "infusion/drug",
    "96413/96415") read as its parts."""
    return [part for word in analysis.words for part in re.split(r"[-/]", word) if part]


def _first(analysis: Analysis, phrases: tuple[str, ...]) -> int | None:
    """Where the first of the phrases begins among the question's words (None if nowhere)."""
    words = _words(analysis)
    starts = []
    for phrase in phrases:
        wanted = phrase.replace("-", " ").split()
        n = len(wanted)
        starts += [i for i in range(len(words) - n + 1) if words[i : i + n] == wanted][:1]
    return min(starts, default=None)


def dose_units(analysis: Analysis, facts: list[CodeFact]) -> None:
    """The billing units of each drug from its dose (rules.drug_units), with JW or JZ when
    the question describes a single-dose container. Which of a drug's strength codes is
    billed was decided before (``choose_strengths``)."""
    drugs = [f for f in facts if f.billed and f.system == "HCPCS" and f.code[:1] in "JQ"]
    # The same drug given again is one line with the day's total dose (4 mg twice: 8 mg).
    given: dict[str, tuple[float, str]] = {}
    for g in analysis.administrations.given:
        if not (g.code and g.dose):
            continue
        before = given.get(g.code)
        if before is not None and g.again and before[1] == g.dose[1]:
            given[g.code] = (before[0] + g.dose[0], g.dose[1])
        else:
            given.setdefault(g.code, g.dose)
    weight_based = seq.per_kg_dose(" ".join(analysis.words))
    for drug in drugs:
        descriptor = drug.description or (drug.note.title if drug.note else "")
        if hcpcs_unit(descriptor) is None:
            continue
        doses = [given[drug.code]] if drug.code in given else []
        if len(drugs) == 1:
            doses += [weight_based] if weight_based else []
            doses += list(analysis.doses)
        for dose in doses:
            result = _units(drug, descriptor, dose, analysis.administrations.containers)
            if result is not None:
                drug.dose_units = result
                break
        containers = analysis.administrations.containers
        if containers.single_dose and not (drug.dose_units and drug.dose_units.modifiers):
            # CMS: every single-dose container line carries JW (the discarded amount, on its
            # own line) or JZ (nothing discarded); the question does not say which.
            drug.worked.append(
                f"single-dose container: bill the discarded amount of {drug.code} on its own "
                "line with JW (the container's units minus those given), or add JZ to the line "
                "when nothing was discarded"
            )


def _fits(dose: Quantity, codes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, "J9217 x 6") for the codes of one drug at different amounts a unit that can
    count ``dose``, best first: the one that bills it in whole units without rounding up,
    then in the fewest units (45 mg of leuprolide depot: J9217 x 6 per 7.5 mg before
    J1950 x 12 per 3.75 mg; 11.25 mg: J1950 x 3, as 7.5 mg units would round up)."""
    fits: list[tuple[bool, int, str, str]] = []
    for code, descriptor in codes:
        try:
            result = drug_units(code, descriptor, dose)
        except ValueError:
            continue
        per = result.unit.per
        exact = result.units * per.amount == convert(dose, per.unit)
        fits.append((not exact, result.units, code, f"{code} x {result.units}"))
    fits.sort(key=lambda fit: (fit[0], fit[1]))
    return [(code, shown) for _, _, code, shown in fits]


def choose_strengths(session: Session, analysis: Analysis, selection: Selection) -> list[str]:
    """A drug billed under one of several codes that differ only in the amount a unit counts
    is billed under the one that fits its dose (``_fits``), once; returns the correction when
    the asker named another (Lupron Depot 22.5 mg: J9217 x 3, not J1950 x 6)."""
    services = [code for code, _ in selection.services]
    drugs = [c for c in services if c[:1] == "J" and c not in HYDRATION_FLUIDS]
    groups: list[list[str]] = []
    for code in drugs:
        if not any(code in group for group in groups):
            strengths = lookup.strengths_in_force(session, code, analysis.date_of_service)
            groups.append(strengths or [code])
    said = []
    for strengths in groups:
        billed = [c for c in strengths if c in drugs]
        if analysis.administrations.not_for_cancer:
            # HCPCS files the anti-neoplastic strengths among the chemotherapy drugs (J9xxx).
            strengths = [c for c in strengths if not c.startswith("J9")] or strengths
        dose = _dose_of(analysis, strengths + billed, len(groups))
        if len(set(strengths + billed)) < 2 or (
            dose is None and not analysis.administrations.not_for_cancer
        ):
            continue  # without a dose only the indication decides
        described = [(c, lookup.describe(session, c, "HCPCS")[1]) for c in strengths]
        fits = _fits(dose, described) if dose else [(c, c) for c in strengths[:1]]
        if not fits or billed == [fits[0][0]]:
            continue
        best, shown = fits[0]
        per = {c: hcpcs_unit(d) for c, d in described}
        units = ", ".join(f"{c} per {u.per}" for c, u in per.items() if u is not None)
        why = f"one drug, billed {units}; the {dose} dose fits {shown} in whole units"
        if len(strengths) == 1 or dose is None:
            why = f"{best}: given for a condition other than cancer, not as an anti-neoplastic"
        selection.replace_service(billed[0], best, [why])
        selection.demote(*[c for c in billed[1:] if c != best])
        selection.system_of[best] = "HCPCS"
        asked = [dict(fits).get(c, c) for c in billed if c in analysis.codes and c != best]
        if asked:
            said.append(f"Report {shown}, not {', '.join(asked)}: {why}.")
    return said


def _dose_of(analysis: Analysis, codes: list[str], drugs: int) -> Quantity | None:
    """The dose the question gives the drug of ``codes``: its own (the drug's name read with
    a dose), else the question's only dose when it bills one drug."""
    doses = [g.dose for g in analysis.administrations.given if g.code in codes and g.dose]
    if not doses and drugs == 1:
        doses = list(analysis.doses[:1])
    if not doses:
        return None
    amount, unit = doses[0]
    return Quantity(Decimal(str(amount)).normalize(), unit)


def _units(
    drug: CodeFact, descriptor: str, dose: tuple[float, str], containers: seq.Containers
) -> DrugUnits | None:
    amount = Quantity(Decimal(str(dose[0])).normalize(), dose[1])
    container = None
    if containers.single_dose is not False:
        if containers.amount is not None:
            container = Quantity(Decimal(str(containers.amount[0])), containers.amount[1])
        elif containers.discarded is not None and containers.discarded[1] == dose[1]:
            container = Quantity(amount.amount + Decimal(str(containers.discarded[0])), dose[1])
        elif containers.none_discarded and containers.single_dose:
            container = amount
    mue = drug.mue.units if drug.mue else None
    single = containers.single_dose is not False
    try:
        return drug_units(
            drug.code, descriptor, amount, container=container, single_dose=single, mue=mue
        )
    except ValueError:
        # Units that do not convert (a 1 mL vial of a dose in mg) or a container smaller than
        # the dose: a single-dose container said to be used up held the dose (JZ); else try
        # without the container, else leave the units to the reviewer.
        if container is None:
            return None
        used_up = amount if containers.none_discarded and containers.single_dose else None
        try:
            return drug_units(drug.code, descriptor, amount, container=used_up, mue=mue)
        except ValueError:
            return None
