"""E/M levels from what the question says: MDM elements counted the AMA 2021 way, total
time, the setting, the three-year rule; one level per visit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.facts import Answer


def _codes(session: Session, text: str) -> list[str]:
    return [c.code for c in _answer(session, text).billed]


def _answer(session: Session, text: str) -> Answer:
    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)


def test_two_stable_chronic_illnesses_and_prescription_management_is_moderate(
    session: Session,
) -> None:
    """AMA MDM table: two stable chronic illnesses (moderate problems) and prescription drug
    management (moderate risk) make moderate MDM: 99214 for an established patient."""
    codes = _codes(
        session,
        "Established patient seen for follow-up of hypertension and diabetes, both stable, "
        "refilled meds. What level?",
    )
    assert codes == ["99214"]


def test_acute_uncomplicated_illness_with_low_risk_is_low(session: Session) -> None:
    assert _codes(
        session, "New patient with a sore throat, rapid strep negative, supportive care. E/M?"
    ) == ["99203"]


def test_new_after_three_years_and_one_level_by_time(session: Session) -> None:
    assert _codes(
        session,
        "Patient seen 4 years ago by our group, same doctor, now back for knee pain, low MDM. "
        "New or established and which code?",
    ) == ["99203"]
    assert _codes(
        session,
        "Established patient, provider spent 35 min total (incl. documentation same day). "
        "Is that a 99214 or 99215 by time?",
    ) == ["99214"]


def test_hospital_settings(session: Session) -> None:
    assert _codes(session, "Hospital day 2 follow-up visit, patient improving, moderate MDM.") == [
        "99232"
    ]
    assert _codes(
        session, "Pt admitted to the hospital from the ED with pneumonia, high complexity MDM."
    )[:1] == ["99223"]


def test_levels_from_the_elements_the_words_describe_in_each_setting(session: Session) -> None:
    """No minutes and no MDM named: the level comes from the problems, data and risk the
    words describe (a dose changed is prescription drug management; pneumonia is an acute
    illness with systemic symptoms; a mother's history makes her an independent historian)."""
    assert _codes(
        session,
        "SNF follow-up visit, resident with CHF exacerbation, doc increased her lasix dose. level?",
    ) == ["99309"]
    assert _codes(
        session,
        "hospital day 3 rounding: pneumonia improving on IV antibiotics, continued the "
        "antibiotics, reviewed today's CBC and BMP. which subsequent hospital code?",
    ) == ["99232"]
    assert _codes(
        session,
        "ED: 2 yo with fever, history from mom, ordered CBC and UA, prescribed amoxicillin. "
        "ED level?",
    ) == ["99284"]


def test_a_home_visit_has_its_own_ladder(session: Session) -> None:
    """2023 home or residence visits: one stable chronic illness (low) with prescription
    drug management (moderate) is low MDM, 99348 established; a new patient is 99342."""
    assert _codes(
        session,
        "home visit to an established patient with stable COPD, renewed his inhaler "
        "prescriptions. what code?",
    ) == ["99348"]
    assert _codes(
        session,
        "Home visit, new patient, one stable chronic illness (hypertension), prescribed "
        "lisinopril. Which code?",
    ) == ["99342"]


def test_the_visit_leads_when_the_question_is_its_level(session: Session) -> None:
    """ "Refilled meds" is prescription drug management, not a pump refill to bill."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "est pt, f/u of stable HTN and diabetes, refilled meds. what level?"
    )
    assert [c.code for c in answer.billed] == ["99214"]
    # What led to the level, and what a higher one would need, are said.
    worked = " ".join(w for c in answer.billed for w in c.worked)
    assert "problems moderate" in worked and "risk moderate" in worked
    assert any("99215 would need MDM high" in a for a in answer.advice)


def test_a_level_that_cannot_be_told_is_said_and_lowers_confidence(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "what E/M level for an established patient? doc saw her for knee pain"
    )
    assert answer.needs_expert
    assert any("cannot be told" in w for w in answer.warnings)


def test_the_setting_read_first_decides_over_an_office_comparison(session: Session) -> None:
    """ED visits have no time levels; an office visit the words only compare it with is not
    billed beside it, and the ED level is billed once."""
    assert _codes(
        session,
        "ED physician spent 50 minutes on a pt, MDM moderate. Can we pick the ED level by time "
        "like office visits?",
    ) == ["99284"]


def test_the_surgery_whose_global_period_it_is_is_not_billed_again(session: Session) -> None:
    """A visit for an unrelated problem during a global period (modifier 24): the surgery
    named as the period's reason was done before, and is not a service of this date."""
    assert _codes(
        session,
        "Pt is 3 weeks post lap chole (90 day global). Came to the same surgeon today for an "
        "unrelated problem - a new abscess on the thigh, eval only, low MDM est pt. Can we bill "
        "it?",
    ) == ["99213"]


def test_a_procedure_done_at_the_visit_stays_beside_the_level(session: Session) -> None:
    """Asking the level does not drop the injection the words say was done."""
    codes = _codes(
        session,
        "Est pt seen for knee pain, moderate MDM; doctor injected the knee with 40 mg Kenalog. "
        "What level and codes?",
    )
    assert "99214" in codes and "20610" in codes and "J3301" in codes


def test_the_mdm_elements_are_read_from_clinical_words() -> None:
    """Coders read the MDM table's categories from what the note describes: hypoxia and
    accessory-muscle use are a severe exacerbation, sending the patient on for admission is a
    decision regarding hospitalization, a bug bite is a minor problem, a rolled ankle an acute
    uncomplicated injury, and "ordered knee x-rays" is a test ordered."""
    from consultant.matching.em_facts import em_facts

    severe = em_facts(
        "asthma pt wheezing, spo2 84% on room air, accessory muscle use. sent him to the er for admission."
    )
    assert (severe.problems, severe.risk) == (4, 4)
    bite = em_facts("mosquito bites on both legs, itchy. advised otc cream.")
    assert (bite.problems, bite.risk) == (1, 2)
    icu = em_facts(
        "septic pt, personally reviewed the chest x-ray, talked with the intensivist, "
        "transfer to the icu."
    )
    assert (icu.problems, icu.data, icu.risk) == (4, 4, 4)
    injury = em_facts("twisted her knee at work, ordered knee x-rays, otc naproxen.")
    assert (injury.problems, injury.data, injury.risk) == (2, 1, 2)


def test_a_level_from_clinical_words_names_what_it_rests_on(session: Session) -> None:
    """The level the elements support is chosen over the asker's, and the reply says which
    categories of the MDM table the words were read as."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Established pt with CHF, O2 sat 85%, in respiratory distress; the doctor called the "
        "hospitalist and sent her over for admission. We coded 99213, is that right?",
    )
    assert [c.code for c in answer.billed][:1] == ["99215"]
    worked = " ".join(w for c in answer.billed for w in c.worked)
    assert "severe exacerbation" in worked and "hospitalization" in worked
    minor = build_answer(
        session,
        "Established pt, spider bite on the arm, no infection, told to use OTC cream. 99213?",
    )
    assert [c.code for c in minor.billed][:1] == ["99212"]


def test_only_visit_codes_proposed_keeps_search_matches_unbilled(session: Session) -> None:
    """The asker proposes only a visit level: a service the search matched among the words
    ("48 minutes" reads like an infusion's hour) is for the reviewer, not billed."""
    codes = _codes(
        session,
        "new pt visit, total time documented 48 minutes including the note same day. "
        "provider picked 99205 since it was over 45 min. correct?",
    )
    assert codes == ["99204"]


def test_transitional_care_from_the_dates_and_the_visit_inside_it(session: Session) -> None:
    """Discharged on the 2nd, seen on the 12th with moderate MDM: 99495, not the 99496 the
    asker proposed, and the office visit for the same encounter is part of TCM."""
    from consultant.matching.em_facts import em_facts

    assert em_facts("discharged 12/28, seen 1/2 for the tcm visit").days_after_discharge == 5
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Pt discharged from the hospital 6/2/24, nurse phoned him 6/3. Seen in the office 6/12 "
        "for f/u, MDM moderate. Billing 99496 and 99213 ok?",
    )
    assert [c.code for c in answer.billed] == ["99495"]


def test_the_complexity_addon_is_not_billed_beside_a_same_day_procedure(
    session: Session,
) -> None:
    """CMS: G2211 is not paid when the office visit carries modifier 25 for a procedure the
    same day (the 2025 exceptions are preventive services and vaccine administration)."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Medicare pt, PCP visit for diabetes with metformin adjusted, and we drained a small "
        "abscess on her back (10060). Billing 99214-25, 10060 and G2211, ok?",
    )
    billed = [c.code for c in answer.billed]
    assert "G2211" not in billed and "10060" in billed


def test_a_deleted_observation_code_is_never_proposed(session: Session) -> None:
    """CPT 2023 deleted 99217-99226: initial observation care is 99221-99223, and 62
    minutes on the date meets 99222 (55) but not 99223 (75)."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Pt placed in observation 2/2/25, hospitalist did the initial H&P, total time that "
        "date was 62 min. We used to bill 99219 for obs admits. What's right now?",
    )
    assert [c.code for c in answer.billed] == ["99222"]
    assert "99219" in answer.corrections[0] and "deleted" in answer.corrections[0]
    assert any("55 min" in w for c in answer.billed for w in c.worked)


def test_medicare_same_date_stay_under_eight_hours_is_the_initial_code_alone(
    session: Session,
) -> None:
    """Medicare Claims Processing Manual ch. 12 s. 30.6.9: admitted and discharged on one
    date after under 8 hours, only 99221-99223, no 99234-99236 and no discharge code; for
    8 hours or more (and under CPT) 99234-99236."""
    question = (
        "{payer} pt placed in obs at {start} 4/8 for syncope w/u, d/c'd home 4:30pm same day. "
        "Attending did the admit H&P and the discharge. MDM moderate. Do we bill 99235? or "
        "99222 + 99238?"
    )
    short = question.format(payer="Medicare", start="10am")
    assert _codes(session, short) == ["99222"]
    assert _codes(session, question.format(payer="Medicare", start="7am")) == ["99235"]
    assert _codes(session, question.format(payer="Aetna", start="10am")) == ["99235"]


def test_a_problem_at_a_preventive_visit_is_an_office_visit_with_25(session: Session) -> None:
    """CPT preventive medicine guidelines: the preventive visit, and a significant problem
    addressed at it as an office visit by its own MDM, with modifier 25 on the problem visit
    (knee pain after a fall, one x-ray, a prescription: low MDM, 99213)."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Commercial pt, 45 y/o est, here for annual physical. During the visit she brought up "
        "R knee pain x2 wks since a fall at home. Doc examined the knee, ordered xray, rx'd "
        "meloxicam. Can we bill both? and which modifier goes where?",
    )
    assert [c.code for c in answer.billed] == ["99396", "99213"]
    assert "25" in {m.modifier for m in answer.modifiers if m.recommended}


def test_a_prolonged_service_the_time_does_not_reach_is_not_billed(session: Session) -> None:
    """G2212 with 99205 starts at 89 minutes (CMS CY2021 PFS final rule): 80 minutes is
    99205 alone, and the reply says the threshold."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "Medicare new patient 99205, 80 minutes total. Can we add G2212?"
    )
    assert [c.code for c in answer.billed] == ["99205"]
    assert "89 min" in answer.corrections[0]


def test_the_level_by_time_counts_only_the_date_of_the_encounter(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Est pt DOS 1/14. Dr spent 15 min the evening of 1/13 going thru the outside records. "
        "On 1/14: 24 min face to face + 13 min documenting. She wants 99215 based on 52 min "
        "total. What do we bill?",
    )
    assert [c.code for c in answer.billed] == ["99214"]
    assert "37 min" in answer.corrections[0]


def test_a_deleted_visit_code_only_mentioned_is_corrected_too(session: Session) -> None:
    """99224-99226 were deleted in 2023: a day-2 observation visit with moderate MDM is
    99232, said in the first line, even though no current code set names 99225."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "Is 99225 still the code for a day-2 observation visit with moderate MDM?"
    )
    assert [c.code for c in answer.billed] == ["99232"]
    assert answer.corrections[0].startswith("Report 99232, not 99225")


def test_a_deleted_prolonged_service_code_is_corrected(session: Session) -> None:
    """CPT 2023 deleted 99354-99357: inpatient time past 99223's is 99418 (first unit at 90
    minutes), never the deleted code the asker used to bill."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Initial inpatient visit, high MDM, total time 95 min on the admission date, commercial "
        "plan following CPT. We used to bill 99356 for the extra time, is that gone?",
    )
    billed = [c.code for c in answer.billed]
    assert "99356" not in billed and set(billed[:2]) == {"99223", "99418"}
    assert "99356" in answer.corrections[0] and "deleted" in answer.corrections[0]


def test_medicare_takes_the_office_visit_for_the_2025_telemedicine_codes(
    session: Session,
) -> None:
    """98000-98015 are status I for Medicare: the office visit by the same MDM, with the
    telehealth modifier, and the reason said."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Medicare pt, established, audio+video visit from her home, doc in our office. F/u HTN "
        "and hypothyroidism, both stable, refilled lisinopril and levothyroxine. Should this "
        "be 98006 now?",
    )
    assert [c.code for c in answer.billed][:1] == ["99214"]
    assert "98006" not in [c.code for c in answer.billed]
    assert any("98000-98015" in a for a in answer.advice)


def test_a_delivery_the_question_names_or_not_chooses_the_family(session: Session) -> None:
    """A telemedicine code needs the question to say telemedicine; a video visit "from home"
    is no home visit (the patient is at home, the practitioner is not)."""
    load_bundled_knowledge(session)
    session.flush()
    by_time = build_answer(
        session, "Our NP documented 42 minutes total time for an established patient today."
    )
    assert [c.code for c in by_time.billed][:1] == ["99215"]
    video = build_answer(
        session,
        "Commercial pt, established, video visit from home, 2 stable chronic illnesses, "
        "refilled meds. Code?",
    )
    codes = [c.code for c in video.billed]
    assert codes[:1] == ["99214"] and not [c for c in codes if c.startswith("9934")]


def test_one_correction_names_the_status_and_the_level(session: Session) -> None:
    """A new patient (another specialty in the group) whose level the MDM then decides: one
    first line, from the asker's code to the final one, with both reasons."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Our orthopedic surgeon saw a patient yesterday for the first time. She's been coming "
        "to our family medicine doctor (same practice) for years. The surgeon ordered an MRI "
        "and a knee x-ray, reviewed the PCP's notes and prescribed naproxen for a knee lump. "
        "99213 or 99203?",
    )
    assert [c.code for c in answer.billed] == ["99204"]
    first = answer.corrections[0]
    assert first.startswith("Report 99204, not 99213") and "different specialty" in first


def test_the_hospitals_clinic_code_is_not_the_practitioners(session: Session) -> None:
    """G0463 is the hospital's OPPS clinic visit code on its facility claim; the
    practitioner bills the office visit with POS 19 or 22."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Hospital outpatient clinic visit, established patient, low MDM. Which code does the "
        "doctor bill?",
    )
    assert [c.code for c in answer.billed] == ["99213"]
    assert any("G0463 is the hospital's own code" in a for a in answer.advice)


def test_care_management_minutes_are_the_first_code_and_its_add_on(session: Session) -> None:
    """CPT CCM: 45 minutes of clinical staff time in the month is 99490 and 99439 x 1,
    whichever of them the question's words matched."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "CCM 45 minutes of staff time in the month - how do we report the extra time?"
    )
    units = {c.code: c.billing_units for c in answer.billed}
    assert units == {"99439": 1, "99490": 1}


def test_discharge_day_management_is_chosen_by_its_time(session: Session) -> None:
    """CPT 99238 is 30 minutes or less on the discharge date, 99239 more than 30: 45 minutes
    corrects the asker's 99238, and the SNF the patient goes to is no nursing facility visit."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Hospitalist spent 45 min on day of discharge (exam, med rec, instructions, paperwork, "
        "call to SNF). 99238?",
    )
    assert [c.code for c in answer.billed] == ["99239"]
    assert answer.corrections[0].startswith("Report 99239, not 99238:")
    assert "30 minutes" in answer.corrections[0]


def test_a_same_date_stay_corrects_every_deleted_code_in_one_sentence(session: Session) -> None:
    """Observation 07:30 to 18:45 on one date (Medicare, 8 hours or more) is 99235 for
    moderate MDM; the deleted 99218 + 99217 are named once, with both reasons."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Medicare pt placed in observation 07:30, discharged home 18:45 same calendar day. "
        "Hospitalist MDM moderate. What do we bill? We used to use 99218 + 99217",
    )
    assert [c.code for c in answer.billed] == ["99235"]
    first = answer.corrections[0]
    assert first.startswith("Report 99235, not 99218 + 99217:")
    assert "99218 and 99217 (99217-99226) were deleted" in first and "8 hours" in first


def test_the_complexity_addon_is_for_office_visits_and_says_why(session: Session) -> None:
    """G2211 (CMS CY2024 PFS): an add-on to office or outpatient (and, from 2025, home)
    visits for a longitudinal relationship; not with a hospital visit."""
    load_bundled_knowledge(session)
    session.flush()
    hospital = build_answer(
        session, "Can we add G2211 to a subsequent hospital visit 99232 for our longtime patient?"
    )
    assert [c.code for c in hospital.billed] == ["99232"]
    assert "office or outpatient" in hospital.corrections[0]
    office = build_answer(
        session,
        "Medicare pt, we're her PCP and manage her diabetes long term. Visit today 99214. Can "
        "we add G2211?",
    )
    assert [c.code for c in office.billed] == ["99214", "G2211"]
    assert "longitudinal" in office.corrections[0] and "modifier 25" in office.corrections[0]


def test_an_unrelated_visit_in_a_global_period_takes_24_and_not_the_surgery(
    session: Session,
) -> None:
    """Claims Processing Manual ch. 12 s. 40.2: an E/M for an unrelated problem in the
    postoperative period is billed with modifier 24; the surgery the asker names was done
    before this date and is not billed again; the global days are the fee schedule's."""
    from consultant.drafting.visits import postoperative_visit
    from consultant.matching.analyse import analyse

    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Pt is 3 weeks s/p lap chole by our surgeon (90 day global). Came back to same "
        "surgeon for a new breast lump, unrelated to gallbladder. Doc coded 99213. Which "
        "modifier - 25 or 79?",
    )
    assert [c.code for c in answer.billed] == ["99213"]
    first = answer.corrections[0]
    assert first.startswith("Put modifier 24 on 99213:")
    assert "90-day global period" in first and "Not 25" in first and "not 79" in first
    # No global period said and none on the fee schedule: nothing to explain.
    analysis = analyse("Pt 3 weeks s/p a procedure, unrelated rash today, 99213?")
    from consultant.drafting.candidates import Selection

    selection = Selection([], [("99213", 0.9)], [], {})
    assert postoperative_visit(session, analysis, selection) is None


def test_an_office_code_proposed_for_a_nursing_facility_visit() -> None:
    """99214 billed for a follow-up in a skilled nursing facility (POS 31), moderate MDM:
    the subsequent nursing facility code of that level, 99309."""
    from consultant.drafting.candidates import Selection
    from consultant.drafting.visits import choose_visit
    from consultant.matching.analyse import analyse

    text = (
        "NP rounding at a skilled nursing facility, billing 99214 with POS 31 for follow-ups: "
        "CHF exacerbation resolving, adjusted the torsemide dose, moderate MDM. What code?"
    )
    selection = Selection(["99214"], [("99214", 1.0)], [], {})
    said = choose_visit(analyse(text), selection)
    assert next(c for c, _ in selection.services) == "99309"
    assert said is not None and said.startswith("Report 99309, not 99214: 99214 is an office")


def test_a_telehealth_visit_to_a_patient_at_home_keeps_the_office_code() -> None:
    from consultant.drafting.candidates import Selection
    from consultant.drafting.visits import choose_visit
    from consultant.matching.analyse import analyse

    text = "Medicare video visit (audio+video), pt at home, est pt low MDM 99213. Modifier?"
    selection = Selection(["99213"], [("99213", 1.0)], [], {})
    choose_visit(analyse(text), selection)
    assert next(c for c, _ in selection.services) == "99213"


def test_a_visit_the_words_send_elsewhere_stays_where_it_was() -> None:
    """'sent her over for admission' names where the patient went, not where she was seen:
    the asker's office code keeps its family (the level is the office ladder's)."""
    from consultant.drafting.candidates import Selection
    from consultant.drafting.visits import choose_visit
    from consultant.matching.analyse import analyse

    text = "Established pt with CHF in distress; sent her over for admission. We coded 99213?"
    selection = Selection(["99213"], [("99213", 1.0)], [], {})
    choose_visit(analyse(text), selection)
    assert next(c for c, _ in selection.services).startswith("9921")


def test_rounding_in_the_hospital_takes_the_hospital_codes() -> None:
    """Words that say where the practitioner saw the patient ('rounding' on the floor) move
    an office code to that setting's family; 'sent for admission' does not (above)."""
    from consultant.drafting.candidates import Selection
    from consultant.drafting.visits import choose_visit
    from consultant.matching.analyse import analyse

    text = "Hospitalist rounding, day 3 progress note, CHF improving, low MDM. We billed 99213?"
    selection = Selection(["99213"], [("99213", 1.0)], [], {})
    choose_visit(analyse(text), selection)
    assert next(c for c, _ in selection.services) in ("99231", "99232", "99233")


def test_a_new_problem_in_the_global_period_dated_by_two_dates() -> None:
    """A knee scope (29881, 90-day global) on 5/6; on 5/29 a visit for new shoulder pain with
    a shoulder x-ray: day 23 of the global, modifier 24 on the visit; no 25, since an x-ray
    is no procedure a visit needs 25 beside."""
    from consultant.drafting.facts import CodeFact
    from consultant.drafting.modifiers import _visit_with_procedure
    from consultant.matching.analyse import analyse

    text = (
        "Pt had R knee scope w/ partial medial meniscectomy (29881) by Dr Lee on 5/6. On 5/29 "
        "he came back to Dr Lee for new L shoulder pain after a fall. We billed 99213, denied "
        "as included in the global. Which modifier?"
    )
    analysis = analyse(text)
    assert analysis.global_period == "unrelated" and analysis.em.days_since_surgery == 23
    billed = [
        CodeFact("99213", "CPT", "", "", 1.0, True),
        CodeFact("73030", "CPT", "", "", 1.0, False),
    ]
    assert _visit_with_procedure(analysis, billed) == ("", "")


def test_psychotherapy_minutes_do_not_count_toward_the_visits_time(session: Session) -> None:
    """With the psychotherapy add-on (90833), its 30 minutes leave 25 of the 55 for the E/M
    (99213 by time); the MDM (two chronic illnesses not at goal, prescription management)
    is moderate, and the higher counts: 99214, not the 99215 the 55 minutes suggested. No
    infusion is read from "55 min is over 40"."""
    codes = _codes(
        session,
        "Outpt psychiatry, est pt. Dx MDD recurrent moderate + GAD, both not well controlled. "
        "Doc increased sertraline, added buspirone. Then supportive psychotherapy, start/stop "
        "documented (30 min). Total time for the visit incl therapy documented as 55 min. She "
        "wants to bill 99215 (55 min is over 40) + 90833.",
    )
    assert codes[:2] == ["99214", "90833"]
    assert not any(c.startswith("963") for c in codes)


def test_a_consultation_requested_by_another_practitioner(session: Session) -> None:
    """A commercial payer that pays consultations: 99244 for 42 minutes (40 to 54); the
    Medicare patient named only in a what-if is not this one. For Medicare, which pays no
    consultation codes, the office visit of the patient's status (new here)."""
    text = (
        "ENT. Commercial pt (Aetna PPO, they still pay consult codes). PCP sent a letter asking "
        "our doc's opinion on chronic sinusitis. Doc saw the pt, sent a written report back. "
        "Total time on the date 42 min. 99243 or 99244? If this were a Medicare pt what then?"
    )
    assert _codes(session, text)[:1] == ["99244"]
    medicare = text.replace(
        "Commercial pt (Aetna PPO, they still pay consult codes)", "Medicare pt"
    )
    # 42 minutes of a new patient's office visit: 99203 (30 to 44).
    assert _codes(session, medicare.replace(" If this were a Medicare pt what then?", ""))[:1] == [
        "99203"
    ]


def test_a_physical_therapy_evaluation_is_no_office_visit(session: Session) -> None:
    """PT evaluations have their own complexity levels (97161-97163): "moderate complexity"
    is no office visit's MDM; therapy services carry GP under a PT plan of care."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Outpatient PT, initial evaluation documented as moderate complexity, then 20 minutes "
        "of therapeutic exercise the same visit. Codes and units? Medicare.",
    )
    billed = [c.code for c in answer.billed]
    assert billed[:2] == ["97162", "97110"] and not [c for c in billed if c.startswith("992")]


def test_therapy_services_carry_the_plan_of_cares_modifier(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session, "Physical therapy visit: 25 minutes of therapeutic exercise. Code and modifier?"
    )
    assert "GP" in [m.modifier for m in answer.modifiers if m.recommended]


def test_a_first_ever_wellness_visit_is_the_initial_awv(session: Session) -> None:
    """G0438 is the first AWV of a lifetime (after the IPPE's year has passed): "never had a
    wellness visit" denies the earlier one the subsequent code needs; the phrase is the
    denial, so its negated words still count."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "Pt has had Medicare Part B since March 2023, never had a Welcome to Medicare visit or "
        "any wellness visit. Came in for her AWV June 2025, we billed G0439 and it denied. Why?",
    )
    assert [c.code for c in answer.billed][:1] == ["G0438"]
    assert any("first AWV of a patient's lifetime" in a for a in answer.advice)


def test_routine_aftercare_in_a_global_period_is_99024(session: Session) -> None:
    """Sutures out and a wound check three weeks after a surgery with a 90-day global: part
    of the surgical package, 99024 with no payment, not an office visit with 25 (the draft
    once offered 25, and read "MA", the medical assistant, as a modifier)."""
    answer = _answer(
        session,
        "Pt had carpal tunnel release (64721) 3 weeks ago, 90 day global. Came in for suture "
        "removal and wound check, healing fine. MA put in a 99213. Can we bill it?",
    )
    assert [c.code for c in answer.billed] == ["99024"]
    assert answer.corrections[0].startswith("Report 99024, not 99213")
    assert not answer.modifiers
    unrelated = _answer(
        session,
        "3 weeks s/p carpal tunnel release (64721, 90 day global); sutures out today and the "
        "doc also evaluated a new unrelated rash. 99213?",
    )
    assert "99024" not in [c.code for c in unrelated.billed]


def test_a_deleted_visit_code_is_replaced_by_the_one_chosen_in_its_range(
    session: Session,
) -> None:
    """99318 (the annual nursing facility assessment) was deleted in 2023 for subsequent care,
    99307-99310: the first line names the level the question's MDM chose, and the deleted
    code is said once."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(
        session,
        "SNF long-term resident, yearly comprehensive assessment by our NP; we used to bill "
        "99318 and it now rejects. Reviewed CHF, CKD 3 and dementia, adjusted 2 meds, "
        "moderate MDM. What do we use now?",
    )
    first = answer.corrections[0]
    assert first.startswith("Report 99309, not 99318: 99318 was deleted"), first
    assert "99318 (99318)" not in first
