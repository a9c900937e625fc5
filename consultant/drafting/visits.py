"""Stage 3c, E/M visits: the level from what the question says (total time on the date, the
elements of medical decision making, or the level it names), prolonged services with their
units, through consultant.rules.em. The visit the asker proposed at another level is
corrected, with the arithmetic."""

from __future__ import annotations

from consultant.codes.sections import is_em
from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.rules.em import (
    CODE_BY_MDM,
    Data,
    EmLevel,
    Level,
    MedicalDecisionMaking,
    Payer,
    Problems,
    Risk,
    Visit,
    level_by_mdm,
    level_by_time,
)

SETTING_VISITS = {
    "hospital_initial": Visit.HOSPITAL_INITIAL,
    "hospital_subsequent": Visit.HOSPITAL_SUBSEQUENT,
    "emergency": Visit.EMERGENCY,
    "nursing_initial": Visit.NURSING_INITIAL,
    "nursing_subsequent": Visit.NURSING_SUBSEQUENT,
}
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
    current = next((c for c, _ in selection.services if is_em(c) and visit_of(c)), None)
    visit = _visit(analysis, current, current in selection.by_rule if current else False)
    if visit is None:
        return None
    chosen = _level(analysis, visit)
    if chosen is None or chosen.code is None:
        return None
    code = chosen.code
    if current is None:
        selection.add_service(code, 0.9, list(chosen.worked))
    else:
        selection.replace_service(current, code, list(chosen.worked))
    # One visit, one level: the other levels the asker offered ("99214 or 99215?") are not billed.
    others = [c for c, _ in selection.services if c != code and _same_setting(c, visit)]
    selection.services = [(c, s) for c, s in selection.services if c not in others]
    selection.alternatives[:0] = [(c, 0.5) for c in others]
    if chosen.prolonged is not None:
        selection.add_service(chosen.prolonged.code, 0.9)
        selection.units[chosen.prolonged.code] = chosen.prolonged.units
    selection.warnings = [w for w in selection.warnings if "visit level is not in" not in w]
    if current is not None and current != code and current in analysis.codes:
        return f"Report {code}, not {current}: {chosen.worked[-1]}."
    return None


OFFICE = (Visit.OFFICE_NEW, Visit.OFFICE_ESTABLISHED)


def _same_setting(code: str, visit: Visit) -> bool:
    """Another level of the same kind of visit (new and established office visits, and the
    nurse visit 99211, are one setting)."""
    if visit in OFFICE and code == "99211":
        return True
    other = visit_of(code)
    return other == visit or (other in OFFICE and visit in OFFICE)


def _visit(analysis: Analysis, current: str | None, by_rule: bool) -> Visit | None:
    em = analysis.em
    said = SETTING_VISITS.get(em.setting)
    in_office = analysis.mentions("office") or analysis.mentions("clinic")
    if (
        current is not None
        and said is not None
        and not in_office
        and current not in analysis.codes
        and not by_rule
    ):
        return said  # the setting the question names, over a code the search offered
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
    # A patient called new or established with no other setting is seen in the office.
    setting = em.setting or ("office" if analysis.patient_status else "")
    if not has_level or not setting:
        return None
    if setting == "office":
        return Visit.OFFICE_NEW if analysis.patient_status == "new" else Visit.OFFICE_ESTABLISHED
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
            options.append(by_time)
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
        options.append(level_by_mdm(visit, mdm))
    if not options:
        return None
    return max(options, key=lambda o: (o.level or 0, o.prolonged is not None))
