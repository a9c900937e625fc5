"""Drafting on the bundled knowledge alone (what `make run` ships): the answers a coder
expects for the questions the product was conceived from."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.candidates import Selection
from consultant.drafting.drugs import supplies_included
from consultant.drafting.facts import CodeFact
from consultant.drafting.render import render_reply
from consultant.matching.analyse import analyse


def _answer(session: Session, text: str):  # type: ignore[no-untyped-def]
    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)


def test_portable_pump_refill_and_a_visit(session: Session) -> None:
    a = _answer(
        session,
        "Our nurse refilled a patient's portable chemo pump and the doctor saw him "
        "for a new rash. Which codes, and do we need a modifier?",
    )
    assert [c.code for c in a.billed][:2] == ["96521", "99213"]
    assert any(m.modifier == "25" and m.recommended for m in a.modifiers)


def test_intrathecal_pump_is_not_96522(session: Session) -> None:
    a = _answer(session, "Is 96522 right for refilling a Synchromed intrathecal pain pump?")
    assert a.codes[0].code == "95990"
    assert not next(c for c in a.codes if c.code == "96522").billed
    assert a.corrections and a.corrections[0].startswith("Report 95990, not 96522")


def test_place_of_service_is_not_a_modifier(session: Session) -> None:
    a = _answer(session, "Our biller put 11 in the modifier box for 96521, is POS 11 a modifier?")
    assert "never in the modifier field" in a.corrections[0]


def test_time_and_age_choose_among_neighbours(session: Session) -> None:
    assert _answer(session, "Psychotherapy 53 minutes").codes[0].code == "90837"
    assert (
        _answer(session, "Annual physical for a 45 year old established patient").codes[0].code
        == "99396"
    )
    assert _answer(session, "Simple laceration repair 3 cm on the arm").codes[0].code == "12002"


def test_medicare_wants_its_own_code(session: Session) -> None:
    a = _answer(
        session,
        "Medicare patient referred for a consultation in the office, moderate MDM. Can we bill 99244?",
    )
    assert a.codes[0].code == "99204"
    assert any("Medicare does not accept 99244" in w for w in a.advice)


def test_unanswerable_question_goes_to_an_expert(session: Session) -> None:
    a = _answer(
        session, "Our state Medicaid plan changed its prior authorization portal, who do we call?"
    )
    assert a.needs_expert and a.analysis.question_type == "other"
    reply = render_reply(a, "Re: x", "ref")
    assert "could not settle" in reply.text


def test_modifiers_in_every_way_people_write_them() -> None:
    for text, mods in [
        ("99213-25 with 20610", ["25"]),
        ("use mod 59?", ["59"]),
        ("the 25 modifier", ["25"]),
        ("modifier XS or XU", ["XS", "XU"]),
        ("append -25 to the visit", ["25"]),
    ]:
        assert list(analyse(text).modifiers) == mods, text


def test_codes_at_the_end_of_a_sentence_and_icd_with_or_without_dot() -> None:
    a = analyse("Is POS 11 right for 96521. Dx E11.9 or E119? Vitamin B12 shot.")
    assert a.codes == ("96521",)
    assert a.icd_codes == ("E119",)


def test_codes_beside_non_latin_text() -> None:
    assert analyse("96521の請求について質問があります。J2405を").codes == ("96521", "J2405")


def test_place_of_service_questions(session: Session) -> None:
    """CMS POS code set: telehealth in the patient's home is POS 10 (non-facility rate), an
    on-campus outpatient department POS 22 (facility rate); 11 is no modifier."""
    a = _answer(session, "Place of service for a telehealth visit from the patient's home?")
    assert a.corrections[0].startswith("Use POS 10") and "non-facility" in a.corrections[0]
    a = _answer(session, "What POS for an outpatient hospital department visit?")
    assert a.corrections[0].startswith("Use POS 22") and " facility rate" in a.corrections[0]
    a = _answer(session, "Our biller put 11 in the modifier field for the office visit. OK?")
    assert a.corrections[0].startswith(
        "11 is not a modifier: it is place of service (POS) 11, Office, paid at the non-facility"
    )
    assert analyse("What does modifier 25 mean?").number_as_modifier == ""


def test_the_setting_described_decides_the_place_of_service(session: Session) -> None:
    """CMS POS code set and PFS site-of-service rates: the setting the words describe
    decides between the POS codes the asker offers; urgent care and an ASC have their own."""
    a = _answer(
        session,
        "Our clinic is a provider-based hospital outpatient dept (on campus). POS 11 or 22?",
    )
    assert a.corrections[0].startswith("Use POS 22") and "Not POS 11 (Office" in a.corrections[0]
    a = _answer(session, "what POS for an urgent care center visit?")
    assert a.corrections[0].startswith("Use POS 20 (Urgent care facility)")
    a = _answer(session, "Surgery done at an ambulatory surgery center: which place of service?")
    assert a.corrections[0].startswith("Use POS 24") and "at the facility rate" in a.corrections[0]


def test_a_drug_into_a_joint_is_the_joint_injection_by_size(session: Session) -> None:
    """CPT 20600-20611: a steroid into a joint is the arthrocentesis/injection code for the
    joint's size, with or without ultrasound guidance, not 96372."""
    a = _answer(
        session, "Kenalog 40 mg injected into the left knee, no ultrasound. What do we bill?"
    )
    codes = [c.code for c in a.billed]
    assert "20610" in codes and "96372" not in codes and "76942" not in codes
    a = _answer(session, "Depo-Medrol 40 mg into the right wrist joint under ultrasound guidance")
    assert "20606" in [c.code for c in a.billed]


def test_dose_from_volume_and_concentration() -> None:
    assert analyse("20 mL of 2,000 mcg/mL baclofen").doses == ((40000.0, "mcg"),)


def test_eyelid_modifier_with_a_one_letter_side() -> None:
    assert analyse("Chalazion excision R lower lid").digits == ("E4",)


def test_drug_administration_follows_the_sequence_described(session: Session) -> None:
    """CPT drug-administration guidelines: one initial service by the hierarchy, a new drug
    pushed after it is 96375 with its own units, and the drug is billed beside it."""
    a = _answer(
        session,
        "IV ceftriaxone 1 g infused over 35 minutes, then ondansetron 4 mg IV push. Which "
        "admin codes and how many units of each drug?",
    )
    units = {c.code: c.billing_units for c in a.billed}
    assert a.billed[0].code == "96365"
    assert units == {"96365": 1, "J0696": 4, "J2405": 4, "96375": 1}


def test_the_askers_administration_code_is_corrected_by_the_sequence(session: Session) -> None:
    """96376 needs the same drug pushed again more than 30 minutes after the first."""
    a = _answer(
        session,
        "ED facility coding: ondansetron IV push at 14:00 and again at 14:20. Can the "
        "facility add 96376?",
    )
    assert "96376" not in [c.code for c in a.billed]
    assert a.corrections and "30 minutes" in a.corrections[0]


def test_single_dose_vial_waste_on_a_jw_line_and_jz_when_none(session: Session) -> None:
    """CMS JW/JZ policy (Claims Processing Manual ch. 17 s. 40): the discarded amount of a
    single-dose container on its own JW line; JZ when nothing was discarded."""
    a = _answer(
        session,
        "Bevacizumab 360 mg IV infusion over 90 minutes; pharmacy opened four 100 mg "
        "single-dose vials and discarded the rest. Units and modifiers?",
    )
    drug = next(c for c in a.billed if c.code == "J9035")
    assert drug.dose_units is not None
    assert [(line.units, line.modifier) for line in drug.dose_units.lines] == [
        (36, None),
        (4, "JW"),
    ]
    assert {m.modifier for m in a.modifiers if m.recommended} >= {"JW"}
    a = _answer(session, "Ceftriaxone 1 g IM from a 1 g single-dose vial, whole vial given.")
    assert {m.modifier for m in a.modifiers if m.recommended} & {"JW", "JZ"} == {"JZ"}


def test_a_drug_named_beside_the_procedure_that_gives_it(session: Session) -> None:
    """Chemodenervation with Botox: the drug is billed beside the procedure, its discarded
    amount from the single-dose vial on a JW line."""
    a = _answer(
        session,
        "Botox for chronic migraine: 100-unit single-dose vial, injected 70 units, discarded "
        "the remaining 30. How do we bill the drug?",
    )
    assert a.billed[0].code == "J0585" and "64615" in [c.code for c in a.billed]
    units = a.billed[0].dose_units
    assert units is not None and [(x.units, x.modifier) for x in units.lines] == [
        (70, None),
        (30, "JW"),
    ]


def test_a_drug_pushed_again_takes_no_repeat_modifier(session: Session) -> None:
    """The same drug pushed again is 96376 (facilities) or nothing: modifier 76 is for a
    repeated procedure, not a repeated drug."""
    a = _answer(
        session,
        "Hospital outpatient department (facility claim): IV push of morphine at 09:00, then "
        "the same drug pushed again at 09:50. Admin codes for the facility?",
    )
    assert "96376" in [c.code for c in a.billed]
    assert "76" not in {m.modifier for m in a.modifiers if m.recommended}


def test_the_first_line_gives_the_drug_lines_with_their_waste_modifier(session: Session) -> None:
    """The reply's first line bills the drug as its claim lines: JZ when the single-dose
    container was used up, beside the administration."""
    a = _answer(
        session,
        "Prolia 60 mg SC, single-dose prefilled syringe, all given. Do we need a modifier? units?",
    )
    first = render_reply(a, "Re: x", "ref").text.split("\n\n")[1]
    assert "J0897-JZ x 60" in first and "96372" in first


def test_a_used_up_single_dose_container_is_jz_whatever_its_label_says(session: Session) -> None:
    """CMS JZ policy: nothing discarded from a single-dose container is JZ, also when the vial
    is labelled by volume (1 mL of a dose in mg), when the question says the whole thing was
    used, and for a prefilled single-dose syringe, whose overfill is never waste."""
    for question, code in [
        ("Kenalog-40, 1 mL (40 mg) into the right shoulder from a 1 mL single-dose vial, the "
         "whole thing was used. J3301 units? JW?", "J3301"),
        ("Prolia 60 mg subQ from a prefilled single-dose syringe. Units and admin code?",
         "J0897"),
    ]:  # fmt: skip
        a = _answer(session, question)
        drug = next(c for c in a.billed if c.code == code)
        assert drug.dose_units is not None and drug.dose_units.modifiers == ("JZ",), question
        assert {m.modifier for m in a.modifiers if m.recommended} & {"JW", "JZ"} == {"JZ"}


def test_a_single_dose_vial_without_its_size_still_names_jw_and_jz(session: Session) -> None:
    """CMS: a drug from a single-dose container carries JW for the discarded amount or JZ
    when none was; when the question gives neither, the reply says how to choose."""
    a = _answer(session, "Ceftriaxone 500 mg IM from a single-dose vial. Units?")
    drug = next(c for c in a.billed if c.code == "J0696")
    assert drug.billing_units == 2
    assert any("JW" in w and "JZ" in w for w in drug.worked)


def test_the_administration_placed_by_the_sequence_leads(session: Session) -> None:
    """A code the drug stage bills is no longer also ranked as a neighbour to rule out, which
    had sent it behind the drug."""
    a = _answer(
        session,
        "IV magnesium sulfate infused over 16 minutes, nothing else given. Push or infusion?",
    )
    assert a.billed[0].code == "96365"
    assert [c.code for c in a.codes].count("96365") == 1


def test_a_vaccine_given_im_is_not_96372_and_medicare_wants_its_g_code(session: Session) -> None:
    a = _answer(session, "Flu shot given today, we coded 96372 for the admin. Correct?")
    assert a.billed[0].code == "90471"
    a = _answer(session, "Medicare flu shot given today - we coded 96372 for the admin. Correct?")
    assert a.billed[0].code == "G0008"
    assert "96372" not in [c.code for c in a.billed]


def test_a_replacement_is_followed_through_our_notes(session: Session) -> None:
    # The patient has had an AWV: the initial one (G0438) the correction first points to is
    # itself replaced by the subsequent one.
    a = _answer(
        session,
        "Medicare pt had her AWV last year and wants her wellness visit again. "
        "Front desk coded 99397. Is that what Medicare pays?",
    )
    assert a.billed[0].code == "G0439"


def test_a_visit_with_clinical_staff_alone_is_99211(session: Session) -> None:
    a = _answer(session, "MA did a BP recheck, the doctor did not see the pt (est). Bill 99213?")
    assert a.billed[0].code == "99211"
    assert a.corrections[0].startswith("Report 99211, not 99213")
    assert not analyse("the doctor saw the patient and the nurse gave a shot").staff_only


def test_the_first_line_puts_each_modifier_on_its_code(session: Session) -> None:
    a = _answer(
        session,
        "Pt is 3 weeks post lap chole (90 day global). Came to the same surgeon today for an "
        "unrelated problem, a new abscess on the thigh, low MDM est pt. Can we bill it?",
    )
    assert [c.code for c in a.billed][:1] == ["99213"]
    assert "modifier 24 on 99213" in render_reply(a, "Re: q", "ref").text.splitlines()[0]


def test_two_of_the_askers_codes_from_one_family_are_not_corrected_away(session: Session) -> None:
    a = _answer(
        session,
        "Doc billed 43235 and 43239 for the same EGD (looked around, then took cold forceps "
        "biopsies). Is there an NCCI edit and can we use 59?",
    )
    assert not any(c.startswith("Report 4538") for c in a.corrections)
    assert {"43235", "43239"} <= {c.code for c in a.codes}


def test_a_medicare_physical_with_wellness_elements_is_the_subsequent_awv(
    session: Session,
) -> None:
    """A routine physical proposed for a Medicare patient whose visit has the AWV's content
    (health risk assessment, prevention plan) is the wellness visit, the subsequent one when
    the patient had her first before."""
    a = _answer(
        session,
        "Medicare pt 68 M, had his first AWV with us two years ago. Today: HRA reviewed and a "
        "written prevention plan. Office coded 99397. OK for Medicare?",
    )
    assert a.billed[0].code == "G0439"


def test_gy_marks_an_excluded_line_not_a_covered_one() -> None:
    """GY says a line is statutorily excluded: a covered code put in its place takes none."""
    from decimal import Decimal

    from consultant.codes.lookup import Rvus
    from consultant.drafting.modifiers import _excluded_billed

    def fact(status: str) -> CodeFact:
        one = Decimal("1")
        rvus = Rvus(
            "X", "", status, one, one, one, one, one, one, one, "XXX", "0", "0", "0", "0",
            "0", "0", "test", 2025,
        )  # fmt: skip
        return CodeFact("X", "HCPCS", "", "", 1.0, False, True, rvus=rvus if status else None)

    assert not _excluded_billed([fact("A")])
    assert _excluded_billed([fact("N")])
    assert _excluded_billed([fact("")])  # nothing known about its payment


def test_a_negated_wellness_visit_does_not_replace_the_physical(session: Session) -> None:
    """ "(not the AWV)": the words our notes map to the wellness visit are negated here."""
    a = _answer(
        session,
        "Medicare pt, 71, wants a routine physical, not an AWV. We bill 99397 to the patient; "
        "which modifier?",
    )
    assert a.billed[0].code == "99397"


def test_a_screening_colonoscopy_with_a_polyp_snared_is_45385(session: Session) -> None:
    a = _answer(
        session,
        "Medicare pt, average risk screening colonoscopy. Dr removed two polyps in the sigmoid "
        "with a snare. We were going to bill G0121 - ok?",
    )
    assert a.billed[0].code == "45385"
    assert "G0121" not in [c.code for c in a.billed]
    assert any(m.modifier == "PT" and m.recommended for m in a.modifiers)
    diagnoses = [c.code for c in a.codes if c.system == "ICD-10-CM"]
    assert diagnoses[:1] == ["Z12.11"]


def test_a_medicare_vaccine_named_without_its_product_keeps_its_g_code(session: Session) -> None:
    a = _answer(
        session,
        "Medicare pt got Prevnar 20 (90677) and her flu shot at the same visit. "
        "We billed 90471/90472 for the admin, is that right?",
    )
    billed = [c.code for c in a.billed]
    assert {"G0008", "G0009"} <= set(billed)
    assert not {"90471", "90472"} & set(billed)


def test_an_administration_alone_is_billed_with_the_product_named(session: Session) -> None:
    a = _answer(
        session,
        "Medicare patient, the RN gave Prevnar 20 today and nothing else. We billed G0009 - "
        "is that all?",
    )
    assert [c.code for c in a.billed if c.system != "ICD-10-CM"] == ["G0009", "90677"]
    # No product named: the reply says the product's own code is billed too.
    a = _answer(session, "Medicare pt came in for a flu shot only. We billed G0008, anything else?")
    assert any("own product code is billed too" in line for line in a.advice)


def test_the_products_lead_when_the_askers_administration_is_replaced(session: Session) -> None:
    a = _answer(
        session,
        "Medicare patient received Fluzone High-Dose and Prevnar 20 at the office today. "
        "Which codes? For commercial plans we bill 90471 and 90472.",
    )
    assert [c.code for c in a.billed if c.system != "ICD-10-CM"] == [
        "90662",
        "90677",
        "G0008",
        "G0009",
    ]


def test_a_local_anesthetic_for_a_procedure_is_not_billed(session: Session) -> None:
    a = _answer(
        session,
        "Digital block with 1% lidocaine, then avulsion of the great toenail. "
        "We billed 11730 and J2003 x 50.",
    )
    billed = [c.code for c in a.billed]
    assert "11730" in billed
    assert "J2003" not in billed
    assert any("Do not bill J2003" in line for line in a.corrections)
    # Given as a drug in its own right, with its administration, it is billed.
    infused = Selection([], [("96365", 1.0), ("J2003", 0.9)], [], {})
    assert supplies_included(analyse("lidocaine IV infusion, 30 min"), infused) == []
    assert [c for c, _ in infused.services] == ["96365", "J2003"]


def test_a_port_flush_is_96523_whichever_of_two_pump_codes_is_offered(session: Session) -> None:
    a = _answer(
        session,
        "Patient came in only for a port flush with a heparin lock, the RN did it and "
        "nothing else. Someone told me 96521 or 96522. Which one?",
    )
    assert a.analysis.question_type == "compare"
    assert [c.code for c in a.billed if c.system != "ICD-10-CM"] == ["96523"]
    assert any("not 96521" in line for line in a.corrections)
    # The heparin that locks the port is part of the flush, never a drug line.
    flushed = Selection([], [("96523", 1.0), ("J1642", 0.8)], [], {})
    supplies_included(analyse("port flush with heparin lock"), flushed)
    assert [c for c, _ in flushed.services] == ["96523"]


def test_a_choice_of_two_visit_levels_is_not_answered_by_a_test_ordered(session: Session) -> None:
    a = _answer(
        session,
        "Established pt with a new neck lump found on exam. Doctor ordered a thyroid "
        "ultrasound and a TSH. Which level, 99213 or 99214?",
    )
    assert a.billed[0].code in ("99213", "99214")


def test_a_shave_and_a_punch_biopsy_are_11104_and_11103(session: Session) -> None:
    a = _answer(
        session,
        "Shave bx of a lesion on the R forearm and punch bx of another on the back, same "
        "session. We billed 11102 + 11104-59. Right?",
    )
    assert [c.code for c in a.billed if c.system == "CPT"][:2] == ["11104", "11103"]
    assert any("not 11102" in line for line in a.corrections)
    # Offered as a choice of technique, it is no second lesion.
    a = _answer(session, "Punch bx or shave bx for a suspected BCC, which is right?")
    assert "11103" not in [c.code for c in a.billed]


def test_the_edit_that_denied_the_askers_code_is_reported() -> None:
    from consultant.codes.lookup import Edit
    from consultant.drafting.answer import edits_that_deny

    def edit(one: str, two: str, indicator: str) -> Edit:
        return Edit(
            one, two, indicator, "CPT Manual or CMS manual coding instruction", "", None, None
        )

    table = [edit("11104", "11102", "0"), edit("11104", "11300", "1")]
    a = analyse("Billed 11102 + 11104-59 and 11300; 11102 got denied. How should it go?")
    found = edits_that_deny(a, ["11104", "11103"], [], lambda codes: table)
    # Only the edit no modifier bypasses: one with indicator 1 would read as advice to add 59.
    assert found == [table[0]]
    # The asker's denied code as column 1 over a billed one: the denial is explained too.
    table = [edit("90834", "99214", "0")]
    a = analyse("Billed 99214 + 90834 and the 90834 denied. What did we do wrong?")
    assert edits_that_deny(a, ["99214", "90836"], [], lambda codes: table) == table


def test_an_edit_under_the_askers_unbilled_code_keeps_the_visit_billed(session: Session) -> None:
    """90834 over 99214 (indicator 0) explains why 90834 denied; with 90834 corrected to its
    add-on the visit stays billed (it once went off the claim with the edit)."""
    a = _answer(
        session,
        "Med check with moderate MDM plus 40 min psychotherapy, billed 99214 and 90834, "
        "90834 denied. Why?",
    )
    assert [c.code for c in a.billed if c.system == "CPT"] == ["99214", "90836"]


def test_the_askers_code_a_rule_took_off_stays_listed(session: Session) -> None:
    """Two pushes of the same drug in the office, billed 96374 + 96376: 96376 is not billed
    (facility only), and it is still listed, unbilled, with its facts for the reader."""
    a = _answer(
        session,
        "Morphine 4 mg IV push at 10:05 and another 4 mg IV push of morphine at 10:50 in the "
        "office. Billing 96374 + 96376 + J2270 x2. 96376 denied, why?",
    )
    assert "96376" not in [c.code for c in a.billed]
    assert "96376" in [c.code for c in a.alternatives]


def test_a_sentence_carried_on_keeps_a_codes_capital() -> None:
    from consultant.drafting.render import continued

    assert (
        continued("The visit was for the procedure alone.")
        == "the visit was for the procedure alone."
    )
    assert continued("G0439 is bundled into G0438.") == "G0439 is bundled into G0438."


def test_an_edit_under_an_unbilled_code_does_not_reorder_the_claim() -> None:
    """45378 (the asker's, corrected to G0121) over G0121: the edit explains the denial; it
    once swapped ranks with G0121 and put the diagnosis Z12.11 first on the claim."""
    from consultant.codes.lookup import Edit
    from consultant.drafting.answer import _order_by_edits
    from consultant.drafting.facts import CodeFact

    facts = [
        CodeFact("G0121", "HCPCS", "Screening colonoscopy", "", 1.0, False),
        CodeFact("Z12.11", "ICD-10-CM", "Screening for colon cancer", "", 1.0, False),
        CodeFact("45378", "CPT", "Diagnostic colonoscopy", "", 0.0, True, billed=False),
    ]
    edit = Edit("45378", "G0121", "0", "", "", None, None)
    assert [f.code for f in _order_by_edits(facts, [edit])] == ["G0121", "Z12.11", "45378"]


def test_a_drug_the_question_never_names_is_not_billed(session: Session) -> None:
    """An infusion of a product our notes do not name: no drug code the route's words found
    (acetaminophen IV once stood for an immune globulin), the administration still billed."""
    a = _answer(
        session,
        "Zorvalimab 300 mg IV, infused 12:10 to 13:40 in our office. Drug code and admin codes?",
    )
    billed = [c.code for c in a.billed]
    assert billed[0] == "96365"
    assert not [c for c in billed if c.startswith("J")]
