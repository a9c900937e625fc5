"""Procedure, lab, supply and screening lookups: a service's complete code leads its parts,
family members are chosen by the qualifiers written (contrast, "with" guidance or Doppler),
lab tests lead the blood draw beside them, supplies are counted in their HCPCS unit, and a
screening service brings its companion. On the bundled knowledge (what `make run` ships)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.codes.lookup import Edit
from consultant.drafting.answer import build_answer
from consultant.drafting.candidates import _instructed
from consultant.drafting.facts import Answer
from consultant.matching.analyse import analyse
from consultant.matching.services import described_candidates


def _ranked(session: Session, text: str) -> list[str]:
    load_bundled_knowledge(session)
    session.flush()
    return [c.code for c in described_candidates(session, analyse(text), ("CPT", "HCPCS"))]


def _answer(session: Session, text: str) -> Answer:
    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)


def test_without_then_with_contrast_is_the_combined_code(session: Session) -> None:
    """CPT CT/MRI codes: without contrast, with contrast, or without followed by with. A
    question that says both is neither single code, however the words "without" and "with"
    each match one of them."""
    assert _ranked(session, "CT head done without contrast and then with contrast")[0] == "70470"
    assert _ranked(session, "CT head without contrast")[0] == "70450"


def test_a_with_qualifier_the_question_names_chooses_the_code_that_includes_it(
    session: Session,
) -> None:
    """20604 is the small joint with ultrasound guidance, 20600 without it; 93306 the complete
    echo with spectral and color Doppler, 93307 without Doppler."""
    assert (
        _ranked(session, "Injection of a finger PIP joint with ultrasound guidance")[0] == "20604"
    )
    assert _ranked(session, "Injection of a finger PIP joint, landmark guided")[0] == "20600"
    ranked = _ranked(session, "Full transthoracic echo incl. color flow and spectral Doppler")
    assert ranked[0] == "93306"


def test_lab_tests_lead_the_draw_beside_them(session: Session) -> None:
    """The tests are the services; the venipuncture (36415) is billed beside them, once."""
    a = _answer(
        session,
        "In-house lab. Provider ordered a CMP and a BMP on the same pt, same draw. MA did the "
        "venipuncture. what is billable?",
    )
    billed = [c.code for c in a.billed]
    assert billed[0] in ("80053", "80048") and "36415" in billed
    assert billed.index("36415") > billed.index(billed[0])
    drawn = [c.code for c in _answer(session, "Lipid panel drawn today, codes?").billed]
    assert drawn[:2] == ["80061", "36415"]
    # No collection in the words: the test alone.
    assert "36415" not in [c.code for c in _answer(session, "CPT for a lipid panel?").billed]


def test_a_comprehensive_panel_takes_in_the_basic_one_only_when_both_are_services() -> None:
    """NCCI pairs 80053/80048 under a coding instruction with indicator 0; a PICC insertion
    found near a draw from the PICC is no service taking the draw in."""
    edit = Edit(
        "80053", "80048", "0", "CPT Manual or CMS manual coding instruction", "", None, None
    )
    assert _instructed(edit, {"80053", "80048"})
    assert not _instructed(edit, {"80048"})
    allowed = Edit(
        "80053", "80048", "1", "CPT Manual or CMS manual coding instruction", "", None, None
    )
    assert not _instructed(allowed, {"80053", "80048"})


def test_supplies_are_read_with_their_packages() -> None:
    facts = analyse("gets 100 glucose test strips and 1 box of 100 lancets per month").procedures
    assert [(q.number, q.package, q.words) for q in facts.supplies] == [
        (100, 0, ("glucose", "test", "strips")),
        (1, 100, ("lancets",)),
    ]
    # Minutes and units are not supplies.
    assert analyse("30 minutes of therapy, 3 units of 97110").procedures.supplies == ()


def test_supply_units_come_from_the_hcpcs_unit(session: Session) -> None:
    """A4253 is per 50 strips: 100 strips are 2 units; A4259 is per box of 100 lancets: one
    box is 1 unit. Listed in the asker's order."""
    a = _answer(
        session,
        "DME question. Medicare pt on insulin gets 100 glucose test strips and 1 box of 100 "
        "lancets per month. how many units for the strips and the lancets?",
    )
    assert [(c.code, c.billing_units) for c in a.billed][:2] == [("A4253", 2), ("A4259", 1)]
    assert any("100 glucose test strips / 50 per unit" in w for w in a.billed[0].worked)
    a = _answer(session, "Patient got 2 boxes of 100 lancets. Units?")
    assert [(c.code, c.billing_units) for c in a.billed][:1] == [("A4259", 2)]
    a = _answer(session, "Supplier sent 120 blood glucose test strips. How many units?")
    assert [(c.code, c.billing_units) for c in a.billed][:1] == [("A4253", 3)]


def test_the_screening_pelvic_exam_brings_the_pap_collection(session: Session) -> None:
    """Medicare: the screening pelvic and breast exam is G0101 and collecting the Pap Q0091."""
    a = _answer(
        session,
        "Medicare pt came in for her screening pelvic and breast exam and the NP collected a "
        "pap. What do we bill?",
    )
    assert [c.code for c in a.billed][:2] == ["G0101", "Q0091"]
    a = _answer(session, "Medicare pt, screening pelvic and breast exam only. What do we bill?")
    assert "Q0091" not in [c.code for c in a.billed]


def test_a_second_service_of_one_family_named_by_its_own_words_is_billed(
    session: Session,
) -> None:
    """The OCT of the macula (92134) beside a comprehensive eye exam (92014): one family in our
    notes, two services."""
    a = _answer(
        session,
        "Ophthalmology, est pt. Comprehensive dilated exam and we also did an OCT of the "
        "macula. Codes?",
    )
    assert [c.code for c in a.billed][:2] == ["92014", "92134"]


def test_both_eyes_is_bilateral() -> None:
    assert analyse("OCT of the macula, both eyes").bilateral
    assert analyse("does the OCT need a 50 since it was OU").bilateral
    assert not analyse("OCT of the right eye").bilateral


def test_noncontrast_then_contrast_is_both() -> None:
    from consultant.matching.services import contrast_of

    assert (
        contrast_of("ct abd/pelvis, noncontrast images first and then with iv contrast") == "both"
    )
    assert contrast_of("noncontrast ct head") == "without"


def test_a_code_for_any_number_is_one_unit_a_session(session: Session) -> None:
    """CPT 43239 is biopsy, single or multiple: three sites are still 1 unit, and the asker's
    x3 is corrected."""
    a = _answer(session, "EGD with biopsies x3 (antrum, body, GE junction). 43239 x3 or x1?")
    assert [(c.code, c.billing_units) for c in a.billed][:1] == [("43239", 1)]
    assert a.corrections and a.corrections[0].startswith("Report 43239 once, not x 3")


def test_a_therapy_evaluation_leads_visits_matched_by_level_words(session: Session) -> None:
    """A PT evaluation of moderate complexity (97162) is not an office visit of moderate MDM;
    the timed exercise after it follows it."""
    a = _answer(
        session,
        "PT clinic. Initial eval, 2 comorbidities, evolving presentation, decision making "
        "moderate. Also did 15 min of ther ex after the eval. What eval code?",
    )
    assert [c.code for c in a.billed][:2] == ["97162", "97110"]


def test_a_supply_never_corrects_the_askers_procedure() -> None:
    from consultant.drafting.verify import _COUNTED_ON, _is_supply

    assert _is_supply("Q4012") and _is_supply("A4253") and not _is_supply("29075")
    assert "11200" in _COUNTED_ON and "17110" not in _COUNTED_ON


def test_skin_tags_past_the_first_fifteen_add_on(session: Session) -> None:
    """23 skin tags: 11200 for the first 15 and 11201 once for the next 8 (up to 10)."""
    a = _answer(session, "Derm removed 23 skin tags by scissor excision. I know 11200 is first 15.")
    assert [c.code for c in a.billed][:2] == ["11200", "11201"]


def test_the_whole_billed_is_no_longer_an_alternative() -> None:
    from consultant.drafting.candidates import Selection
    from consultant.drafting.verify import Whole, _apply_whole

    selection = Selection(["70450", "70460"], [("70450", 1.0), ("70460", 1.0)], [], {})
    selection.alternatives = [("70470", 1.0), ("70546", 0.6)]
    _apply_whole(selection, Whole("70450", "70470", "both", ("70450", "70460")))
    assert [c for c, _ in selection.services] == ["70470"]
    assert [c for c, _ in selection.alternatives] == ["70450", "70460", "70546"]


def test_imaging_guidance_said_corrects_the_askers_code_without_it(session: Session) -> None:
    """Thoracentesis has a code without imaging guidance (32554) and one with it (32555);
    a question that says the needle was ultrasound-guided is the second, whatever the asker
    billed, and the guidance code billed beside it is the included part."""
    a = _answer(
        session,
        "pulm did a R thoracentesis at bedside w/ US guidance, 1.2 L off, no catheter left. "
        "we billed 32554 + 76942 and 76942 got denied. what should it have been?",
    )
    assert [c.code for c in a.billed][:1] == ["32555"]
    assert a.corrections and a.corrections[0].startswith("Report 32555, not 32554")
    # Said the other way, the code without guidance stands.
    a = _answer(session, "bedside thoracentesis by landmarks, no imaging. we billed 32554, ok?")
    assert [c.code for c in a.billed][:1] == ["32554"] and not a.corrections


def test_guidance_is_read_from_the_words_and_the_titles() -> None:
    from consultant.matching.guidance import question_guidance, title_guidance

    assert question_guidance("lp under fluoro") == "with"
    assert question_guidance("ct-guided biopsy of the lung") == "with"
    assert question_guidance("done at bedside without imaging") == "without"
    assert question_guidance("thoracentesis, 1.2 l removed") == ""
    assert title_guidance("Thoracentesis, needle or catheter, without imaging guidance") == (
        "without"
    )
    assert title_guidance("Sacroiliac joint injection with imaging guidance") == "with"
    assert title_guidance("Ultrasound guidance for needle placement") == ""


def test_a_glucometer_reading_is_not_the_lab_glucose(session: Session) -> None:
    """82962 is a glucose read on a meter cleared for home use (a fingerstick in the office);
    82947 is the laboratory's quantitative glucose; E0607 is the monitor a supplier gives
    the patient, not the test."""
    a = _answer(
        session,
        "MA does a fingerstick blood sugar on our glucometer for diabetic pts at visits. We've "
        "been billing 82947. Right code?",
    )
    assert [c.code for c in a.billed] == ["82962"]
    assert a.corrections and a.corrections[0].startswith("Report 82962, not 82947")


def test_a_diagnosis_question_bills_no_visit_from_the_notes_mdm(session: Session) -> None:
    """Asked only for the diagnoses, the draft does not derive a visit level from the note."""
    a = _answer(
        session,
        "Office f/u, established pt: HTN stable, T2DM with A1c 8.2, increased metformin. "
        "What ICD-10 codes do we use?",
    )
    assert not [c for c in a.billed if c.system == "CPT"]


def test_a_drug_instilled_into_the_bladder_is_the_instillation_not_the_catheter(
    session: Session,
) -> None:
    """51720 includes passing the catheter (51701/51702 bundled); the BCG is billed beside it."""
    a = _answer(
        session,
        "Urology office. Induction BCG wk 3. RN placed straight cath, instilled TICE BCG (1 "
        "vial, 50 mg) and removed the catheter, pt retains 2 hrs. Codes?",
    )
    billed = [c.code for c in a.billed]
    assert billed[0] == "51720" and "J9030" in billed and "51701" not in billed
    # Instilled, not infused: no chemotherapy administration code for the two hours it stays.
    assert not any(c.startswith("964") for c in billed)


def test_spirometry_repeated_after_a_bronchodilator_is_the_pre_and_post_code(
    session: Session,
) -> None:
    """94060 is spirometry before and after a bronchodilator: 94010 twice (or with 76) is
    not how a repeat after the neb is billed, however the repeat is worded."""
    for text in (
        "Pulm office did spirometry, gave an albuterol neb, then repeated the spirometry. We "
        "bill 94010 x 2. Correct?",
        "Spirometry with a post-bronchodilator study today; coder put 94010. Right?",
    ):
        billed = [c.code for c in _answer(session, text).billed]
        assert billed[:1] == ["94060"] and "94010" not in billed


def test_a_nail_whose_matrix_is_destroyed_is_a_matrixectomy_not_an_avulsion(
    session: Session,
) -> None:
    """Phenol applied to the matrix so the border does not grow back is 11750; the asker's
    11730 (the plate alone) is corrected, by the distinction our notes draw between them."""
    a = _answer(
        session,
        "Ingrown nail left great toe. Doc removed the medial nail border and then applied "
        "phenol to the matrix so that part won't grow back. I was going to bill 11730. Better?",
    )
    assert a.billed[0].code == "11750"
    assert a.corrections and a.corrections[0].startswith("Report 11750, not 11730")
