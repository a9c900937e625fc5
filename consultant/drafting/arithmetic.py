"""Stage 3e, arithmetic: the codes and units that come from numbers in the question, with
the worked sum shown in the reply. Excised diameter (lesion plus margins), repairs added by
class and anatomic group, the 8-minute rule for timed therapy, and infusion hours; the rules
themselves are consultant.rules'."""

from __future__ import annotations

import re
from dataclasses import replace

from consultant.codes.search import stem
from consultant.drafting.candidates import Selection
from consultant.drafting.facts import CodeFact
from consultant.matching.analyse import Analysis
from consultant.rules import skin
from consultant.rules.critical_care import critical_care
from consultant.rules.drugs import extra_hours
from consultant.rules.em import Payer
from consultant.rules.skin import (
    Behaviour,
    RepairClass,
    Site,
    Wound,
    excision_code,
    repair_codes,
    shave_code,
)
from consultant.rules.timed_units import TimedService, cpt_timed_units, medicare_timed_units

# Words of a supply's title that say nothing of what it is.
_GENERIC = frozenset(["per", "box", "each", "supply", "supplie", "unit"])

# Untimed therapy evaluations (CPT 97161-97172: PT, OT, athletic training), one per visit.
EVALUATIONS = frozenset(str(code) for code in range(97161, 97173))

# Initial infusion codes and the add-on for each further hour (CPT 96360-96417).
HOURLY_ADDON = {"96365": "96366", "96413": "96415", "96360": "96361"}


# Services counted per lesion or per block of lesions: (first code, add-on, what the add-on
# counts, how many the first covers). CPT: destruction of premalignant lesions 17000 first,
# 17003 each of 2-14, 17004 for 15 or more instead; skin tags 11200 up to 15, 11201 each
# further 10; biopsies one first code and an add-on for each further lesion.
COUNTED: list[tuple[str, str, int, int]] = [
    ("17000", "17003", 1, 1),
    ("11200", "11201", 10, 15),
    ("11102", "11103", 1, 1),
    ("11104", "11105", 1, 1),
    ("11106", "11107", 1, 1),
    ("17110", "17111", 0, 14),
]
# Debridement by depth: (first 20 sq cm, each further 20 sq cm or part).
DEBRIDEMENT = {"11042": "11045", "11043": "11046", "11044": "11047", "97597": "97598"}
CRITICAL_CARE = ("99291", "99292")


def apply_arithmetic(analysis: Analysis, selection: Selection) -> list[str]:
    """Set the codes and units the numbers decide; returns corrections of the asker's codes."""
    corrections: list[str] = []
    corrections += _excision(analysis, selection)
    corrections += _shave(analysis, selection)
    corrections += _repairs(analysis, selection)
    corrections += _biopsy_techniques(analysis, selection)
    corrections += _counted(analysis, selection)
    _debridement(analysis, selection)
    _critical_care(analysis, selection)
    _timed_therapy(analysis, selection)
    corrections += _infusion_hours(analysis, selection)
    _supply_units(analysis, selection)
    corrections += _once_per_session(analysis, selection)
    corrections += _per_test(analysis, selection)
    return corrections


# A code billed per test (allergy skin tests 95004, 95024, patch tests 95044): one unit for
# each test, allergen or extract the question counts.
_PER_TEST = re.compile(r"\b(?:per|each) test\b|\bnumber of tests\b")
_TESTS = re.compile(r"tests?$|extracts?$|allergens?$")


def _per_test(analysis: Analysis, selection: Selection) -> list[str]:
    n = analysis.count
    if n is None or not _TESTS.search(analysis.counted or ""):
        return []
    out: list[str] = []
    for code, _ in selection.services:
        if code in selection.units or not _PER_TEST.search(selection.titles.get(code, "").lower()):
            continue
        selection.units[code] = n
        line = f"{code} is billed per test: {n} {analysis.counted} = {n} units"
        selection.worked.setdefault(code, []).append(line)
        asked = analysis.units.get(code)
        if asked is not None and asked != n:
            out.append(f"Report {code} x {n}, not x {asked}: {line}.")
    return out


# The words that name each biopsy technique.
_BIOPSY_WORDS = {
    "11106": r"\bincisional\b",
    "11104": r"\bpunch\b",
    "11102": r"\bshave\b|\btangential\b",
}


_TECHNIQUE_CHOICE = re.compile(r"\b(?:punch|shave|tangential|incisional)\b(?: \w+)? (?:or|vs)\b")


def _biopsy_techniques(analysis: Analysis, selection: Selection) -> list[str]:
    """Biopsies by two or more techniques at one encounter: the highest technique's first
    code, and the add-on of its own technique for each other lesion (rules.skin)."""
    services = [c for c, _ in selection.services]
    lowered = analysis.text.lower()
    said: list[str] = []
    # Techniques said in words, unless no biopsy is said or they are offered as a choice
    # ("punch or shave?"), not two lesions.
    if (
        analysis.question_type != "compare"
        and re.search(r"\bbiops|\bbx", lowered)
        and not _TECHNIQUE_CHOICE.search(lowered)
    ):
        said = [code for code, words in _BIOPSY_WORDS.items() if re.search(words, lowered)]
    named = [*services, *analysis.codes, *said]
    firsts = [c for c in dict.fromkeys(named) if c in skin.BIOPSY_ADDON]
    chosen = skin.biopsy_codes(firsts)
    if chosen is None:
        return []
    primary, addons = chosen
    others = [c for c in firsts if c != primary]
    why = (
        f"biopsies by different techniques at one encounter take one first code, the highest "
        f"technique's ({primary}, {skin.BIOPSY_TECHNIQUE[primary]}), and each other lesion the "
        f"add-on of its own technique ({', '.join(addons)}), not a second first code or 59"
    )
    kept = [(c, s) for c, s in selection.services if c not in others and c != primary]
    selection.services = [(primary, 1.0), *[(a, 0.9) for a in addons], *kept]
    for code in (primary, *addons):
        selection.system_of[code] = "CPT"
        selection.units.setdefault(code, 1)
        selection.worked.setdefault(code, []).append(why)
    selection.alternatives = [
        (c, s) for c, s in selection.alternatives if c not in (primary, *addons, *others)
    ]
    proposed = [c for c in others if c in analysis.codes]
    if not proposed:
        return []
    return [
        f"Report {primary} + {' + '.join(addons)}, not {' + '.join(proposed)} as a first code: {why}."
    ]


# A title that counts any number at once: "single or multiple", "three or more muscles".
_ANY_NUMBER = re.compile(r"single or multiple|\b(?:one|two|three|1|2|3) or more\b")


def _once_per_session(analysis: Analysis, selection: Selection) -> list[str]:
    """A code for "single or multiple" biopsies (or "three or more" muscles, "one or more"
    polyps) is one unit for the session whatever the number: 43239 for biopsies of the
    antrum and the esophagus is 1."""
    out: list[str] = []
    for code, _ in selection.services:
        said = _ANY_NUMBER.search(selection.titles.get(code, "").lower())
        if said is None or code in selection.units:
            continue
        selection.units[code] = 1
        line = f"{code} is for {said.group(0)} in one session: 1 unit, whatever the number"
        selection.worked.setdefault(code, []).append(line)
        asked = analysis.units.get(code, 1)
        if asked > 1:
            out.append(f"Report {code} once, not x {asked}: {line}.")
    return out


# A supply's HCPCS unit, as its title says it: "per 50", "per box of 100", "per box".
_PER = re.compile(r"\bper\s+(box|pack|package|bottle|kit)?(?:\s+of)?\s*(\d+)?")
_COUNTED_WORDS = re.compile(r"[a-z]+")


def _supply_units(analysis: Analysis, selection: Selection) -> None:
    """Units of a supply from the number supplied and its HCPCS unit: 100 test strips of a
    code billed per 50 are 2 units; 1 box of 100 lancets of a code billed per box of 100 is
    1 unit. A partial unit counts as one. Supplies counted are listed in the asker's order."""
    quantities = analysis.procedures.supplies
    if not quantities:
        return
    placed: dict[str, int] = {}
    for code, _ in selection.services:
        title = selection.titles.get(code, "").lower()
        per = _PER.search(title)
        if code[:1] not in "AK" or per is None or not (per.group(1) or per.group(2)):
            continue
        named = {stem(w) for w in _COUNTED_WORDS.findall(title[: per.start()])}
        quantity = next(
            (q for q in quantities if {stem(w) for w in q.words} & named - _GENERIC), None
        )
        if quantity is None:
            continue
        size = int(per.group(2) or 1)  # "per box" with no size counts boxes
        thing = " ".join(quantity.words)
        if quantity.package and per.group(1):  # boxes counted, billed per box
            units = quantity.number
            package = per.group(1) + (
                "" if units == 1 else "es" if per.group(1)[-1] == "x" else "s"
            )
            line = f"{units} {package} of {thing} ({code} is {per.group(0)})"
        else:
            items = quantity.number * (quantity.package or 1)
            units = -(-items // size)
            line = f"{items} {thing} / {size} per unit ({code} is {per.group(0)})"
        line += f" = {units} unit{'s' if units != 1 else ''}"
        selection.units[code] = units
        selection.worked.setdefault(code, []).append(line)
        placed[code] = quantity.at
    if len(placed) > 1:
        score = dict(selection.services)
        slots = iter(sorted(placed, key=placed.__getitem__))
        selection.services = [
            ((code := next(slots)), score[code]) if c in placed else (c, s)
            for c, s in selection.services
        ]


def _counted(analysis: Analysis, selection: Selection) -> list[str]:
    """First code and add-on units from the number of lesions (17004 for 15+ AKs)."""
    n = analysis.count
    codes = [c for c, _ in selection.services]
    if n is None:
        return []
    for first, addon, per, covered in COUNTED:
        if (
            first not in codes
            and (not addon or addon not in codes)
            and not (first == "17000" and "17004" in codes)
        ):
            continue
        if first == "17000" and n >= 15:
            wrong = [c for c in ("17000", "17003") if c in analysis.codes]
            for old in ("17000", "17003"):
                selection.services = [(c, s) for c, s in selection.services if c != old]
            line = f"{n} premalignant lesions: 15 or more are reported once with 17004"
            selection.add_service("17004", 1.0, [line])
            selection.units["17004"] = 1
            selection.services.sort(key=lambda item: item[0] != "17004")
            return [f"Report 17004, not {' + '.join(wrong)}: {line}."] if wrong else []
        if first == "17110":
            return _warts(analysis, selection, n)
        extra = max(0, n - covered)
        units = -(-extra // per) if per else 0
        selection.add_service(first, 1.0)
        selection.units[first] = 1
        line = f"{n} lesions: {first} x 1"
        if units and addon:
            selection.add_service(addon, 0.95)
            selection.units[addon] = units
            line += (
                f" for the first {covered if covered > 1 else ''}".rstrip() + f", {addon} x {units}"
            )
        selection.worked.setdefault(first, []).append(line)
        return []
    return []


def _warts(analysis: Analysis, selection: Selection, n: int) -> list[str]:
    """Benign lesions other than skin tags (warts): 17110 covers up to 14, 17111 is 15 or
    more; either is reported once, whatever the count."""
    code = "17111" if n >= 15 else "17110"
    line = f"{n} lesions: {code} x 1 ({'15 or more' if n >= 15 else 'up to 14'}, reported once)"
    wrong = [c for c in ("17110", "17111") if c in analysis.codes and c != code]
    corrections = _place(selection, analysis, code, [line], lambda c: c in ("17110", "17111"))
    selection.units[code] = 1
    if wrong and not corrections:
        corrections = [f"Report {code}, not {wrong[0]}: {line}."]
    return corrections


def _debridement(analysis: Analysis, selection: Selection) -> None:
    area = analysis.procedures.area_sq_cm
    codes = [c for c, _ in selection.services]
    first = next((c for c in DEBRIDEMENT if c in codes), None)
    if first is None:
        first = next((c for c, a in DEBRIDEMENT.items() if a in codes), None)
    if area is None or first is None:
        return
    addon = DEBRIDEMENT[first]
    units = -(-max(0, round(area) - 20) // 20)
    selection.add_service(first, 1.0)
    selection.units[first] = 1
    line = f"{area:g} sq cm: {first} for the first 20 sq cm"
    if units:
        selection.add_service(addon, 0.95)
        selection.units[addon] = units
        line += f", {addon} x {units} for each further 20 sq cm or part"
    selection.worked.setdefault(first, []).append(line)


def _critical_care(analysis: Analysis, selection: Selection) -> None:
    codes = [c for c, _ in selection.services]
    minutes = analysis.em.total_minutes or analysis.minutes
    procedures = ""
    if analysis.critical_care is not None:
        total, inside = analysis.critical_care
        minutes = total - inside
        if inside:
            # CPT: time spent on separately reported procedures is not critical care time.
            procedures = (
                f"{total} min of critical care less {inside} min of the separately billed "
                f"procedure it includes = {minutes} min (time on procedures reported on their "
                "own does not count toward critical care)"
            )
    adult = analysis.mentions("critical care") and not any(
        analysis.mentions(w) for w in ("transport", "neonat", "pediatric", "infant", "child")
    )
    if minutes is None or not (adult or any(c in codes for c in CRITICAL_CARE)):
        return
    if adult:
        # Minutes name the adult codes, not the neonatal, pediatric or transport ones.
        selection.services = [
            (c, s) for c, s in selection.services if not _in_range(c, 99466, 99486)
        ]
    payer = Payer.MEDICARE if analysis.payer == "Medicare" else Payer.CPT
    result = critical_care(minutes, payer)
    if procedures:
        result = replace(result, worked=(procedures, *result.worked))
    selection.services = [(c, s) for c, s in selection.services if c not in CRITICAL_CARE]
    for code, units in result.lines:
        selection.add_service(code, 1.0)
        selection.units[code] = units
    if result.lines:
        selection.worked.setdefault(result.lines[0][0], []).extend(result.worked)
    else:
        selection.warnings += list(result.worked)


def _in_range(code: str, low: int, high: int) -> bool:
    return code.isdigit() and low <= int(code) <= high


# The code ranges the numbers of a question decide (excised diameter, summed repair lengths,
# shave diameter): the rules below compute them, and the asker's codes in them are checked
# here rather than against a neighbour (drafting.verify).
EXCISIONS = (11400, 11646)
REPAIRS = (12001, 13160)
SIMPLE_REPAIRS = (12001, 12021)
SHAVES = (11300, 11313)


def computed_here(analysis: Analysis, code: str) -> bool:
    """``code`` is of a kind a rule here computes from the numbers the question gives."""
    procedures = analysis.procedures
    return bool(
        (procedures.lesion and _in_range(code, *EXCISIONS))
        or (procedures.wounds and _in_range(code, *REPAIRS))
        or (procedures.shave and _in_range(code, *SHAVES))
    )


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
    # An excised lesion is not also destroyed: NCCI pairs excision and destruction of a lesion
    # as mutually exclusive, so a destruction code the search found beside it goes, unless the
    # question names a destruction of its own.
    destroyed = any(analysis.mentions(w) for w in _DESTRUCTION_WORDS)
    # The simple closure of the excision is part of it: a simple repair code the search found
    # for "closed with simple sutures" goes too, unless a wound of its own is measured.
    separate_wound = bool(analysis.procedures.wounds)
    return _place(
        selection,
        analysis,
        result.code,
        list(result.worked),
        lambda c: (
            _in_range(c, *EXCISIONS)
            or (not destroyed and _in_range(c, 17000, 17286))
            or (not separate_wound and _in_range(c, *SIMPLE_REPAIRS))
        ),
    )


_DESTRUCTION_WORDS = ("destr", "cryo", "liquid nitrogen", "ablat", "electrodesic", "ed&c", "curett")


def _shave(analysis: Analysis, selection: Selection) -> list[str]:
    shave = analysis.procedures.shave
    if shave is None:
        return []
    site = _repair_site(shave.site)
    result = shave_code(site, shave.size_cm)
    if result.code is None:
        selection.warnings += list(result.worked)
        return []
    return _place(
        selection, analysis, result.code, list(result.worked), lambda c: _in_range(c, *SHAVES)
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
    is_repair = lambda c: _in_range(c, *REPAIRS)  # noqa: E731
    first = result.codes[0].code
    corrections = _place(selection, analysis, first, list(result.worked), is_repair)
    for line in result.codes:
        selection.add_service(line.code, 0.95)
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
            selection.demote(old)
    selection.add_service(code, 1.0, worked)
    selection.alternatives = [(c, s) for c, s in selection.alternatives if c != code]
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
        # The evaluation the question is about leads the treatment timed after it.
        selection.services.sort(
            key=lambda item: 0 if item[0] in EVALUATIONS else 1 if item[0] in billed else 2
        )


def _infusion_hours(analysis: Analysis, selection: Selection) -> list[str]:
    """The initial hour and each further hour (more than 30 minutes past the last)."""
    corrections: list[str] = []
    minutes = analysis.minutes
    initial = next((c for c, _ in selection.services if c in HOURLY_ADDON), None)
    if initial is None:
        # Only the add-on named: the first hour is always its initial code.
        base = {v: k for k, v in HOURLY_ADDON.items()}
        addon_only = next((c for c, _ in selection.services if c in base), None)
        if addon_only is None or addon_only in selection.units:
            # The administration rules placed the add-on after another initial service (a
            # hydration after an IV push is sequential): no first hour of its own.
            return []
        initial = base[addon_only]
        selection.add_service(initial, 1.0)
        selection.services.sort(key=lambda item: item[0] != initial)
        if addon_only in analysis.codes and (minutes is None or extra_hours(minutes) == 0):
            corrections.append(
                f"Report {initial}, not {addon_only}: {addon_only} is an add-on for each hour "
                f"after the first, which {initial} covers"
                + (
                    f"; {minutes} minutes is within the first hour and 30 minutes."
                    if minutes
                    else "."
                )
            )
    if minutes is None or analysis.route not in ("infusion", ""):
        return corrections
    if initial in selection.units:
        return corrections  # the drug-administration sequence already counted the hours
    selection.units[initial] = 1
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
    return corrections


def once_a_day(analysis: Analysis, facts: list[CodeFact]) -> None:
    """When the units are in question (asked, or the asker wrote some), a billed service
    whose MUE is 1 a day and whose units no rule counted is one unit: however many muscles,
    injections or sessions were written, the day's service is reported once."""
    if analysis.question_type != "units" and not analysis.units:
        return
    for fact in facts:
        if not fact.billed or fact.system not in ("CPT", "HCPCS") or fact.mue is None:
            continue
        if fact.billing_units is None and fact.mue.units == 1:
            fact.units = 1
            fact.worked.append(f"{fact.code}: its MUE is 1 a day, so it is reported once (1 unit)")
