"""Evaluation and management: new or established patient, the level by medical decision
making (MDM) or by total time on the date, and prolonged services with their thresholds.

Sources: the AMA CPT E/M guidelines as revised for office visits in 2021 and for the other
settings in 2023 (levels of MDM, "two of three elements", time "met or exceeded" since 2024),
the Medicare Claims Processing Manual ch. 12 s. 30.6.7 (new patient: three years, same
specialty and group), and the CMS physician fee schedule final rules for 2021-2024 with the
2023 correction notice (G2212, G0316-G0318 thresholds). The modifier choices on a day with a
procedure live in consultant.rules.global_period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum


class Level(IntEnum):
    """Level of medical decision making; each MDM element uses the same four steps."""

    STRAIGHTFORWARD = 1
    LOW = 2
    MODERATE = 3
    HIGH = 4


class Problems(IntEnum):
    """Number and complexity of problems addressed."""

    MINIMAL = 1  # one self-limited or minor problem
    LOW = 2  # two or more minor; one stable chronic illness; one acute uncomplicated
    MODERATE = 3  # chronic with exacerbation; two or more stable chronic; undiagnosed new...
    HIGH = 4  # severe exacerbation; threat to life or bodily function


class Data(IntEnum):
    """Amount and/or complexity of data to be reviewed and analysed."""

    MINIMAL = 1
    LIMITED = 2
    MODERATE = 3
    EXTENSIVE = 4


class Risk(IntEnum):
    """Risk of complications and/or morbidity or mortality of patient management."""

    MINIMAL = 1
    LOW = 2
    MODERATE = 3  # e.g. prescription drug management
    HIGH = 4  # e.g. decision regarding hospitalization, drug therapy needing intensive monitoring


class Visit(Enum):
    """The visit family; each has its own code ladder."""

    OFFICE_NEW = "office or other outpatient, new patient"
    OFFICE_ESTABLISHED = "office or other outpatient, established patient"
    HOSPITAL_INITIAL = "initial hospital inpatient or observation care"
    HOSPITAL_SUBSEQUENT = "subsequent hospital inpatient or observation care"
    HOSPITAL_SAME_DATE = (
        "hospital inpatient or observation care, admission and discharge on one date"
    )
    EMERGENCY = "emergency department"
    NURSING_INITIAL = "initial nursing facility care"
    NURSING_SUBSEQUENT = "subsequent nursing facility care"
    HOME_NEW = "home or residence visit, new patient"
    HOME_ESTABLISHED = "home or residence visit, established patient"
    # Consultations: another practitioner's request for an opinion, answered in writing.
    # Medicare has paid none since 2010 (the office or hospital codes are billed instead).
    OFFICE_CONSULT = "office or other outpatient consultation"
    INPATIENT_CONSULT = "inpatient or observation consultation"


CONSULTS = (Visit.OFFICE_CONSULT, Visit.INPATIENT_CONSULT)


class Payer(Enum):
    CPT = "CPT"  # commercial payers following CPT
    MEDICARE = "Medicare"


S, L, M, H = Level.STRAIGHTFORWARD, Level.LOW, Level.MODERATE, Level.HIGH

# Code by MDM level. 2023 merged straightforward and low for initial and subsequent hospital
# care (99221/99231) and initial nursing facility care (99304); 99281 needs no physician.
CODE_BY_MDM: dict[Visit, dict[Level, str]] = {
    Visit.OFFICE_NEW: {S: "99202", L: "99203", M: "99204", H: "99205"},
    Visit.OFFICE_ESTABLISHED: {S: "99212", L: "99213", M: "99214", H: "99215"},
    Visit.HOSPITAL_INITIAL: {S: "99221", L: "99221", M: "99222", H: "99223"},
    Visit.HOSPITAL_SUBSEQUENT: {S: "99231", L: "99231", M: "99232", H: "99233"},
    Visit.HOSPITAL_SAME_DATE: {S: "99234", L: "99234", M: "99235", H: "99236"},
    Visit.EMERGENCY: {S: "99282", L: "99283", M: "99284", H: "99285"},
    Visit.NURSING_INITIAL: {S: "99304", L: "99304", M: "99305", H: "99306"},
    Visit.NURSING_SUBSEQUENT: {S: "99307", L: "99308", M: "99309", H: "99310"},
    # 2023 merged the domiciliary codes into home or residence visits and deleted 99343.
    Visit.HOME_NEW: {S: "99341", L: "99342", M: "99344", H: "99345"},
    Visit.HOME_ESTABLISHED: {S: "99347", L: "99348", M: "99349", H: "99350"},
    # 2023 deleted 99241 and 99251: straightforward is the lowest level of each.
    Visit.OFFICE_CONSULT: {S: "99242", L: "99243", M: "99244", H: "99245"},
    Visit.INPATIENT_CONSULT: {S: "99252", L: "99253", M: "99254", H: "99255"},
}

# Total practitioner time on the date that must be met or exceeded (CPT 2024 office times;
# CPT 2023 hospital and nursing facility times). Emergency visits have no time.
MINUTES_BY_CODE: dict[Visit, tuple[tuple[str, int], ...]] = {
    Visit.OFFICE_NEW: (("99202", 15), ("99203", 30), ("99204", 45), ("99205", 60)),
    Visit.OFFICE_ESTABLISHED: (("99212", 10), ("99213", 20), ("99214", 30), ("99215", 40)),
    Visit.HOSPITAL_INITIAL: (("99221", 40), ("99222", 55), ("99223", 75)),
    Visit.HOSPITAL_SUBSEQUENT: (("99231", 25), ("99232", 35), ("99233", 50)),
    # 99306: 45 minutes since CPT 2024 (50 in 2023).
    Visit.NURSING_INITIAL: (("99304", 25), ("99305", 35), ("99306", 45)),
    Visit.NURSING_SUBSEQUENT: (("99307", 10), ("99308", 15), ("99309", 30), ("99310", 45)),
    Visit.HOME_NEW: (("99341", 15), ("99342", 30), ("99344", 60), ("99345", 75)),
    Visit.HOME_ESTABLISHED: (("99347", 20), ("99348", 30), ("99349", 40), ("99350", 60)),
    Visit.OFFICE_CONSULT: (("99242", 20), ("99243", 30), ("99244", 40), ("99245", 55)),
    Visit.INPATIENT_CONSULT: (("99252", 35), ("99253", 45), ("99254", 60), ("99255", 80)),
}

# Prolonged service: (add-on code, total minutes at which its first unit is reached); each
# further full 15 minutes adds a unit. CPT counts 15 minutes beyond the top code's minimum
# time; Medicare counts from the end of the old time range (G2212: 74 + 15 = 89, 54 + 15 = 69)
# or from its own typical time (G0316-G0317, CY2023 PFS final rule as corrected in 2023).
PROLONGED: dict[Payer, dict[Visit, tuple[str, int]]] = {
    Payer.CPT: {
        Visit.OFFICE_NEW: ("99417", 75),
        Visit.OFFICE_ESTABLISHED: ("99417", 55),
        Visit.HOSPITAL_INITIAL: ("99418", 90),
        Visit.HOSPITAL_SUBSEQUENT: ("99418", 65),
        Visit.NURSING_INITIAL: ("99418", 60),
        Visit.NURSING_SUBSEQUENT: ("99418", 60),
        Visit.HOME_NEW: ("99417", 90),
        Visit.HOME_ESTABLISHED: ("99417", 75),
        Visit.OFFICE_CONSULT: ("99417", 70),
        Visit.INPATIENT_CONSULT: ("99418", 95),
    },
    Payer.MEDICARE: {
        Visit.OFFICE_NEW: ("G2212", 89),
        Visit.OFFICE_ESTABLISHED: ("G2212", 69),
        Visit.HOSPITAL_INITIAL: ("G0316", 90),
        Visit.HOSPITAL_SUBSEQUENT: ("G0316", 65),
        Visit.NURSING_INITIAL: ("G0317", 95),
        Visit.NURSING_SUBSEQUENT: ("G0317", 85),
        # G0318: the CY2023 PFS final rule's times for home or residence visits.
        Visit.HOME_NEW: ("G0318", 140),
        Visit.HOME_ESTABLISHED: ("G0318", 110),
    },
}


# E/M codes CPT deleted on 1 January 2023 (the hospital, observation, domiciliary and
# consultation revisions), each with the code of the same level that replaced it (None where
# no one code did). A deleted code is never proposed: the fee schedules no longer list them.
DELETED_2023 = date(2023, 1, 1)
DELETED_VISITS: dict[str, tuple[str | None, str]] = {
    **{
        old: (new, "observation care is reported with the hospital inpatient or observation codes")
        for old, new in (
            ("99217", "99238"),
            ("99218", "99221"),
            ("99219", "99222"),
            ("99220", "99223"),
            ("99224", "99231"),
            ("99225", "99232"),
            ("99226", "99233"),
        )
    },
    **{
        old: (new, "domiciliary and rest home visits are reported with the home or residence codes")
        for old, new in (
            ("99324", "99341"),
            ("99325", "99342"),
            ("99326", "99344"),
            ("99327", "99344"),
            ("99328", "99345"),
            ("99334", "99347"),
            ("99335", "99348"),
            ("99336", "99349"),
            ("99337", "99350"),
            ("99343", "99344"),
        )
    },
    # CPT 2023 deleted the prolonged services with direct contact: office time beyond the
    # level 5 visit is 99417 (Medicare G2212), inpatient and observation time 99418 (G0316).
    **{
        old: (
            "99417",
            "prolonged office time is reported with 99417 (Medicare: G2212) added to a visit chosen by time",
        )
        for old in ("99354", "99355")
    },
    **{
        old: (
            "99418",
            "prolonged inpatient or observation time is reported with 99418 (Medicare: G0316) added to a visit chosen by time",
        )
        for old in ("99356", "99357")
    },
    "99241": (None, "choose an office visit or 99242-99245 by MDM or time"),
    "99251": (None, "choose a hospital visit or 99252-99255 by MDM or time"),
    "99318": (None, "report subsequent nursing facility care, 99307-99310"),
}


def deleted_visit(code: str) -> tuple[str | None, str] | None:
    """The replacement and the reason, for an E/M code deleted in 2023; None otherwise."""
    found = DELETED_VISITS.get(code)
    if found is None:
        return None
    family = [c for c, (_, why) in DELETED_VISITS.items() if why == found[1]]
    span = f" ({family[0]}-{family[-1]})" if len(family) > 1 else ""
    return found[0], f"{code}{span} was deleted on {DELETED_2023.isoformat()}: {found[1]}"


@dataclass(frozen=True)
class MedicalDecisionMaking:
    problems: Problems
    data: Data
    risk: Risk


@dataclass(frozen=True)
class Prolonged:
    code: str
    units: int


@dataclass(frozen=True)
class EmLevel:
    """The visit code (None when none can be chosen) and any prolonged-service add-on."""

    code: str | None
    level: Level | None
    prolonged: Prolonged | None
    worked: tuple[str, ...]
    mdm: MedicalDecisionMaking | None = None  # the elements a level by MDM was chosen from


def data_level(
    *,
    external_notes: int = 0,
    test_results: int = 0,
    tests_ordered: int = 0,
    independent_historian: bool = False,
    independent_interpretation: bool = False,
    external_discussion: bool = False,
) -> Data:
    """The data element from its parts (each unique source or test counted once).

    Limited: two of notes/results/orders, or an independent historian. Moderate: one of three
    categories (three of notes/results/orders/historian; an independent interpretation; a
    discussion with an external physician). Extensive: two of those three categories."""
    documents = external_notes + test_results + tests_ordered
    category1 = documents + int(independent_historian) >= 3
    categories = int(category1) + int(independent_interpretation) + int(external_discussion)
    if categories >= 2:
        return Data.EXTENSIVE
    if categories == 1:
        return Data.MODERATE
    if documents >= 2 or independent_historian:
        return Data.LIMITED
    return Data.MINIMAL


def mdm_level(mdm: MedicalDecisionMaking) -> tuple[Level, tuple[str, ...]]:
    """The MDM level: two of the three elements must meet or exceed it, so it is the middle
    of the three element levels."""
    levels = sorted((int(mdm.problems), int(mdm.data), int(mdm.risk)))
    level = Level(levels[1])
    worked = (
        f"problems {mdm.problems.name.lower()}, data {mdm.data.name.lower()}, "
        f"risk {mdm.risk.name.lower()}",
        f"two of three elements meet or exceed {level.name.lower()} -> MDM {level.name.lower()}",
    )
    return level, worked


def level_by_mdm(visit: Visit, mdm: MedicalDecisionMaking) -> EmLevel:
    """The visit code chosen by medical decision making."""
    level, worked = mdm_level(mdm)
    code = CODE_BY_MDM[visit][level]
    line = f"{visit.value}, MDM {level.name.lower()} -> {code}"
    return EmLevel(code, level, None, (*worked, line), mdm)


def level_by_time(visit: Visit, minutes: int, payer: Payer = Payer.CPT) -> EmLevel:
    """The visit code chosen by total practitioner time on the date, with prolonged-service
    units when the time passes the top code's threshold for the payer."""
    ladder = MINUTES_BY_CODE.get(visit)
    if ladder is None:
        return EmLevel(None, None, None, (f"{visit.value} visits are not chosen by time; use MDM",))
    reached = [(code, need) for code, need in ladder if minutes >= need]
    if not reached:
        lowest, need = ladder[0]
        line = f"{minutes} min is below the {need} min of {lowest}: choose the level by MDM"
        return EmLevel(None, None, None, (line,))
    code, need = reached[-1]
    level = next(lv for lv in (H, M, L, S) if CODE_BY_MDM[visit][lv] == code)
    worked = [f"total time {minutes} min on the date meets {code} ({need} min or more)"]
    higher = [(c, n) for c, n in ladder if n > need]
    if higher:
        # The next threshold is what an auditor checks a time-based level against.
        worked[0] += f"; {higher[0][0]} needs {higher[0][1]} min"
    prolonged = None
    if code == ladder[-1][0]:
        prolonged, lines = prolonged_units(visit, minutes, payer)
        worked += lines
    return EmLevel(code, level, prolonged, tuple(worked))


def prolonged_units(
    visit: Visit, minutes: int, payer: Payer
) -> tuple[Prolonged | None, tuple[str, ...]]:
    """Prolonged-service units for a top-level visit chosen by time: the first unit at the
    payer's threshold, one more for each further full 15 minutes (no partial units)."""
    top = MINUTES_BY_CODE[visit][-1][0]
    if visit not in PROLONGED[payer]:
        return None, (f"{payer.value} has no prolonged-service code with {top}",)
    addon, first = PROLONGED[payer][visit]
    if minutes < first:
        line = f"{addon} ({payer.value}) needs {first} min with {top}; {minutes} min: none"
        return None, (line,)
    units = 1 + (minutes - first) // 15
    # Each unit's threshold, so the reader checks the count against the minutes.
    steps = ", ".join(f"unit {n + 1} at {first + 15 * n} min" for n in range(units))
    line = (
        f"{addon} ({payer.value}): first unit at {first} min, one per further full 15 min "
        f"({steps}); {minutes} min -> {units} unit{'s' if units > 1 else ''}; the next unit "
        f"would need {first + 15 * units} min"
    )
    return Prolonged(addon, units), (line,)


@dataclass(frozen=True)
class PriorService:
    """A professional (face-to-face) service the patient had before this visit."""

    on: date
    same_specialty: bool  # the exact same specialty and subspecialty
    same_group: bool
    face_to_face: bool = True


@dataclass(frozen=True)
class PatientStatus:
    new: bool
    worked: tuple[str, ...]


def three_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 3, day=28)


def patient_status(
    visit_on: date, prior: Sequence[PriorService], *, new_problem: bool = False
) -> PatientStatus:
    """New or established: established when the patient had a face-to-face professional
    service from this physician or one of the exact same specialty and subspecialty in the
    same group within the past three years. A new problem does not make a new patient."""
    cutoff = three_years_before(visit_on)
    worked: list[str] = []
    if new_problem:
        worked.append("a new problem does not make a new patient; only prior services count")
    for service in sorted(prior, key=lambda s: s.on, reverse=True):
        if not (service.same_specialty and service.same_group and service.face_to_face):
            why = "not face to face" if not service.face_to_face else "another specialty or group"
            worked.append(f"service on {service.on.isoformat()}: {why}, does not count")
            continue
        if service.on > visit_on:
            worked.append(f"service on {service.on.isoformat()} is after this visit")
            continue
        if cutoff <= service.on:
            worked.append(
                f"service on {service.on.isoformat()} by the same specialty in the same group "
                f"is within three years (since {cutoff.isoformat()}) -> established patient"
            )
            return PatientStatus(False, tuple(worked))
        worked.append(f"service on {service.on.isoformat()} is more than three years ago")
    worked.append("no qualifying service in the past three years -> new patient")
    return PatientStatus(True, tuple(worked))


PREVENTIVE = frozenset(
    [str(n) for n in (*range(99381, 99388), *range(99391, 99398))] + ["G0402", "G0438", "G0439"]
)


def preventive_visit(codes: list[str]) -> str | None:
    """The preventive visit (CPT 99381-99397, Medicare's G0402, G0438, G0439) among codes."""
    return next((c for c in codes if c in PREVENTIVE), None)


DISCHARGE_CODES = ("99238", "99239")
NURSING_DISCHARGE_CODES = ("99315", "99316")
DISCHARGE_THRESHOLD_MINUTES = 30
MEDICARE_SAME_DATE_HOURS = 8


def discharge_by_time(minutes: int, nursing: bool = False) -> tuple[str, tuple[str, ...]]:
    """Discharge day management by the total time on the discharge date, whether or not it
    was continuous (CPT; Claims Processing Manual ch. 12 s. 30.6.9.2): 30 minutes or less is
    99238 (nursing facility 99315), more than 30 minutes 99239 (99316)."""
    short, long = NURSING_DISCHARGE_CODES if nursing else DISCHARGE_CODES
    place = "nursing facility" if nursing else "hospital"
    if minutes > DISCHARGE_THRESHOLD_MINUTES:
        line = (
            f"{place} discharge day management, {minutes} min on the discharge date: more than "
            f"30 minutes -> {long} ({short} is 30 minutes or less)"
        )
        return long, (line,)
    line = (
        f"{place} discharge day management, {minutes} min on the discharge date: 30 minutes "
        f"or less -> {short} ({long} needs more than 30 minutes)"
    )
    return short, (line,)


def same_date_stay(payer: Payer, hours: float | None) -> tuple[Visit, tuple[str, ...]]:
    """The visit family for a patient admitted (inpatient or observation) and discharged on
    the same date. CPT: 99234-99236. Medicare (Claims Processing Manual ch. 12 s. 30.6.9):
    99234-99236 only for a stay of 8 hours or more; under 8 hours the initial care code alone
    (99221-99223), with no discharge day management."""
    both = "admission and discharge on the same date"
    if payer is Payer.MEDICARE and hours is not None and hours < MEDICARE_SAME_DATE_HOURS:
        return Visit.HOSPITAL_INITIAL, (
            f"{both}, a stay of {hours:g} hours: Medicare pays 99234-99236 only for a stay of 8 "
            "hours or more; under 8 hours report the initial hospital or observation care code "
            "alone (99221-99223), and no discharge code (99238/99239)",
        )
    if payer is Payer.MEDICARE and hours is not None:
        why = f"{both}, a stay of {hours:g} hours (8 hours or more for Medicare) -> 99234-99236"
    elif payer is Payer.MEDICARE:
        why = (
            f"{both} -> 99234-99236 when the stay lasted 8 hours or more; Medicare pays the "
            "initial care code alone (99221-99223) for a stay under 8 hours"
        )
    else:
        why = (
            f"{both} -> 99234-99236 (CPT; Medicare adds that the stay must last 8 hours or "
            "more, otherwise 99221-99223 alone)"
        )
    return Visit.HOSPITAL_SAME_DATE, (why,)


def transitional_care(days_to_visit: int, mdm: Level) -> tuple[str | None, tuple[str, ...]]:
    """Transitional care management after a discharge (CPT/CMS TCM rules): interactive
    contact within 2 business days, then a face-to-face visit within 7 calendar days with high
    MDM (99496) or within 14 days with at least moderate MDM (99495). The visit is part of
    TCM, not a separate office visit."""
    said = f"face-to-face visit on day {days_to_visit} after discharge, MDM {mdm.name.lower()}"
    if days_to_visit <= 7 and mdm >= Level.HIGH:
        return "99496", (f"{said}: within 7 days with high MDM -> 99496",)
    if days_to_visit <= 14 and mdm >= Level.MODERATE:
        why = "99496 needs high MDM and a visit within 7 days"
        return "99495", (f"{said}: within 14 days with moderate or high MDM -> 99495 ({why})",)
    return None, (
        f"{said}: TCM needs a visit within 14 days with at least moderate MDM; "
        "bill the visit as an office visit instead",
    )


@dataclass(frozen=True)
class CareManagement:
    """A monthly care-management service: its first code and the minutes that code needs,
    its add-on and the minutes each add-on unit needs."""

    name: str
    first: str
    first_minutes: int
    addon: str
    addon_minutes: int
    addon_limit: int | None = None  # add-on units a month, where CPT sets a limit


# CPT care management (2022 onward): 99439 at most twice a calendar month.
CARE_MANAGEMENT = {
    "ccm_staff": CareManagement(
        "chronic care management, clinical staff time", "99490", 20, "99439", 20, 2
    ),
    "ccm_physician": CareManagement(
        "chronic care management, physician or other QHP time", "99491", 30, "99437", 30
    ),
    "ccm_complex": CareManagement("complex chronic care management", "99487", 60, "99489", 30),
    "pcm_physician": CareManagement(
        "principal care management, physician or other QHP time", "99424", 30, "99425", 30
    ),
    "pcm_staff": CareManagement(
        "principal care management, clinical staff time", "99426", 30, "99427", 30
    ),
}
CARE_MANAGEMENT_CODES = {
    code: key for key, cm in CARE_MANAGEMENT.items() for code in (cm.first, cm.addon)
}


def care_management(
    kind: CareManagement, minutes: int
) -> tuple[list[tuple[str, int]], tuple[str, ...]]:
    """The codes and units a month's care-management minutes reach: the first code at its
    threshold, then one add-on unit per further full increment (a part increment is not
    reported), up to the monthly limit where there is one."""
    if minutes < kind.first_minutes:
        return [], (
            f"{minutes} min in the month: {kind.first} ({kind.name}) needs at least "
            f"{kind.first_minutes} min, so nothing is reported",
        )
    units = (minutes - kind.first_minutes) // kind.addon_minutes
    worked = [f"{minutes} min in the month: {kind.first} covers the first {kind.first_minutes} min"]
    capped = kind.addon_limit is not None and units > kind.addon_limit
    if capped and kind.addon_limit is not None:
        units = kind.addon_limit
    if units:
        rest = minutes - kind.first_minutes
        worked.append(
            f"{kind.addon}: one unit per further full {kind.addon_minutes} min; {rest} min more "
            f"-> {units} unit{'s' if units > 1 else ''}"
            + (f" (at most {kind.addon_limit} a month)" if capped else "")
        )
    else:
        worked.append(
            f"{kind.addon} needs a further full {kind.addon_minutes} min "
            f"({kind.first_minutes + kind.addon_minutes} in all): not reported"
        )
    codes = [(kind.first, 1)] + ([(kind.addon, units)] if units else [])
    return codes, tuple(worked)
