"""Reading a question once into facts: negation and uncertainty scopes, the patient's
status, sides, the route of a drug, and words that look like codes but are not."""

from __future__ import annotations

import pytest

from consultant.matching.analyse import analyse
from consultant.matching.context import scopes


def test_negation_scope_stops_at_a_new_clause() -> None:
    found = scopes("No IV push was given, only the IM injection. Denies chest pain but has cough")
    negated = [s.phrase for s in found if s.category == "negated"]
    assert negated == ["iv push was given", "chest pain"]


def test_uncertainty_forward_and_negation_backward() -> None:
    found = {(s.category, s.phrase) for s in scopes("Rule out pneumonia; strep was ruled out")}
    assert ("uncertain", "pneumonia") in found
    assert ("negated", "strep") in found


def test_uncertain_findings_are_facts_of_the_analysis() -> None:
    a = analyse("Probable UTI, urine culture pending. What dx do we code?")
    assert a.uncertain == ("uti",)


def test_a_new_problem_does_not_make_a_new_patient() -> None:
    assert analyse("The doctor saw him for a new rash after the pump refill").patient_status == ""
    assert analyse("established pt with a new complaint").patient_status == "established"
    assert analyse("This is a new patient to our clinic").patient_status == "new"


def test_three_year_rule_from_when_the_patient_was_last_seen() -> None:
    assert analyse("last seen by Dr. Lee 2 years ago").patient_status == "established"
    assert analyse("She was last seen in our group four years ago").patient_status == "new"


def test_three_year_rule_from_the_month_last_seen_and_the_date_of_service() -> None:
    """ "Last seen in May 2021" counts against the date of service, even when the asker or the
    front desk calls the patient new."""
    within = "Last seen by Dr. Ruiz (IM) in May 2021. DOS 4/2/24, registered as a new pt."
    assert analyse(within).patient_status == "established"
    beyond = "Last seen by Dr. Ruiz (IM) in Jan 2021. DOS 4/2/24, registered as a new pt."
    assert analyse(beyond).patient_status == "new"


def test_a_diagnosis_stated_beside_a_service_code_is_not_a_diagnosis_question() -> None:
    """ "dx otitis media" tells the service's context; "cpt and dx?" asks for both."""
    stated = analyse("Est pt seen for ear pain, amoxicillin, dx otitis media. Is 99214 ok?")
    assert stated.question_type != "diagnosis"
    assert not stated.asks_diagnosis_too
    both = analyse("Doc drained an abscess on the back in the office. cpt and dx?")
    assert both.question_type != "diagnosis"
    assert both.asks_diagnosis_too
    assert analyse("What dx for strep throat?").question_type == "diagnosis"
    # A diagnosis stated in the record, and the question is what can be billed.
    billing = analyse("Pt back for his wound check; doc examined, dx cellulitis. Can we bill?")
    assert billing.question_type != "diagnosis"


def test_times_and_states_are_not_modifiers() -> None:
    a = analyse(
        "Which modifier for 20610? Seen at 8 AM, injection at 6 PM. "
        "Northside Clinic, 12 Main St, Atlanta, GA 30301"
    )
    assert "AM" not in a.named_modifiers and "PM" not in a.named_modifiers
    assert "GA" not in a.named_modifiers
    assert "GA" in analyse("Do we need modifier GA or GZ for this?").named_modifiers
    # "What modifiers go on the left eye claim?": the verb, not the therapy modifier GO.
    assert "GO" not in analyse("What modifiers go on the left eye claim? We used LT").modifiers
    assert "GO" in analyse("OT eval: does it need modifier GO?").modifiers


def test_side_of_a_paired_body_part() -> None:
    assert analyse("injection into the left knee").side == "LT"
    assert analyse("right shoulder arthrocentesis").side == "RT"
    assert analyse("is 20610 right for the knee?").side == ""
    assert analyse("left knee and right knee").side == ""


def test_route_and_distinct_service_words() -> None:
    assert analyse("Zofran 4 mg IV push").route == "push"
    assert analyse("ceftriaxone 1 g IM").route == "injection"
    assert analyse("infused over 45 minutes").route == "infusion"
    assert analyse("biopsy of a separate lesion on the back").distinct == "XS"
    assert analyse("came back later the same day").distinct == "XE"
    assert analyse("97140 and 97530 together").distinct == ""


def test_sub_questions_in_order() -> None:
    a = analyse("Can we bill 96372 with 99213? And how many units of J1885 for 30 mg?")
    assert [s.text for s in a.sub_questions] == [
        "Can we bill 96372 with 99213?",
        "And how many units of J1885 for 30 mg?",
    ]


def test_analysis_facts_are_stored_as_json() -> None:
    """A draft keeps the analysis as JSON: no set may reach it (it failed every draft)."""
    import json

    from consultant.matching.analyse import analyse

    facts = analyse("Can we bill 96521 with 99213 the same day? Reviewed labs, ordered a CT.")
    assert json.loads(json.dumps(facts.as_json()))["codes"] == ["96521", "99213"]


def test_again_on_another_day_is_not_a_repeat_the_same_day() -> None:
    assert analyse("repeat potassium 2 hours later").repeated
    assert not analyse("she had her AWV last year and wants it again").repeated
    assert not analyse("testosterone q2wk, given again today").repeated


def test_the_side_and_the_global_period_of_an_earlier_surgery() -> None:
    a = analyse(
        "Pt is in the 90 day global for a R hip replacement and the same surgeon now does a "
        "carpal tunnel release on the left hand (unrelated)."
    )
    assert (a.side, a.global_period) == ("LT", "unrelated")
    a = analyse("pt went back to the OR the next day for bleeding after the original surgery")
    assert a.global_period == "complication"
    # The same operation on the other eye inside the first's global is unrelated (79).
    a = analyse(
        "Right eye cataract surgery 66984 on 3/4. Left eye 66984 on 3/18, still inside the "
        "right eye's global. What modifiers?"
    )
    assert a.global_period == "unrelated"
    assert analyse("Second eye cataract done in the 90 day global").global_period == "unrelated"


def test_a_service_and_its_diagnosis_asked_together_is_not_a_diagnosis_question() -> None:
    """ "Vaccine, admin and dx codes?": the service's codes lead and the diagnosis follows;
    a question asking for the diagnosis alone stays a diagnosis question."""
    both = analyse("Pt got a flu shot today. Vaccine, admin and dx codes?")
    assert both.question_type != "diagnosis" and both.asks_diagnosis_too
    alone = analyse("What dx for a flu shot encounter?")
    assert alone.question_type == "diagnosis"


def test_conditions_asked_for_codes_without_saying_dx_is_a_diagnosis_question() -> None:
    for text in (
        "Sepsis due to MRSA with septic shock, sequencing?",
        "Patient with type 2 diabetes and diabetic CKD stage 3a, what codes?",
        "Which code for an encounter for routine child health exam without abnormal findings?",
    ):
        assert analyse(text).question_type == "diagnosis", text
    assert analyse("Pt with knee pain had an injection, what codes?").question_type != "diagnosis"


def test_two_codes_joined_by_a_slash_are_two_codes() -> None:
    assert list(analyse("we billed 90471/90472 for the admin").codes[:2]) == ["90471", "90472"]
    assert list(analyse("G0008/G0009 on 10/12/2025").codes[:2]) == ["G0008", "G0009"]


@pytest.mark.parametrize(
    ("text", "kind", "diagnosis_too"),
    [
        # A service asked about leads; the diagnosis asked too is given beside it.
        ("We add 99211 to 96372 and J3420 for the B12 shots. Is that ok? what dx?", "lookup", True),
        # A note that states its diagnosis under a request for codes and units.
        (
            "What codes and units for this? Dx: iron deficiency anemia. Iron sucrose 200 mg "
            "slow IV push.",
            "lookup",
            True,
        ),
        # Only the diagnosis is asked: "what codes?" with no service is the diagnosis's.
        ("Pt w/ type 2 DM and CKD stage 3a, HTN. What codes?", "diagnosis", False),
        ("We billed 99213 for the UTI visit. What dx code?", "diagnosis", False),
    ],
)
def test_a_service_asked_about_leads_a_diagnosis_asked_beside_it(
    text: str, kind: str, diagnosis_too: bool
) -> None:
    found = analyse(text)
    assert (found.question_type, found.asks_diagnosis_too) == (kind, diagnosis_too)


def test_ultrasound_guidance_however_it_is_put() -> None:
    for said in (
        "US-guided knee injection",
        "injected the knee using ultrasound to guide the needle",
        "aspiration guided by ultrasound",
        "sonographically guided aspiration of the shoulder",
        "knee injection under u/s",
    ):
        assert analyse(said).ultrasound == "yes", said
    assert analyse("knee injection without ultrasound").ultrasound == "no"
    assert analyse("knee injection, ultrasound of the calf last week").ultrasound == ""


def test_an_urgent_care_run_as_a_physician_office_is_the_office() -> None:
    """POS 20 is a location distinct from an office or a clinic (CMS POS code set)."""
    assert analyse("Urgent care (physician office, POS 11), IV push").setting_place == "11"
    assert analyse("urgent care visit in our office").setting_place == "11"
    assert analyse("seen at our urgent care center").setting_place == "20"


def test_the_hallux_is_the_great_toe() -> None:
    assert analyse("partial nail avulsion, medial border R hallux").digits == ("T5",)
    assert analyse("ingrown nail, left hallux").digits == ("TA",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Op note isn't signed yet, surgeon's charge slip says knee scope. CPTs?", True),
        ("All I have is the superbill: lap chole. What do I code?", True),
        ("The operative report is still pending; doc says he did a TKA.", True),
        ("Op note says lap chole with cholangiogram. CPTs?", False),
        ("Per the signed op note: carpal tunnel release, open. Code?", False),
    ],
)
def test_a_record_not_final_is_read(text: str, expected: bool) -> None:
    """Surgery is coded from the signed operative report, not a charge slip or a draft."""
    assert analyse(text).record_not_final is expected


def test_a_record_not_final_is_said_in_the_reply() -> None:
    from consultant.drafting.checks import record_not_final

    advice = record_not_final(analyse("Op note not signed yet; charge slip says knee scope."))
    assert advice and "signed operative note" in advice[0]
    assert record_not_final(analyse("Signed op note: knee scope with meniscectomy.")) == []


def test_a_procedure_on_a_condition_is_a_procedure_question() -> None:
    """ "Lancing an abscess" asks for the incision and drainage, not the abscess's code; a
    condition with no procedure named is a diagnosis question."""
    lanced = analyse("what's the code for lancing a single abscess on the upper back? thx")
    assert lanced.question_type != "diagnosis"
    assert analyse("What code for a sacral pressure ulcer, stage 3?").question_type == "diagnosis"


@pytest.mark.parametrize(
    ("text", "modifiers"),
    [
        ("Does 97140 still need a 59 when billed w/ 97530?", ("59",)),
        ("can we add the XS to the second lesion?", ("XS",)),
        ("do we need a 25?", ("25",)),
        # A count after the same verbs is no modifier.
        ("did the visit need a 25 minute visit time?", ()),
        ("we need a 59 mg dose", ()),
    ],
)
def test_a_modifier_by_its_number_after_a_verb_that_appends_one(
    text: str, modifiers: tuple[str, ...]
) -> None:
    assert analyse(text).modifiers == modifiers


def test_a_question_for_the_codes_and_the_add_on_units_asks_for_the_claim() -> None:
    """ "What do I bill for the admin and how many add-on units?" wants the whole claim
    (primary first); "how do we bill the additional hours?" asks about the add-on alone."""
    both = "IV NS 09:05 to 11:45. What do I bill for the admin and how many add-on units?"
    assert not analyse(both).asks_additional
    assert analyse("Infusion 09:05 to 11:45. How do we bill the additional hours?").asks_additional
    extra = "IV antibiotic 2 hrs 40 min. What do we bill for the extra time beyond the first hour?"
    assert analyse(extra).asks_additional
    assert not analyse(
        "Ran 3 hours. Which admin codes and how many additional units?"
    ).asks_additional


def test_both_of_a_pair_and_a_dose_given_into_each() -> None:
    """ "Bilat knee OA, kenalog 40 mg into each knee": a bilateral procedure (20610-50) and
    80 mg of the drug; a dose into one knee stays as written."""
    a = analyse("medicare pt bilat knee OA, kenalog 40 mg into each knee, no imaging")
    assert a.bilateral and a.doses == ((80.0, "mg"),)
    one = analyse("kenalog 40 mg into the R knee")
    assert not one.bilateral and one.doses == ((40.0, "mg"),)
    assert analyse("b/l knee injections today").bilateral


def test_units_before_a_code_only_when_they_lead_into_it() -> None:
    """ "J1950 x 6 (because 3.75 x 6 = 22.5) and 96372": the 6 is the drug's; read before
    96372 too, it had said 6 units of 96372 exceeded its MUE."""
    text = "Charge master drops J1950 x 6 (because 3.75 x 6 = 22.5) and 96372. Right?"
    assert analyse(text).units == {"J1950": 6}
    assert analyse("we billed 2 units of 96372 and J3301 x4").units == {"96372": 2, "J3301": 4}


def test_what_the_patient_did_at_home_is_not_the_place_of_service() -> None:
    """ "Tried OTC drops at home" in an office note (POS 11): the office; a service given at
    home is POS 12. "No other concerns today": the visit was for the procedure."""
    from consultant.matching.cues import place_of_service, procedure_only

    assert place_of_service("tried otc drops at home w/o relief. office (pos 11)") == "11"
    assert place_of_service("b12 injection given at home by our nurse") == "12"
    assert procedure_only("no other concerns today. cerumen removed with a curette")
    # A problem managed at the visit is no procedure-only visit, whatever else was not raised.
    assert not procedure_only("f/u htn, refilled lisinopril, no other concerns. skin tags removed")


def test_a_patients_measurement_is_no_modifier() -> None:
    """ "checked his BP": the patient's blood pressure, not modifier BP; "BP 150/90" a reading;
    a modifier the asker names beside them still counts."""
    from consultant.matching.analyse import _named_modifier_tokens

    assert _named_modifier_tokens("The MA checked her BP and gave the shot, 99211?") == []
    assert _named_modifier_tokens("BP 148/92 at triage. GA or GZ on this one?") == ["GA", "GZ"]
    assert _named_modifier_tokens("Is BP or BR the right one for the walker?") == ["BP", "BR"]


def test_no_waste_said_is_jz_not_jw() -> None:
    """ "Nothing wasted" names waste and denies it: JZ, never JW; a multi-dose vial neither."""
    given = analyse("Gave the full syringe of Eligard, nothing wasted. Modifier?").modifier_cues
    assert "JW" not in given and "JZ" in given
    multi = analyse("Ceftriaxone from a multi-dose vial, none wasted. Modifier?").modifier_cues
    assert "JZ" not in multi and "JW" not in multi
    # Without a drug, "the full dose" of something else says nothing of waste.
    assert "JZ" not in analyse("PT gave the full dose of exercise, nothing wasted.").modifier_cues
