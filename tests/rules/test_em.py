"""E/M rules against published examples."""

from __future__ import annotations

from datetime import date

import pytest

from consultant.rules.em import (
    Data,
    Level,
    MedicalDecisionMaking,
    Payer,
    PriorService,
    Problems,
    Prolonged,
    Risk,
    Visit,
    data_level,
    level_by_mdm,
    level_by_time,
    patient_status,
    prolonged_units,
    transitional_care,
)
from consultant.rules.global_period import (
    ProcedureInGlobal,
    VisitAndProcedure,
    global_modifier,
    postoperative_procedure_modifier,
)


def test_two_stable_chronic_illnesses_with_prescription_management_is_99214() -> None:
    """AMA 2021 office E/M MDM table (problems: two or more stable chronic illnesses =
    moderate; risk: prescription drug management = moderate); the AAFP FPM example of a
    hypertension and diabetes follow-up with two lab results reviewed codes 99214."""
    mdm = MedicalDecisionMaking(Problems.MODERATE, data_level(test_results=2), Risk.MODERATE)
    result = level_by_mdm(Visit.OFFICE_ESTABLISHED, mdm)
    assert mdm.data is Data.LIMITED
    assert (result.code, result.level) == ("99214", Level.MODERATE)
    assert "two of three" in result.worked[1]


def test_two_of_three_elements_decide_not_the_highest() -> None:
    """AMA 2021 E/M guidelines: the level is met when two of the three elements meet or
    exceed it; one high element alone does not lift the level."""
    mdm = MedicalDecisionMaking(Problems.HIGH, Data.MINIMAL, Risk.LOW)
    assert level_by_mdm(Visit.OFFICE_NEW, mdm).code == "99203"
    mdm = MedicalDecisionMaking(Problems.MINIMAL, Data.MINIMAL, Risk.HIGH)
    assert level_by_mdm(Visit.OFFICE_NEW, mdm).code == "99202"
    mdm = MedicalDecisionMaking(Problems.HIGH, Data.EXTENSIVE, Risk.LOW)
    assert level_by_mdm(Visit.OFFICE_ESTABLISHED, mdm).code == "99215"


def test_data_categories() -> None:
    """AMA 2021 MDM table, data column: limited = 2 of notes/results/orders or an independent
    historian; moderate = 1 of 3 categories (3 items; independent interpretation; external
    discussion); extensive = 2 of the 3 categories."""
    assert data_level(test_results=1) is Data.MINIMAL
    assert data_level(independent_historian=True) is Data.LIMITED
    assert data_level(test_results=2, independent_historian=True) is Data.MODERATE
    assert data_level(independent_interpretation=True) is Data.MODERATE
    assert data_level(tests_ordered=3, external_discussion=True) is Data.EXTENSIVE
    assert data_level(independent_interpretation=True, external_discussion=True) is (Data.EXTENSIVE)


def test_2023_settings_merge_straightforward_and_low() -> None:
    """AMA CPT 2023 E/M guidelines: 99221/99231 and 99304 are straightforward or low MDM;
    emergency department 99282-99285 follow the four MDM levels."""
    low = MedicalDecisionMaking(Problems.LOW, Data.LIMITED, Risk.LOW)
    high = MedicalDecisionMaking(Problems.HIGH, Data.EXTENSIVE, Risk.HIGH)
    assert level_by_mdm(Visit.HOSPITAL_INITIAL, low).code == "99221"
    assert level_by_mdm(Visit.HOSPITAL_SUBSEQUENT, high).code == "99233"
    assert level_by_mdm(Visit.EMERGENCY, low).code == "99283"
    assert level_by_mdm(Visit.NURSING_SUBSEQUENT, low).code == "99308"


@pytest.mark.parametrize(
    ("visit", "minutes", "code"),
    [
        (Visit.OFFICE_NEW, 15, "99202"),
        (Visit.OFFICE_NEW, 29, "99202"),
        (Visit.OFFICE_NEW, 30, "99203"),
        (Visit.OFFICE_NEW, 45, "99204"),
        (Visit.OFFICE_NEW, 60, "99205"),
        (Visit.OFFICE_ESTABLISHED, 10, "99212"),
        (Visit.OFFICE_ESTABLISHED, 25, "99213"),
        (Visit.OFFICE_ESTABLISHED, 30, "99214"),
        (Visit.OFFICE_ESTABLISHED, 40, "99215"),
        (Visit.HOSPITAL_INITIAL, 54, "99221"),
        (Visit.HOSPITAL_INITIAL, 55, "99222"),
        (Visit.HOSPITAL_INITIAL, 75, "99223"),
        (Visit.HOSPITAL_SUBSEQUENT, 35, "99232"),
        (Visit.HOSPITAL_SUBSEQUENT, 50, "99233"),
    ],
)
def test_level_by_total_time(visit: Visit, minutes: int, code: str) -> None:
    """CPT 2024 office times (99202 15 ... 99215 40 minutes, met or exceeded) and CPT 2023
    hospital inpatient or observation times (99221-99223 40/55/75, 99231-99233 25/35/50)."""
    assert level_by_time(visit, minutes).code == code


def test_a_level_by_time_names_the_next_threshold() -> None:
    """An auditor checks a time-based level against the next one: 41 minutes for a new patient
    meets 99203, and the working says 99204 needs 45 minutes; the top level has no next
    threshold to name."""
    assert "99204 needs 45 min" in level_by_time(Visit.OFFICE_NEW, 41).worked[0]
    assert "needs" not in level_by_time(Visit.OFFICE_NEW, 61).worked[0]


def test_time_below_the_lowest_level_and_emergency_have_no_time_code() -> None:
    """CPT: 99211 has no time since 2021, so 9 minutes selects no code by time; emergency
    department levels are chosen by MDM only (CPT 2023)."""
    assert level_by_time(Visit.OFFICE_ESTABLISHED, 9).code is None
    assert level_by_time(Visit.EMERGENCY, 60).code is None


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(74, 0), (75, 1), (89, 1), (90, 2), (104, 2), (105, 3)],
)
def test_99417_with_99205(minutes: int, units: int) -> None:
    """CPT 2024: 99417 for each full 15 minutes beyond the 60-minute minimum of 99205, so the
    first unit at 75 minutes and no unit for less than 15 minutes."""
    result = level_by_time(Visit.OFFICE_NEW, minutes)
    assert result.code == "99205"
    expected = Prolonged("99417", units) if units else None
    assert result.prolonged == expected


@pytest.mark.parametrize(
    ("visit", "minutes", "units"),
    [
        (Visit.OFFICE_NEW, 88, 0),
        (Visit.OFFICE_NEW, 89, 1),
        (Visit.OFFICE_NEW, 103, 1),
        (Visit.OFFICE_NEW, 104, 2),
        (Visit.OFFICE_NEW, 119, 3),
        (Visit.OFFICE_ESTABLISHED, 68, 0),
        (Visit.OFFICE_ESTABLISHED, 69, 1),
        (Visit.OFFICE_ESTABLISHED, 84, 2),
    ],
)
def test_g2212_thresholds(visit: Visit, minutes: int, units: int) -> None:
    """CMS CY2021 PFS final rule, G2212 table (also MLN006764, E/M Services Guide): 99205
    with G2212 from 89 minutes (104 for two units), 99215 from 69 minutes (84 for two)."""
    prolonged, worked = prolonged_units(visit, minutes, Payer.MEDICARE)
    assert (prolonged.units if prolonged else 0) == units
    assert "G2212" in worked[0]


def test_g0316_and_99418_for_hospital_visits() -> None:
    """CMS CY2023 PFS final rule as corrected (G0316 with 99223 at 90 minutes, with 99233 at
    65); CPT 2023 99418 at 15 minutes beyond 99223's 75 and 99233's 50."""
    assert level_by_time(Visit.HOSPITAL_INITIAL, 90, Payer.MEDICARE).prolonged == Prolonged(
        "G0316", 1
    )
    assert level_by_time(Visit.HOSPITAL_INITIAL, 89, Payer.MEDICARE).prolonged is None
    assert level_by_time(Visit.HOSPITAL_SUBSEQUENT, 80, Payer.MEDICARE).prolonged == Prolonged(
        "G0316", 2
    )
    assert level_by_time(Visit.HOSPITAL_SUBSEQUENT, 65).prolonged == Prolonged("99418", 1)


def test_prolonged_only_with_the_top_level() -> None:
    """CPT: 99417 is reported only with 99205/99215 (time-selected)."""
    assert level_by_time(Visit.OFFICE_ESTABLISHED, 39).prolonged is None


def test_same_specialty_same_group_within_three_years_is_established() -> None:
    """Medicare Claims Processing Manual ch. 12 s. 30.6.7 and the CPT new/established decision
    tree: a service from the same specialty in the same group within three years makes the
    patient established, even when the visit is for a new problem."""
    visit = date(2026, 3, 10)
    prior = [PriorService(date(2024, 6, 1), same_specialty=True, same_group=True)]
    result = patient_status(visit, prior, new_problem=True)
    assert result.new is False
    assert "new problem does not make a new patient" in result.worked[0]


def test_other_specialty_or_old_visit_is_new() -> None:
    """Same source: another specialty in the same group, or the same physician more than
    three years ago, leaves the patient new."""
    visit = date(2026, 3, 10)
    other = PriorService(date(2025, 1, 5), same_specialty=False, same_group=True)
    old = PriorService(date(2023, 3, 9), same_specialty=True, same_group=True)
    assert patient_status(visit, [other, old]).new is True
    recent = PriorService(date(2023, 3, 11), same_specialty=True, same_group=True)
    assert patient_status(visit, [recent]).new is False


def test_decision_for_major_surgery_is_57() -> None:
    """MLN Global Surgery booklet: an E/M the day before or the day of a major (90-day)
    surgery that results in the decision to operate is billed with modifier 57."""
    same_day = global_modifier(VisitAndProcedure(90, 0, decision_for_surgery=True))
    day_before = global_modifier(VisitAndProcedure(90, -1, decision_for_surgery=True))
    assert (same_day.modifier, day_before.modifier) == ("57", "57")
    preop = global_modifier(VisitAndProcedure(90, -1))
    assert (preop.modifier, preop.billable) == (None, False)


def test_minor_procedure_gets_25_only_when_separately_identifiable() -> None:
    """Medicare Claims Processing Manual ch. 12 s. 40.2.A.4 and 30.6.6: the decision to
    perform a minor (0/10-day) procedure is included in it; a significant, separately
    identifiable E/M on that day takes modifier 25, never 57 and never both."""
    only_decision = global_modifier(VisitAndProcedure(10, 0, decision_for_surgery=True))
    assert (only_decision.modifier, only_decision.billable) == (None, False)
    separate = global_modifier(
        VisitAndProcedure(0, 0, decision_for_surgery=True, separately_identifiable=True)
    )
    assert separate.modifier == "25"
    assert "57 does not apply" in separate.worked[0]
    no_global = global_modifier(VisitAndProcedure(None, 0, separately_identifiable=True))
    assert no_global.modifier == "25"


def test_unrelated_visit_in_postoperative_period_is_24() -> None:
    """MLN Global Surgery booklet: an unrelated E/M by the same physician during the
    postoperative period takes modifier 24; related follow-up care is included."""
    assert global_modifier(VisitAndProcedure(90, 30, related_to_procedure=False)).modifier == ("24")
    related = global_modifier(VisitAndProcedure(90, 30))
    assert (related.modifier, related.billable) == (None, False)
    after_minor = global_modifier(VisitAndProcedure(10, 11, related_to_procedure=False))
    assert (after_minor.modifier, after_minor.billable) == (None, True)
    zero_day = global_modifier(VisitAndProcedure(0, 1))
    assert (zero_day.modifier, zero_day.billable) == (None, True)


def test_procedures_in_a_global_period() -> None:
    """MLN Global Surgery booklet: 58 for a staged or related procedure, 78 for an unplanned
    return to the operating room for a related complication, 79 for an unrelated procedure
    during the postoperative period."""
    assert postoperative_procedure_modifier(ProcedureInGlobal(staged=True)).modifier == "58"
    returned = ProcedureInGlobal(return_for_complication=True)
    assert postoperative_procedure_modifier(returned).modifier == "78"
    assert postoperative_procedure_modifier(ProcedureInGlobal()).modifier == "79"


def test_home_or_residence_visits_since_2023() -> None:
    """CPT 2023: home and domiciliary visits merged into 99341-99350 (99343 deleted), with
    times 15/30/60/75 new and 20/30/40/60 established; prolonged time by 99417 15 minutes
    past the top code's time, and Medicare's G0318 at 140 (99345) and 110 (99350) minutes."""
    mdm = MedicalDecisionMaking(Problems.LOW, Data.MINIMAL, Risk.MODERATE)
    assert level_by_mdm(Visit.HOME_ESTABLISHED, mdm).code == "99348"
    assert level_by_mdm(Visit.HOME_NEW, mdm).code == "99342"
    assert level_by_time(Visit.HOME_NEW, 60).code == "99344"
    assert level_by_time(Visit.HOME_ESTABLISHED, 45).code == "99349"
    assert level_by_time(Visit.HOME_ESTABLISHED, 75).prolonged == Prolonged("99417", 1)
    assert level_by_time(Visit.HOME_ESTABLISHED, 100, Payer.MEDICARE).prolonged is None
    assert level_by_time(Visit.HOME_ESTABLISHED, 110, Payer.MEDICARE).prolonged == Prolonged(
        "G0318", 1
    )


def test_a_level_by_mdm_keeps_the_elements_it_came_from() -> None:
    mdm = MedicalDecisionMaking(Problems.MODERATE, Data.MINIMAL, Risk.MODERATE)
    assert level_by_mdm(Visit.OFFICE_ESTABLISHED, mdm).mdm == mdm


@pytest.mark.parametrize(
    ("days", "mdm", "code"),
    [
        (5, Level.HIGH, "99496"),
        (5, Level.MODERATE, "99495"),
        (10, Level.HIGH, "99495"),
        (14, Level.MODERATE, "99495"),
        (15, Level.HIGH, None),
        (6, Level.LOW, None),
    ],
)
def test_transitional_care_by_days_and_mdm(days: int, mdm: Level, code: str | None) -> None:
    """TCM: 99496 needs a visit within 7 days and high MDM; 99495 a visit within 14 days and
    at least moderate MDM; otherwise no TCM code."""
    assert transitional_care(days, mdm)[0] == code


def test_care_management_minutes_in_the_month() -> None:
    """CPT care management: 99490 for the first 20 minutes of clinical staff time, 99439 for
    each further full 20 (at most twice a month); less than 20 minutes is not reported."""
    from consultant.rules.em import CARE_MANAGEMENT, care_management

    staff = CARE_MANAGEMENT["ccm_staff"]
    assert care_management(staff, 45)[0] == [("99490", 1), ("99439", 1)]
    assert care_management(staff, 39)[0] == [("99490", 1)]
    assert care_management(staff, 90)[0] == [("99490", 1), ("99439", 2)]
    assert care_management(staff, 15)[0] == []
    physician = CARE_MANAGEMENT["ccm_physician"]
    assert care_management(physician, 60)[0] == [("99491", 1), ("99437", 1)]


@pytest.mark.parametrize(
    ("minutes", "nursing", "code"),
    [(25, False, "99238"), (30, False, "99238"), (31, False, "99239"), (45, False, "99239"),
     (30, True, "99315"), (40, True, "99316")],
)  # fmt: skip
def test_discharge_day_management_by_time(minutes: int, nursing: bool, code: str) -> None:
    """CPT 99238/99239 (and 99315/99316): 30 minutes or less, or more than 30 minutes, of
    total time on the discharge date."""
    from consultant.rules.em import discharge_by_time

    chosen, worked = discharge_by_time(minutes, nursing)
    assert chosen == code
    assert f"{minutes} min" in worked[0] and "30 minutes" in worked[0]


def test_prolonged_units_name_each_units_threshold() -> None:
    """CPT 99417 with 99205: the first unit at 75 minutes, the second at 90; 92 minutes is
    two units and a third would need 105."""
    prolonged, lines = prolonged_units(Visit.OFFICE_NEW, 92, Payer.CPT)
    assert prolonged == Prolonged("99417", 2)
    assert "unit 1 at 75 min, unit 2 at 90 min" in lines[0]
    assert "would need 105 min" in lines[0]
