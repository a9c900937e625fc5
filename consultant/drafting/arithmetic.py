"""Stage 3e, arithmetic: the codes and units that come from numbers in the question, with
the worked sum shown in the reply. Excised diameter (lesion plus margins), repairs added by
class and anatomic group, the 8-minute rule for timed therapy, and infusion hours; the rules
themselves are consultant.rules'."""

from __future__ import annotations

from consultant.drafting.candidates import Selection
from consultant.matching.analyse import Analysis
from consultant.rules.drugs import extra_hours
from consultant.rules.skin import Behaviour, RepairClass, Site, Wound, excision_code, repair_codes
from consultant.rules.timed_units import TimedService, cpt_timed_units, medicare_timed_units

# Initial infusion codes and the add-on for each further hour (CPT 96360-96417).
HOURLY_ADDON = {"96365": "96366", "96413": "96415", "96360": "96361"}


def apply_arithmetic(analysis: Analysis, selection: Selection) -> list[str]:
    """Set the codes and units the numbers decide; returns corrections of the asker's codes."""
    corrections: list[str] = []
    corrections += _excision(analysis, selection)
    corrections += _repairs(analysis, selection)
    _timed_therapy(analysis, selection)
    _infusion_hours(analysis, selection)
    return corrections


def _in_range(code: str, low: int, high: int) -> bool:
    return code.isdigit() and low <= int(code) <= high


def _excision(analysis: Analysis, selection: Selection) -> list[str]:
    lesion = analysis.procedures.lesion
    if lesion is None or not lesion.behaviour or not lesion.site:
        return []
    result = excision_code(
        Behaviour(lesion.behaviour), Site(lesion.site), lesion.size_cm, lesion.margin_cm
    )
    if result.code is None:
        selection.warnings += list(result.worked)
        return []
    return _place(
        selection, analysis, result.code, list(result.worked), lambda c: _in_range(c, 11400, 11646)
    )


def _repairs(analysis: Analysis, selection: Selection) -> list[str]:
    wounds = analysis.procedures.wounds
    if not wounds:
        return []
    try:
        result = repair_codes(
            [Wound(RepairClass(w.repair), _repair_site(w.site), w.length_cm) for w in wounds]
        )
    except ValueError as exc:
        selection.warnings.append(str(exc))
        return []
    if not result.codes:
        selection.warnings += list(result.worked)
        return []
    is_repair = lambda c: _in_range(c, 12001, 13160)  # noqa: E731
    first = result.codes[0].code
    corrections = _place(selection, analysis, first, list(result.worked), is_repair)
    for line in result.codes:
        selection.add_service(line.code, 0.95)
        if line.units > 1 or len(result.codes) > 1:
            selection.units[line.code] = line.units
    return corrections


def _repair_site(site: str) -> Site:
    return Site(site if site != "genitalia" else "external genitalia")


def _place(
    selection: Selection, analysis: Analysis, code: str, worked: list[str], same_kind: object
) -> list[str]:
    """Put ``code`` in place of the services of the same kind; correct the asker's own."""
    matches = [c for c, _ in selection.services if callable(same_kind) and same_kind(c)]
    proposed = [c for c in matches if c in analysis.codes and c != code]
    for old in matches:
        if old != code:
            selection.services = [(c, s) for c, s in selection.services if c != old]
            selection.alternatives.insert(0, (old, 0.5))
    selection.add_service(code, 1.0, worked)
    # The computed code leads: it answers the question the numbers ask.
    selection.services.sort(key=lambda item: item[0] != code)
    if proposed:
        return [f"Report {code}, not {proposed[0]}: {'; '.join(worked[:2])}."]
    return []


def _timed_therapy(analysis: Analysis, selection: Selection) -> None:
    timed = analysis.procedures.timed
    if not timed:
        return
    services = [TimedService(code, minutes) for code, minutes in timed]
    medicare = analysis.payer in ("Medicare", "") or analysis.mentions("8-minute")
    result = medicare_timed_units(services) if medicare else cpt_timed_units(services)
    for code, units in result.units:
        if units:
            selection.add_service(code, 0.95)
            selection.units[code] = units
        else:
            selection.services = [(c, s) for c, s in selection.services if c != code]
    billed = [code for code, units in result.units if units]
    if billed:
        selection.worked.setdefault(billed[0], []).extend(result.worked)
        selection.services.sort(key=lambda item: item[0] not in billed)


def _infusion_hours(analysis: Analysis, selection: Selection) -> None:
    """The initial hour and each further hour (more than 30 minutes past the last)."""
    minutes = analysis.minutes
    initial = next((c for c, _ in selection.services if c in HOURLY_ADDON), None)
    if initial is None or minutes is None or analysis.route not in ("infusion", ""):
        return
    addon = HOURLY_ADDON[initial]
    units = extra_hours(minutes)
    line = f"{minutes} min of infusion: {initial} for the first hour"
    if units:
        selection.add_service(addon, 0.95, [])
        selection.units[addon] = units
        line += f", {addon} x {units} for each further hour (a last part counts past 30 minutes)"
    else:
        selection.services = [(c, s) for c, s in selection.services if c != addon]
        line += f"; {addon} needs more than 30 minutes past the first hour"
    selection.worked.setdefault(initial, []).append(line)
