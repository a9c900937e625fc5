"""What a question says about an E/M visit, read into facts: total time on the date from its
parts, the data element counted item by item, the problems element named as the MDM table
names it, and a patient new to a physician of another specialty in the same group."""

from __future__ import annotations

from consultant.matching.analyse import analyse
from consultant.matching.em_facts import em_facts


def test_only_time_on_the_date_of_the_encounter_counts() -> None:
    """CPT 2021: total time on the date of the encounter; prep the evening before is left
    out, and the parts on the date are added (24 + 13 = 37 minutes, not the asker's 52)."""
    facts = em_facts(
        "est pt dos 1/14. dr spent 15 min the evening of 1/13 going thru the outside records. "
        "on 1/14: 24 min face to face + 13 min documenting after the pt left. she wants 99215 "
        "based on 52 min total."
    )
    assert facts.total_minutes == 37
    assert "24 + 13 = 37 min" in facts.time_worked[0]
    assert "15 min on another date" in facts.time_worked[0]


def test_parts_joined_on_the_same_day_are_added() -> None:
    facts = em_facts("established patient, 30 min face to face plus 12 min charting. level?")
    assert facts.total_minutes == 42
    assert em_facts("spent 45 min total with the patient. level?").time_worked == ()


def test_a_stated_total_time_may_be_phrased_at_length() -> None:
    said = "the total time on the unit/floor that date was 62 min (documented)."
    assert em_facts(said).total_minutes == 62


def test_each_listed_test_or_document_counts_once() -> None:
    """AMA MDM table, category 1: each unique test or document reviewed or ordered; a report
    of one test is one item however many words name it. Three items make moderate data."""
    facts = em_facts(
        "np reviewed her 2023 screening mammogram report from the imaging center and the "
        "outside ob/gyn's last note, and ordered a diagnostic mammogram + l breast ultrasound."
    )
    assert facts.data == 3
    assert {"screening", "mammogram", "ultrasound"} <= facts.data_terms
    assert em_facts("reviewed the cbc results.").data == 1  # one item: minimal


def test_a_new_lump_or_nodule_is_an_undiagnosed_problem_with_uncertain_prognosis() -> None:
    facts = em_facts("found a lump in her left breast last week, 2 cm mobile mass.")
    assert facts.problems == 3
    assert facts.problem_kind == "an undiagnosed new problem with uncertain prognosis"
    assert em_facts("body mass index 31, stable hypertension").problems == 2


def test_a_prescription_started_or_written_is_moderate_risk() -> None:
    assert em_facts("ordered xray, rx'd meloxicam.").risk == 3
    assert em_facts("and started methimazole.").risk == 3


def test_two_levels_offered_ask_the_level() -> None:
    assert em_facts("99214 or 99204?").asks_level


def test_another_specialty_in_the_same_group_leaves_the_patient_new() -> None:
    """CPT: established needs the same physician or one of the exact same specialty and
    subspecialty in the group; a cardiologist's visits do not make the patient established
    for the endocrinologist."""
    facts = analyse(
        "Pt has been followed by our cardiologist for afib since 2021. Yesterday she saw our "
        "endocrinologist for the first time (same group, same TIN). 99214 or 99204?"
    )
    assert facts.patient_status == "new" and facts.other_specialty
    same = analyse(
        "Seen by our cardiologist 2 years ago, now our other cardiologist, same specialty."
    )
    assert not same.other_specialty and same.patient_status == "established"
    assert analyse("45 y/o est, here for annual physical.").patient_status == "established"
