"""Stage 3c, E/M visits: the level from what the question says (total time on the date, the
elements of medical decision making, or the level it names), prolonged services with their
units, through consultant.rules.em. The visit the asker proposed at another level is
corrected, with the arithmetic."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.sections import is_em
from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.rules.em import (
    CARE_MANAGEMENT,
    CARE_MANAGEMENT_CODES,
    CODE_BY_MDM,
    CONSULTS,
    DISCHARGE_CODES,
    NURSING_DISCHARGE_CODES,
    PROLONGED,
    CareManagement,
    Data,
    EmLevel,
    Level,
    MedicalDecisionMaking,
    Payer,
    Problems,
    Risk,
    Visit,
    care_management,
    deleted_visit,
    discharge_by_time,
    level_by_mdm,
    level_by_time,
    preventive_visit,
    same_date_stay,
    transitional_care,
)
from consultant.rules.global_period import VisitAndProcedure, global_modifier

SETTING_VISITS = {
    "hospital_initial": Visit.HOSPITAL_INITIAL,
    "hospital_subsequent": Visit.HOSPITAL_SUBSEQUENT,
    "emergency": Visit.EMERGENCY,
    "nursing_initial": Visit.NURSING_INITIAL,
    "nursing_subsequent": Visit.NURSING_SUBSEQUENT,
}
HOME = {"new": Visit.HOME_NEW, "established": Visit.HOME_ESTABLISHED}
_STATED = {
    "straightforward": Level.STRAIGHTFORWARD,
    "low": Level.LOW,
    "moderate": Level.MODERATE,
    "high": Level.HIGH,
}


def visit_of(code: str) -> Visit | None:
    """The visit family of an E/M code, from the code ladders."""
    return next((v for v, ladder in CODE_BY_MDM.items() if code in ladder.values()), None)


def choose_visit(analysis: Analysis, selection: Selection) -> str | None:
    """Set the visit's level in ``selection``; returns a correction sentence when the asker
    proposed another level."""
    handled, discharge = _discharge(analysis, selection)
    if handled:
        return discharge
    current = next((c for c, _ in selection.services if is_em(c) and visit_of(c)), None)
    visit = _visit(analysis, current, current in selection.by_rule if current else False)
    stay = _same_date_stay(analysis, visit)
    if stay is not None:
        visit = stay[0]
    chosen = _level(analysis, visit) if visit is not None else None
    if visit is None or chosen is None or chosen.code is None:
        if analysis.em.asks_level and not analysis.level:
            selection.warnings.append(_UNTOLD)
        return None
    code = chosen.code
    if stay is not None:
        chosen = replace(chosen, worked=(*stay[1], *chosen.worked))
    if current is None:
        selection.add_service(code, 0.9, list(chosen.worked))
    else:
        selection.replace_service(current, code, list(chosen.worked))
    if stay is not None:
        _one_stay_code(selection, code)
    named_visits = [c for c in selection.named if visit_of(c) or c in DISCHARGE_CODES]
    if (
        (analysis.em.asks_level or named_visits)
        and not analysis.separate_visit
        and len(named_visits) == len(selection.named)
        and not _procedure_done(analysis)
    ):
        # The question is the visit's level (asked, or only visit codes proposed): what the
        # search matched among its words (a "refill" of medications is not a pump refill; IV
        # antibiotics on the ward are the hospital's; "52 minutes" is no infusion) is for the
        # reviewer, not billed.
        keep = {code} | selection.by_rule
        searched = [(c, s) for c, s in selection.services if c not in keep and not is_em(c)]
        selection.services = [(code, 0.9)] + [
            (c, s) for c, s in selection.services if c != code and (c, s) not in searched
        ]
        selection.alternatives[:0] = searched
    # One visit, one level: the other levels the asker offered ("99214 or 99215?") are not billed.
    # A visit of another family that only the search offered (99215 for "50 minutes" in an
    # ED question) is no second visit either.
    others = [
        c
        for c, _ in selection.services
        if c != code
        and (
            _same_setting(c, visit)
            or (visit_of(c) is not None and c not in analysis.codes and c not in selection.by_rule)
        )
    ]
    selection.demote(*others)
    not_prolonged = _prolonged(selection, chosen)
    selection.warnings = [w for w in selection.warnings if "visit level is not in" not in w]
    higher = _higher_level(visit, chosen)
    if higher:
        selection.advice.append(higher)
    if current is not None and current != code and current in analysis.codes:
        if visit_of(current) in (Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED) and visit not in (
            Visit.OFFICE_NEW,
            Visit.OFFICE_ESTABLISHED,
        ):
            return (
                f"Report {code}, not {current}: {current} is an office or outpatient visit "
                f"code, and a visit in this setting is reported with its own codes "
                f"({_why(chosen)})."
            )
        return f"Report {code}, not {current}: {_why(chosen)}."
    if stay is not None:
        # The asker's hospital, observation or discharge codes (deleted ones among them)
        # give way to the one same-date code.
        asked = [
            c
            for c in analysis.codes
            if c != code
            and (visit_of(c) in HOSPITAL_STAY or c in DISCHARGE_CODES or deleted_visit(c))
        ]
        if asked:
            return f"Report {code}, not {' + '.join(asked)}: {_why(chosen)}."
    if not_prolonged:
        return f"Report {code} alone. {not_prolonged}"
    return None


HOSPITAL_STAY = (Visit.HOSPITAL_INITIAL, Visit.HOSPITAL_SAME_DATE)
ALL_DISCHARGE_CODES = (*DISCHARGE_CODES, *NURSING_DISCHARGE_CODES)


def _discharge(analysis: Analysis, selection: Selection) -> tuple[bool, str | None]:
    """Discharge day management chosen by the time on the discharge date (99238/99239,
    99315/99316): (whether this stage decided the visit, a correction of the asker's code).
    A stay begun and ended on one date, and transitional care, are other stages' questions."""
    em = analysis.em
    codes = [c for c, _ in selection.services]
    present = [c for c in codes if c in ALL_DISCHARGE_CODES]
    if (
        em.same_date_stay
        or not (present or em.discharge_day)
        or any(c in TCM for c in codes)
        or em.days_after_discharge is not None
        or em.total_minutes is None
    ):
        return False, None
    nursing = em.nursing_discharge or any(c in NURSING_DISCHARGE_CODES for c in present)
    code, worked = discharge_by_time(em.total_minutes, nursing)
    current = present[0] if present else None
    if current is None:
        selection.add_service(code, 0.9, list(worked))
    else:
        selection.replace_service(current, code, list(worked))
    # The question is the discharge: other visits the search read into its words (a call to
    # the SNF is no nursing facility visit) and the other discharge code are not billed.
    searched = [
        c
        for c in codes
        if c != code
        and c not in selection.by_rule
        and (c in ALL_DISCHARGE_CODES or c not in analysis.codes)
    ]
    selection.services = [(code, 0.9)] + [
        (c, sc) for c, sc in selection.services if c != code and c not in searched
    ]
    selection.alternatives[:0] = [(c, 0.5) for c in searched]
    if current is not None and current != code and current in analysis.codes:
        return True, f"Report {code}, not {current}: {worked[0]}."
    return True, None


def _same_date_stay(
    analysis: Analysis, visit: Visit | None
) -> tuple[Visit, tuple[str, ...]] | None:
    """The family for a stay that began and ended on one date (the payer's rule), or None."""
    if not analysis.em.same_date_stay or visit not in HOSPITAL_STAY:
        return None
    payer = Payer.MEDICARE if analysis.payer == "Medicare" else Payer.CPT
    return same_date_stay(payer, analysis.em.stay_hours)


def _one_stay_code(selection: Selection, code: str) -> None:
    """A stay on one date is one code: no discharge day management beside it, and not the
    other family's codes (99222 and 99235 are not billed together)."""
    dropped = [
        c
        for c, _ in selection.services
        if c != code and (c in DISCHARGE_CODES or visit_of(c) in HOSPITAL_STAY)
    ]
    # The question is the stay's code: what the search read into its words ("d/c'd" is no
    # dilation and curettage) is for the reviewer, not billed.
    dropped += [
        c
        for c, _ in selection.services
        if c != code and not is_em(c) and c not in selection.named and c not in selection.by_rule
    ]
    selection.services = [(c, s) for c, s in selection.services if c not in dropped]
    selection.alternatives[:0] = [
        (c, 0.5) for c in dropped if c not in dict(selection.alternatives)
    ]
    if any(c in DISCHARGE_CODES for c in dropped):
        selection.advice.append(
            f"No discharge code ({', '.join(c for c in dropped if c in DISCHARGE_CODES)}) "
            f"beside {code}: admission and discharge on one date are reported with one code."
        )


PROLONGED_CODES = frozenset(
    code for by_visit in PROLONGED.values() for code, _ in by_visit.values()
)


def _prolonged(selection: Selection, chosen: EmLevel) -> str | None:
    """The prolonged-service add-on the time reaches, with its units; one the asker proposes
    that the time does not reach (or the payer's other code) is not billed, and the reply
    says the threshold."""
    wanted = chosen.prolonged.code if chosen.prolonged is not None else None
    if chosen.prolonged is not None:
        selection.add_service(chosen.prolonged.code, 0.9)
        selection.units[chosen.prolonged.code] = chosen.prolonged.units
    unmet = [c for c, _ in selection.services if c in PROLONGED_CODES and c != wanted]
    if not unmet:
        return None
    selection.demote(*unmet)
    threshold = [
        line for line in chosen.worked if "min" in line and any(c in line for c in PROLONGED_CODES)
    ]
    if wanted is not None:
        why = f"{wanted} is the add-on for this payer"
    elif threshold:
        why = threshold[-1]
    else:
        why = "prolonged services are added only to the top level chosen by total time"
    sentence = f"Do not add {', '.join(unmet)}: {why}."
    if not any(c in selection.named for c in unmet):
        selection.advice.append(sentence)
        return None
    return sentence


_CORRECTION = re.compile(r"Report (\w{5}), not (\w{5}(?: \+ \w{5})*): (.*)\.$")


def with_visit_correction(sentences: list[str], visit: str, selection: Selection) -> list[str]:
    """The visit stage's correction in place of earlier ones (verify's new or established
    patient, a deleted code) whose codes the level has since replaced: one sentence, the
    asker's codes, every reason ("Report 99204, not 99213: the patient is new ...; MDM
    moderate -> 99204")."""
    billed = {c for c, _ in selection.services}
    ours = _CORRECTION.match(visit)
    out: list[str] = []
    asked: list[str] = []
    replaced: list[str] = []
    reasons: list[str] = []
    for sentence in sentences:
        earlier = _CORRECTION.match(sentence)
        if ours and earlier and is_em(earlier[1]) and earlier[1] not in billed:
            asked += earlier[2].split(" + ")
            replaced.append(earlier[1])
            reasons.append(earlier[3])
            continue
        out.append(sentence)
    if ours and asked:
        asked += [c for c in ours[2].split(" + ") if c not in replaced and c not in asked]
        said = "; ".join([*_merged_reasons(reasons), ours[3]])
        visit = f"Report {ours[1]}, not {' + '.join(asked)}: {said}."
    return [*out, visit]


def _merged_reasons(reasons: list[str]) -> list[str]:
    """One reason for codes that share it ("99218 and 99217 (99217-99226) were deleted ...")
    instead of the same sentence once per code."""
    by_tail: dict[str, list[str]] = {}
    for reason in reasons:
        head, _, tail = reason.partition(" ")
        by_tail.setdefault(tail if re.fullmatch(r"\w{5}", head) else reason, []).append(head)
    merged = []
    for tail, heads in by_tail.items():
        if len(heads) == 1 or tail in reasons:
            merged.append(tail if tail in reasons else f"{heads[0]} {tail}")
        else:
            merged.append(f"{' and '.join(heads)} {tail.replace(' was ', ' were ', 1)}")
    return merged


def _why(chosen: EmLevel) -> str:
    """The reasoning a level rests on, in one sentence: what the words describe, the
    elements and the rule for a level by MDM; the minutes and thresholds for one by time."""
    return "; ".join(line.rstrip(".") for line in chosen.worked if line)


OFFICE = (Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED)
TCM = ("99495", "99496")
COMPLEXITY_ADDON = "G2211"


def _procedure_code(code: str) -> bool:
    """A procedure that puts modifier 25 on a same-day visit: the surgery section, and
    injections and infusions (not drugs, supplies, labs, vaccines or preventive services)."""
    if not code.isdigit():
        return False
    number = int(code)
    return 10004 <= number <= 69990 or 96360 <= number <= 96549


FACILITY_VISIT = "G0463"


def facility_visit(analysis: Analysis, selection: Selection) -> None:
    """G0463 is the hospital's code for a clinic visit on its own (OPPS) claim; the
    practitioner reports the office visit code with the facility place of service. Beside a
    practitioner's visit (the search found it for "hospital clinic", or the asker offers it)
    it is not billed, unless the question is the facility's claim."""
    codes = [c for c, _ in selection.services]
    facility_claim = any(analysis.mentions(w) for w in ("facility", "ub-04", "ub04", "opps"))
    if FACILITY_VISIT not in codes or facility_claim:
        return  # the hospital's own claim is the question
    visits = [c for c in codes if visit_of(c) in OFFICE]
    if not visits:
        return
    selection.demote(FACILITY_VISIT)
    selection.advice.append(
        f"{FACILITY_VISIT} is the hospital's own code for the clinic visit, on its facility "
        f"claim; the practitioner reports {visits[0]} with place of service 22 (on-campus "
        "outpatient hospital) or 19 (off-campus), which pays the facility rate."
    )


def complexity_addon(analysis: Analysis, selection: Selection) -> str | None:
    """G2211, the visit complexity add-on (CMS, from 2024): billed with an office or
    outpatient visit (and, from 2025, a home or residence visit) when the practitioner is the
    continuing focal point for the patient's care or gives ongoing care for a single serious
    or complex condition. Not paid beside a visit of another setting, nor when the visit
    carries modifier 25 for a same-day procedure (since 2025 an AWV, a vaccine administration
    or a Part B preventive service are the exceptions). Returns the answer when the asker
    named G2211."""
    codes = [c for c, _ in selection.services]
    if COMPLEXITY_ADDON not in codes:
        return None
    asked = COMPLEXITY_ADDON in analysis.asked_codes or COMPLEXITY_ADDON in selection.named
    visits = [c for c in codes if visit_of(c) in (*OFFICE, *HOME.values())]
    if not visits and any(visit_of(c) is not None for c in codes):
        selection.demote(COMPLEXITY_ADDON)
        why = (
            f"Do not add {COMPLEXITY_ADDON}: it is an add-on only to an office or outpatient "
            "visit (99202-99215) and, since 2025, a home or residence visit (99341-99350), not "
            "to hospital, emergency department or nursing facility visits."
        )
        selection.advice.append(why)
        return why if asked else None
    preventive = preventive_visit(codes)
    if preventive is not None:
        selection.advice.append(
            f"{COMPLEXITY_ADDON} can be billed: since 1 January 2025 (CY2025 PFS final rule) "
            "Medicare pays it when the office visit carries modifier 25 because it was billed "
            f"with an annual wellness visit, a vaccine administration or a Part B preventive "
            f"service ({preventive} here); beside a procedure it is still not paid."
        )
    procedures = [c for c in codes if _procedure_code(c)]
    if procedures:
        selection.demote(COMPLEXITY_ADDON)
        why = (
            f"Do not add {COMPLEXITY_ADDON}: it is not paid when the office visit carries "
            f"modifier 25 for a same-day procedure ({', '.join(procedures)}); the exceptions "
            "are an annual wellness visit, a vaccine administration or a Part B preventive "
            "service."
        )
        selection.advice.append(why)
        return why if asked else None
    visit = visits[0] if visits else "the office visit"
    rule = (
        f"Add {COMPLEXITY_ADDON} to {visit} when the visit is part of a longitudinal "
        "relationship: the practitioner is the continuing focal point for all the patient's "
        "needed care, or gives ongoing care for a single serious or complex condition. "
        f"It is not paid when {visit} carries modifier 25, except when the other service "
        "that day is an annual wellness visit, a vaccine administration or a Medicare Part B "
        "preventive service (since 2025)."
    )
    if asked:
        return rule
    selection.advice.append(rule)
    return None


def postoperative_visit(session: Session, analysis: Analysis, selection: Selection) -> str | None:
    """A visit for a problem unrelated to an earlier surgery, in that surgery's global period
    (Claims Processing Manual ch. 12 s. 30.6.6 and 40.2): the visit with modifier 24; the
    surgery, done before this date, is not billed again. Global days from the fee schedule."""
    earlier = analysis.prior_procedures or analysis.em.days_since_surgery is not None
    if analysis.routine_postop and earlier:
        return _aftercare(session, analysis, selection)
    if analysis.global_period != "unrelated" or not earlier:
        return None
    codes = [c for c, _ in selection.services]
    visits = [c for c in codes if visit_of(c) in (*OFFICE, *HOME.values())]
    surgeries = [c for c in codes if c.isdigit() and 10004 <= int(c) <= 69990]
    if not visits or not (surgeries or analysis.em.global_days_said is not None):
        return None
    surgery = surgeries[0] if surgeries else "the earlier surgery"
    found = lookup.rvus(session, surgery, analysis.date_of_service) if surgeries else None
    days = int(found.global_days) if found and found.global_days.isdigit() else None
    if days is None and not surgeries:
        days = analysis.em.global_days_said  # the asker's own word for the period
    if days is None:
        return None  # no global period on the fee schedule (XXX, YYY, ZZZ): no 24 to explain
    since = analysis.em.days_since_surgery
    decision = global_modifier(
        VisitAndProcedure(days, since if since is not None else 1, related_to_procedure=False)
    )
    selection.demote(*surgeries)
    if decision.modifier != "24":
        return f"Report {visits[0]} without a global-period modifier: {decision.worked[0]}."
    where = f"about day {since}" if since is not None else "a day"
    return (
        f"Put modifier 24 on {visits[0]}: the visit falls on {where} of the {days}-day "
        f"global period of {surgery}{' (Medicare fee schedule)' if found else ''} and is for "
        "an unrelated problem, so it is paid outside the surgical package; the surgery was "
        "done before this date and is not billed again. Not 25 (a significant, separately "
        "identifiable visit on the day of a procedure) and not 79 (an unrelated procedure, "
        "not a visit)."
    )


POSTOP_VISIT = "99024"  # postoperative follow-up visit included in the global service


def _aftercare(session: Session, analysis: Analysis, selection: Selection) -> str | None:
    """The surgery's own follow-up (sutures out, a wound check) within its global period: part
    of the surgical package, reported as 99024 for tracking with no payment; an office visit
    (with or without 25) for it is unbundling. Global days from the fee schedule."""
    codes = [c for c, _ in selection.services]
    visits = [c for c in codes if visit_of(c) in (*OFFICE, *HOME.values())]
    surgeries = [c for c in codes if c.isdigit() and 10004 <= int(c) <= 69990]
    if not visits or not surgeries:
        return None
    found = lookup.rvus(session, surgeries[0], analysis.date_of_service)
    days = int(found.global_days) if found and found.global_days.isdigit() else None
    if found is None:
        days = analysis.em.global_days_said  # no fee schedule loaded: the asker's word
    since = analysis.em.days_since_surgery
    if not days or (since is not None and since > days):
        return None  # no global period, or the visit falls after it: a visit like any other
    selection.demote(*visits, *surgeries)
    selection.add_service(POSTOP_VISIT, 1.0)
    when = f" (about day {since})" if since is not None else ""
    return (
        f"Report {POSTOP_VISIT}, not {visits[0]}: routine care after {surgeries[0]} within its "
        f"{days}-day global period{when}, such as removing sutures or checking the wound, is "
        f"part of the surgical package; {POSTOP_VISIT} records the visit with no payment, and "
        f"{visits[0]} (with or without 25) would bill it twice. A complication needing a "
        "return to the operating room, or an unrelated problem (modifier 24), is separate."
    )


def choose_transitional_care(analysis: Analysis, selection: Selection) -> str | None:
    """Transitional care management by the days from discharge to the visit and the MDM; the
    face-to-face visit is part of it, so an office visit for it is not billed beside it.
    Returns a correction when the asker proposed the other TCM code."""
    em = analysis.em
    asked = [c for c, _ in selection.services if c in TCM]
    if not asked or em.days_after_discharge is None:
        return None
    if analysis.level:
        mdm: Level | None = _STATED[analysis.level]
    elif em.elements >= 2:
        levels = sorted((em.problems or 1, em.data or 1, em.risk or 1))
        mdm = Level(levels[1])
    else:
        mdm = None
    if mdm is None:
        return None
    code, worked = transitional_care(em.days_after_discharge, mdm)
    if code is None:
        selection.advice += list(worked)
        return None
    current = asked[0]
    selection.replace_service(current, code, list(worked))
    # The question is the TCM: what the search matched among its words ("discharged" is not
    # the hospital's discharge day management) is for the reviewer, not billed.
    searched = [
        c
        for c, _ in selection.services
        if c != code and c not in analysis.codes and c not in selection.by_rule
    ]
    visits = [c for c, _ in selection.services if c != code and visit_of(c) in OFFICE]
    visits += [c for c in searched if c not in visits]
    selection.demote(*visits)
    named_visits = [c for c in visits if c in analysis.codes]
    if named_visits:
        selection.advice.append(
            f"The face-to-face visit is part of {code}: {', '.join(named_visits)} is not "
            "billed for it."
        )
    if current != code and current in analysis.codes:
        return f"Report {code}, not {current}: {worked[-1]}."
    return None


# Verbs that say a procedure was done at the visit: then it is billed beside the level.
_DONE = frozenset(
    [
        "did",
        "done",
        "performed",
        "injected",
        "aspirated",
        "drained",
        "incised",
        "excised",
        "removed",
        "biopsied",
        "sutured",
        "repaired",
        "placed",
        "inserted",
        "applied",
        "administered",
        "gave",
        "froze",
        "destroyed",
        "debrided",
        "splinted",
        "casted",
        "reduced",
        "irrigated",
        "scoped",
    ]
)


def _procedure_done(analysis: Analysis) -> bool:
    """The words say a procedure was done at the visit (it is billed beside the level)."""
    return any(word in _DONE for word in analysis.words)


_UNTOLD = (
    "The visit level cannot be told from the question: it names neither the total time on "
    "the date nor two of the three elements of medical decision making (problems addressed, "
    "data reviewed or ordered, risk of the management chosen)."
)

# What each MDM element needs at each level, in a coder's words (AMA 2021/2023 MDM table).
_NEEDS = {
    "problems": {
        Level.LOW: "two self-limited problems, one stable chronic illness or one acute "
        "uncomplicated illness or injury",
        Level.MODERATE: "a chronic illness with exacerbation or progression, two or more "
        "stable chronic illnesses, an undiagnosed new problem with uncertain prognosis or an "
        "acute illness with systemic symptoms",
        Level.HIGH: "a chronic illness with severe exacerbation or an acute or chronic illness "
        "posing a threat to life or bodily function",
    },
    "data": {
        Level.LOW: "two of: a test ordered, a result reviewed, an external note reviewed, or "
        "an independent historian",
        Level.MODERATE: "three of those, or an independent interpretation of a test, or a "
        "discussion of management with an external physician",
        Level.HIGH: "two of those three categories",
    },
    "risk": {
        Level.LOW: "low-risk management (over-the-counter drugs, minor surgery without risk "
        "factors)",
        Level.MODERATE: "prescription drug management, a decision about minor surgery with "
        "risk factors or elective major surgery, or social determinants limiting treatment",
        Level.HIGH: "drug therapy needing intensive monitoring for toxicity, a decision about "
        "emergency major surgery or hospitalization, or a decision not to resuscitate",
    },
}


# What each element level the question described is, in the MDM table's own terms, so the
# reader sees which words the level rests on.
_READ = {
    "problems": {
        1: "one self-limited or minor problem",
        2: "an acute, uncomplicated illness or injury, or one stable chronic illness",
        3: "a chronic illness with exacerbation or progression, two or more chronic illnesses, "
        "or an undiagnosed new problem with uncertain prognosis",
        4: "a chronic illness with severe exacerbation, or a threat to life or bodily function",
    },
    "risk": {
        1: "minimal risk of the management",
        2: "low risk (over-the-counter drugs)",
        3: "moderate risk (prescription drug management)",
        4: "high risk (such as a decision regarding hospitalization or escalation of care, or parenteral controlled substances)",
    },
}


def _described(analysis: Analysis) -> tuple[str, ...]:
    """The problems and risk the question describes, named as the MDM table names them."""
    em = analysis.em
    read = [
        f"{name}: {(name == 'problems' and em.problem_kind) or _READ[name][level]}"
        for name, level in (("problems", em.problems), ("risk", em.risk))
        if level is not None
    ]
    return ("; ".join(read),) if read else ()


def _higher_level(visit: Visit, chosen: EmLevel) -> str | None:
    """What the documentation would have to show for the next level, for a level chosen by
    the MDM elements the question described."""
    mdm = chosen.mdm
    if chosen.level is None or chosen.level >= Level.HIGH or mdm is None:
        return None
    elements = {
        "problems": Level(int(mdm.problems)),
        "data": Level(int(mdm.data)),
        "risk": Level(int(mdm.risk)),
    }
    target = Level(chosen.level + 1)
    code = CODE_BY_MDM[visit][target]
    if code == chosen.code:  # 2023 merged levels (99221, 99231, 99304): go one further
        if target >= Level.HIGH:
            return None
        target = Level(target + 1)
        code = CODE_BY_MDM[visit][target]
    short = [name for name, level in elements.items() if level < target]
    needs = "; ".join(f"{name}: {_NEEDS[name][target]}" for name in short)
    have = f"problems {mdm.problems.name.lower()}, data {mdm.data.name.lower()}, risk {mdm.risk.name.lower()}"
    return (
        f"The level rests on {have}; {code} would need MDM {target.name.lower()}, that is two "
        f"of the three elements at that level, documented ({needs})."
    )


def _same_setting(code: str, visit: Visit) -> bool:
    """Another level of the same kind of visit (new and established office visits, and the
    nurse visit 99211, are one setting)."""
    if visit in OFFICE and code == "99211":
        return True
    other = visit_of(code)
    return other == visit or (other in OFFICE and visit in OFFICE)


def _visit(analysis: Analysis, current: str | None, by_rule: bool) -> Visit | None:
    em = analysis.em
    family = visit_of(current) if current else None
    if family in CONSULTS and analysis.payer == "Medicare":
        # Medicare pays no consultation codes: the visit of the setting is billed instead.
        return _instead_of_consult(analysis, family)
    consult = _consultation(analysis)
    if (
        consult is not None
        and (family is None or family in (*CONSULTS, Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED))
        and (current is None or current not in analysis.codes or family in CONSULTS)
    ):
        return consult
    said = _setting_visit(em.setting, analysis.patient_status)
    preventive = preventive_visit(list(analysis.codes) + ([current] if current else []))
    if _problem_at_preventive(analysis) and (current is None or current not in analysis.codes):
        # A problem addressed at a preventive visit is an office visit of its own (CPT
        # preventive medicine guidelines), whatever setting words the search read.
        new = analysis.patient_status == "new" or (preventive or "")[:4] == "9938"
        return Visit.OFFICE_NEW if new else Visit.OFFICE_ESTABLISHED
    # Office words count unless the setting read first is another ("ED physician ... like
    # office visits" is an ED question).
    in_office = em.setting in ("", "office") and (
        analysis.mentions("office") or analysis.mentions("clinic")
    )
    if (
        current is not None
        and said is not None
        and not in_office
        and current not in analysis.codes
        and not by_rule
    ):
        return said  # the setting the question names, over a code the search offered
    office = (Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED)
    if (
        current is not None
        and said is not None
        and not in_office
        and visit_of(current) in office
        and _seen_there(analysis, said)
    ):
        # An office code proposed for a visit in another setting (a nursing facility, the
        # hospital, the patient's home): that setting's codes, whatever the asker used.
        return said
    if current is not None:
        visit = visit_of(current)
        if visit in (Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED) and (
            analysis.patient_status or (current not in analysis.codes and not by_rule)
        ):
            # A new-patient code needs the question to say so: most visits are established.
            new = analysis.patient_status == "new"
            return Visit.OFFICE_NEW if new else Visit.OFFICE_ESTABLISHED
        return visit
    has_level = em.total_minutes is not None or em.elements >= 2 or bool(analysis.level)
    if _THERAPY_SERVICE.search(analysis.text.lower()):
        return None  # a therapist's evaluation by complexity (97161-97168) is no E/M visit
    if analysis.question_type == "diagnosis" and not (em.asks_level or analysis.level):
        return None  # asked only for the diagnoses: the note's MDM is no visit to bill
    # A patient called new or established with no other setting is seen in the office.
    setting = em.setting or ("office" if analysis.patient_status else "")
    if not has_level or not setting:
        return None
    if setting == "office":
        return Visit.OFFICE_NEW if analysis.patient_status == "new" else Visit.OFFICE_ESTABLISHED
    return _setting_visit(setting, analysis.patient_status)


# A physical, occupational or speech therapist's service, whose evaluations have their own
# complexity levels (97161-97168, 92521-92524).
_THERAPY_SERVICE = re.compile(
    r"\b(?:physical|occupational|speech)[- ]therap\w*|\b(?:pt|ot|slp) (?:initial )?(?:eval|re-?eval)\w*|"
    r"\boutpatient (?:pt|ot)\b|\binitial (?:pt|ot) eval\w*"
)


# The places of service whose visits have codes of their own (CMS POS code set).
_SEEN_AT = {
    "31": (Visit.NURSING_INITIAL, Visit.NURSING_SUBSEQUENT),
    "32": (Visit.NURSING_INITIAL, Visit.NURSING_SUBSEQUENT),
    "21": (Visit.HOSPITAL_INITIAL, Visit.HOSPITAL_SUBSEQUENT, Visit.HOSPITAL_SAME_DATE),
    "23": (Visit.EMERGENCY,),
    "12": (Visit.HOME_NEW, Visit.HOME_ESTABLISHED),
}


# Settings whose words say where the practitioner saw the patient (rounding in a nursing
# facility or on the hospital floor, a visit at the patient's home); the words of an
# admission or of the ED often say only where the patient was sent.
_SEEN_BY_WORDS = (
    Visit.NURSING_INITIAL,
    Visit.NURSING_SUBSEQUENT,
    Visit.HOSPITAL_SUBSEQUENT,
    Visit.HOME_NEW,
    Visit.HOME_ESTABLISHED,
)


def _seen_there(analysis: Analysis, visit: Visit) -> bool:
    """The visit itself took place in the setting the words name, or in the one the asker's
    place of service gives. "Sent her over for admission" was an office visit, and so is a
    telehealth visit to a patient at home."""
    if visit in _SEEN_BY_WORDS:
        return analysis.setting_place not in ("02", "10")
    return visit in _SEEN_AT.get(analysis.place_of_service, ())


def _problem_at_preventive(analysis: Analysis) -> bool:
    """A preventive visit (named, or the words' annual physical or wellness visit) at which
    a problem was addressed: its MDM elements are described."""
    words = ("physical", "preventive", "wellness", "awv", "well visit", "well child")
    preventive = preventive_visit(list(analysis.codes)) or any(analysis.mentions(w) for w in words)
    return bool(preventive) and analysis.em.elements >= 2


# Another practitioner asks for an opinion (the CPT consultation's request).
_REQUEST = ("asking", "asked", "requested", "request", "opinion", "referred", "sent a letter")


def _consultation(analysis: Analysis) -> Visit | None:
    """The consultation family when the question says another practitioner asked for this
    one's opinion and the payer pays consultations (not Medicare); None otherwise."""
    if analysis.payer == "Medicare" or not (
        analysis.mentions("consult") and any(analysis.mentions(w) for w in _REQUEST)
    ):
        return None
    hospital = analysis.em.setting in ("hospital_initial", "hospital_subsequent")
    return Visit.INPATIENT_CONSULT if hospital else Visit.OFFICE_CONSULT


def _instead_of_consult(analysis: Analysis, family: Visit) -> Visit:
    """The visit Medicare pays for a consultation: hospital care where the patient is in
    the hospital, else an office visit, new unless the question says established."""
    if analysis.em.setting == "hospital_subsequent":
        return Visit.HOSPITAL_SUBSEQUENT
    if analysis.em.setting.startswith("hospital") or family is Visit.INPATIENT_CONSULT:
        return Visit.HOSPITAL_INITIAL
    if analysis.patient_status == "established":
        return Visit.OFFICE_ESTABLISHED
    return Visit.OFFICE_NEW


def _setting_visit(setting: str, status: str) -> Visit | None:
    """The visit family a setting names; a home visit is new or established like an office
    visit (established unless the question says new)."""
    if setting == "home":
        return HOME["new" if status == "new" else "established"]
    return SETTING_VISITS.get(setting)


def _level(analysis: Analysis, visit: Visit) -> EmLevel | None:
    """By time and by MDM where the question gives each; the higher level counts (CPT lets
    the practitioner choose either)."""
    em = analysis.em
    payer = Payer.MEDICARE if analysis.payer == "Medicare" else Payer.CPT
    options: list[EmLevel] = []
    if em.total_minutes is not None and visit is not Visit.EMERGENCY:
        by_time = level_by_time(visit, em.total_minutes, payer)
        if by_time.code is not None:
            options.append(replace(by_time, worked=(*em.time_worked, *by_time.worked)))
    if analysis.level:
        level = _STATED[analysis.level]
        code = CODE_BY_MDM[visit][level]
        options.append(
            EmLevel(code, level, None, (f"{visit.value}, MDM {analysis.level} -> {code}",))
        )
    elif em.elements >= 2:
        # An element the question does not describe counts at its lowest step, so the level
        # is never above what two described elements support.
        mdm = MedicalDecisionMaking(
            Problems(em.problems or 1), Data(em.data or 1), Risk(em.risk or 1)
        )
        by_mdm = level_by_mdm(visit, mdm)
        options.append(replace(by_mdm, worked=(*_described(analysis), *by_mdm.worked)))
    if not options:
        return None
    return max(options, key=lambda o: (o.level or 0, o.prolonged is not None))


def _care_management_kind(analysis: Analysis, codes: list[str]) -> CareManagement | None:
    """The care-management service a question is about: a code of one it names or the
    search found, else its words (CCM, PCM; complex; the physician's own time)."""
    for code in codes:
        if code in CARE_MANAGEMENT_CODES:
            return CARE_MANAGEMENT[CARE_MANAGEMENT_CODES[code]]
    principal = analysis.mentions("pcm") or analysis.mentions("principal care")
    chronic = analysis.mentions("ccm") or analysis.mentions("chronic care management")
    if not (principal or chronic):
        return None
    physician = any(
        analysis.mentions(w)
        for w in ("physician time", "provider time", "md time", "personally", "qhp time")
    )
    if principal:
        return CARE_MANAGEMENT["pcm_physician" if physician else "pcm_staff"]
    if analysis.mentions("complex"):
        return CARE_MANAGEMENT["ccm_complex"]
    return CARE_MANAGEMENT["ccm_physician" if physician else "ccm_staff"]


def care_management_time(analysis: Analysis, selection: Selection) -> None:
    """A month's care-management minutes as the first code and its add-on units (CPT care
    management guidelines): 45 min of CCM staff time is 99490 and 99439 x 1. The codes the
    minutes do not reach are not billed."""
    codes = [c for c, _ in selection.services]
    kind = _care_management_kind(analysis, codes)
    if kind is None or analysis.minutes is None:
        return
    chosen, worked = care_management(kind, analysis.minutes)
    family = {kind.first, kind.addon}
    # The question is the month's care management: what else the search matched among its
    # words (G3002 for "chronic ... management") is for the reviewer, not billed.
    others = [
        c
        for c in codes
        if c not in family and c not in analysis.codes and c not in selection.by_rule
    ]
    kept = {code for code, _ in chosen}
    selection.demote(*others, *(c for c in codes if c in family and c not in kept))
    for code, units in chosen:
        selection.add_service(code, 0.9, list(worked) if code == kind.first else None)
        selection.units[code] = units
    if not chosen:
        selection.advice.append(worked[0] + ".")
    # The first code precedes its add-on on the claim, whichever the search found first.
    codes = [c for c, _ in selection.services]
    if kind.addon in codes and codes.index(kind.addon) < codes.index(kind.first):
        i, j = codes.index(kind.addon), codes.index(kind.first)
        services = selection.services
        services[i], services[j] = services[j], services[i]
