"""What a question says about an E/M visit, read into facts: total time on the date from its
parts, the data element counted item by item, the problems element named as the MDM table
names it, and a patient new to a physician of another specialty in the same group."""

from __future__ import annotations

from datetime import date

import pytest

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


def test_a_same_date_stay_on_the_24_hour_clock() -> None:
    """07:30 to 18:45 is 11.25 hours (Medicare's 8-hour rule needs the length), and placing
    the patient in observation is an initial hospital or observation service."""
    facts = em_facts(
        "medicare pt placed in observation 07:30, discharged home 18:45 same calendar day. "
        "hospitalist mdm moderate."
    )
    assert facts.same_date_stay and facts.stay_hours is not None
    assert 11.2 <= facts.stay_hours <= 11.3
    assert facts.setting == "hospital_initial"
    assert em_facts("admitted 0800 and discharged 1500 same day").stay_hours == 7.0
    assert em_facts("placed in obs at 10am, d/c'd 4:30pm same day").stay_hours == 6.5


def test_a_chronic_illness_not_at_its_goal_is_not_stable() -> None:
    """AMA MDM definitions: a patient not at treatment goal is not stable; an elevated
    reading, a control measure going up or a dose raised make it moderate problems."""
    for text in (
        "52 yo est pt, bp was 168/98, known htn, doc increased lisinopril",
        "diabetes f/u (a1c up, doc changed meds)",
        "type 2 diabetes, a1c not at goal",
        "asthma worse this winter, added a controller inhaler",
    ):
        facts = em_facts(text)
        assert facts.problems == 3, text
        assert facts.problem_kind, text
    assert em_facts("htn stable, bp 128/78, refilled lisinopril").problems == 2


def test_an_abbreviation_ending_in_ed_is_no_emergency_visit() -> None:
    assert em_facts("medicare pt visit: neuro re-ed 97112 7 min").setting == ""
    assert em_facts("seen in the ed for chest pain").setting == "emergency"


def test_discharge_day_management_is_read_with_its_time() -> None:
    facts = em_facts(
        "hospitalist spent 45 min on day of discharge (exam, med rec, call to snf). 99238?"
    )
    assert facts.discharge_day and facts.total_minutes == 45
    assert not facts.nursing_discharge
    assert em_facts("discharged from the snf today, 35 min").nursing_discharge
    # The time said after its number: "40 minutes spent on discharge day management".
    said = em_facts('discharge day. "40 minutes spent on discharge day management." 99238?')
    assert said.discharge_day and said.total_minutes == 40


def test_a_service_by_the_same_group_and_specialty_makes_the_patient_established() -> None:
    """CPT: a professional service by a physician of the same specialty in the same group
    within three years makes an established patient, even with a different physician; a
    patient seen last year is established."""
    # No date of service: the visit is taken to be today.
    year = date.today().year - 2
    same_group = analyse(
        f"Pt saw Dr. Patel (our group, FM) in March {year}. Today seeing Dr. Nguyen, same "
        "group same specialty, first time w/ her. Can we bill new pt 99204?"
    )
    assert same_group.patient_status == "established"
    long_ago = analyse(f"Pt saw Dr. Patel (our group, FM) in March {year - 3}. New pt 99204?")
    assert long_ago.patient_status == "new"
    last_year = analyse("Dr. Kim saw the patient last year. New pt 99203 for a new problem?")
    assert last_year.patient_status == "established"


def test_without_a_date_of_service_three_years_are_counted_in_months_to_today() -> None:
    """The three-year rule counts 36 months back from the visit, not calendar years: a service
    37 months before today makes a new patient, one 35 months before an established one."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
    today = date.today()

    def months_ago(n: int) -> str:
        index = today.year * 12 + today.month - 1 - n
        return f"{months[index % 12]} {index // 12}"

    for back, status in ((37, "new"), (35, "established")):
        text = f"Pt saw Dr. Patel (our group, FM) in {months_ago(back)}. Same specialty. 99204?"
        assert analyse(text).patient_status == status


def test_a_surgery_done_weeks_ago_is_context_not_a_service() -> None:
    analysis = analyse(
        "Our orthopedist did a total knee replacement 6 weeks ago (90-day global). Patient "
        "came back for an unrelated wrist sprain. 99213?"
    )
    assert "total knee replacement" in analysis.prior_procedures
    assert analysis.global_period == "unrelated"


def test_the_time_since_an_earlier_surgery_and_its_global_days_are_read() -> None:
    facts = em_facts("pt is 3 weeks s/p lap chole by our surgeon (90 day global).")
    assert facts.days_since_surgery == 21 and facts.global_days_said == 90
    assert em_facts("had 27130 done 5 weeks ago").days_since_surgery == 35
    assert analyse("Pt is 3 weeks s/p lap chole, unrelated breast lump. 99213?").global_period == (
        "unrelated"
    )


def test_time_on_another_date_in_a_list_of_parts_is_left_out() -> None:
    """'Total time 42 min: 27 face to face, 5 reviewing, 10 documentation (completed 3/5)'
    for a visit on 3/4: 32 minutes on the date (CPT 2021: only time on the date counts), and
    the asker's stated total is worked out again from its parts."""
    from consultant.matching.em_facts import em_facts

    text = (
        "est pt visit 3/4, note says: 'total time 42 min: 27 min face to face, 5 min reviewing "
        "outside records, 10 min documentation (completed 3/5).' she billed 99215. ok?"
    )
    facts = em_facts(text)
    assert facts.total_minutes == 32
    assert "10 min on another date does not count" in facts.time_worked[0]


def test_prescriptions_continued_or_refilled_are_drug_management() -> None:
    """ "Cont metformin", "Refilled x90d": prescription drug management, moderate risk."""
    note = "A/P: DM2 stable. Cont metformin 1000 BID. HTN stable on amlodipine. Refilled x90d."
    assert em_facts(note.lower()).risk == 3
    assert em_facts("pump refilled, no changes".lower()).risk is None  # a pump is no Rx


def test_a_patient_seen_two_and_a_half_years_ago_is_established() -> None:
    """The three-year rule with a fraction of a year ("2.5 years ago")."""
    assert analyse("Pt saw our PA about 2.5 years ago, same group").patient_status == "established"
    assert analyse("pt last seen 3.5 years ago").patient_status == "new"


def test_the_surgeon_decides_is_the_decision_for_surgery() -> None:
    text = "Est pt seen Mon for RUQ pain, gallstones. Surgeon decides on lap chole for Tues."
    assert "57" in analyse(text).modifier_cues


def test_time_spent_on_a_service_with_its_own_timed_code_is_not_the_visits() -> None:
    """ "Spent 15 minutes on smoking cessation counseling" is 99407's time: counted as the
    visit's total it once turned a 99214 into a 99212."""
    text = "99214 for COPD and also spent 15 minutes on smoking cessation counseling."
    assert em_facts(text.lower()).total_minutes is None
    assert analyse(text).minutes == 15
    assert em_facts("spent 35 minutes with the patient".lower()).total_minutes == 35


def test_a_total_the_note_gives_for_the_date_of_service_is_the_days_time() -> None:
    """ "DOS 3/9 ... 3/9: 22 min total" is the date's total time; 20 min charting on 3/10 is
    another date's, and the asker's "for the 42 min" adds them both."""
    facts = em_facts(
        "established pt, dos 3/9, time-based. note: '3/9: 22 min total incl exam and orders. "
        "charting finished 3/10, 20 min.' can we bill 99214 for the 42 min?"
    )
    assert facts.total_minutes == 22
    assert "20 min on another date" in facts.time_worked[0]


def test_tests_listed_before_their_verb_a_parenteral_opioid_and_a_prescription() -> None:
    """ "CBC, BMP, troponin, CXR ordered": four tests whatever the word order; IV morphine is
    a parenteral controlled substance (high risk in the AMA's table); "home w/ Norco rx"
    writes a prescription (moderate)."""
    facts = em_facts("ed: cbc, bmp, troponin, cxr ordered. iv morphine x1. home w/ norco rx.")
    assert facts.data is not None and facts.data >= 3
    assert facts.risk == 4
    assert em_facts("d/c home w/ keflex rx, f/u pcp.").risk == 3
    # Tests drawn today are services billed, not data reviewed or ordered.
    assert em_facts("lipid panel and a1c drawn today").data_terms == frozenset()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Last time she was seen (same doc) was Feb 2022, today is 5/20/2025. 99213?", "new"),
        ("Last seen 03/2022. DOS 05/20/2025. Est or new?", "new"),
        ("Last visit was on 6/14/2022. DOS 5/20/2025. New pt?", "established"),
    ],
)
def test_the_last_visit_written_as_a_date_counts_for_the_three_year_rule(
    text: str, status: str
) -> None:
    assert analyse(text).patient_status == status


def test_time_on_the_next_day_is_left_out_when_its_date_opens_the_sentence() -> None:
    """CPT 2021: total time on the date of the encounter. The visit's date written after it
    ("visit yesterday (4/8)"), the next day's call dated at the start of its sentence."""
    facts = em_facts(
        "new pt visit yesterday (4/8). doc documented: 35 min face to face, 15 min that evening "
        "reviewing outside records. this morning (4/9) she spent another 20 min on the phone, "
        "then changed the time statement to 'total time 70 min'. 99205?"
    )
    assert facts.total_minutes == 50


def test_travel_is_not_part_of_the_total_time() -> None:
    """CPT: the visit's total time does not include travel (home visits, 99341-99350)."""
    facts = em_facts(
        "home visit 3/18: 45 minutes in the home with the patient, documented as total time. "
        "plus about 25 minutes of driving each way. 99350?"
    )
    assert facts.total_minutes == 45 and "travel" in " ".join(facts.time_worked)


def test_the_total_written_beside_its_number_is_the_total() -> None:
    """ "35 minutes total on the date: about 15 min with the patient, ...": 35, not the first
    part after the word total."""
    facts = em_facts(
        "snf subsequent visit, she documents 35 minutes total on the date: about 15 min with "
        "the patient, 10 min reviewing labs, 10 min on the phone with the daughter."
    )
    assert facts.total_minutes == 35


def test_return_precautions_are_no_return_to_the_operating_room() -> None:
    """A modifier's cue is a word or the start of one, and 78 needs the operating room named:
    "return precautions ... no abscess or perforation" at an ED visit is no 78."""
    facts = analyse(
        "ED chart: sigmoid diverticulitis, no abscess or perforation. D/c home on amox-clav, "
        "return precautions given. Is 99285 supportable?"
    )
    assert "78" not in facts.modifier_cues
    assert "78" in analyse("Unplanned return to the OR for a bleed, day 3 post-op.").modifier_cues


def test_an_ed_diverticulitis_sent_home_on_an_antibiotic_is_moderate() -> None:
    """AMA MDM table: an acute illness with systemic symptoms (diverticulitis) is moderate;
    discharged home on a prescription drug is prescription drug management."""
    facts = em_facts(
        "cc llq pain x3d, low grade fever. ct: sigmoid diverticulitis, no abscess. d/c home on "
        "amox-clav, return precautions."
    )
    assert facts.problems == 3 and facts.risk == 3


def test_a_resident_and_the_annual_assessment_are_subsequent_nursing_facility_care() -> None:
    """CPT 2023 deleted 99318: the annual assessment of a long-term resident is subsequent
    nursing facility care (99307-99310); initial care is the first visit of an admission."""
    annual = "snf long-term care resident, yearly comprehensive assessment, moderate mdm"
    assert em_facts(annual).setting == "nursing_subsequent"
    assert em_facts("annual h&p for our residents at a nursing facility").setting == (
        "nursing_subsequent"
    )
    assert em_facts("admitted to the snf yesterday, first visit, h&p").setting == (
        "nursing_initial"
    )


def test_a_notes_header_pos_11_is_the_office() -> None:
    """ "DOS 02/17/2026  Est pt  Office (POS 11)" heading a pasted progress note: the office,
    not the hospital a "progress note" had suggested."""
    assert em_facts("---- progress note ---- est pt  office (pos 11)").setting == "office"
