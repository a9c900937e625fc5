"""ICD-10-CM coding of what a question describes, by the Official Guidelines, on the
ICD-10-CM tabular that the product ships (simple-icd-10-cm)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from consultant.codes.knowledge import ensure_icd10, load_bundled
from consultant.drafting.answer import build_answer
from consultant.drafting.candidates import Selection
from consultant.drafting.diagnoses import add_indications, code_diagnoses
from consultant.matching.analyse import analyse
from consultant.rules.icd10_codes import description, excludes1_conflict

pytestmark = pytest.mark.icd10  # each database starts with ICD-10-CM loaded


@pytest.fixture
def icd_session(session: Session) -> Session:
    ensure_icd10(session)
    session.flush()
    return session


def _icd(session: Session, text: str) -> list[str]:
    answer = build_answer(session, text)
    return [c.code for c in answer.billed if c.system == "ICD-10-CM"]


def test_diabetes_with_ckd_is_a_combination_code(icd_session: Session) -> None:
    """OCG I.A.15 and I.C.4.a: "with" presumes the link; the CKD stage is coded as well."""
    assert _icd(icd_session, "Type 2 diabetes and CKD stage 3a, what ICD-10 codes?") == [
        "E11.22",
        "N18.31",
    ]


def test_hypertension_with_heart_failure(icd_session: Session) -> None:
    """OCG I.C.9.a.1: hypertension with heart failure is I11.0 plus the I50 code."""
    assert _icd(icd_session, "HTN and CHF, what dx?") == ["I11.0", "I50.9"]


def test_ruled_out_condition_is_not_coded_outpatient(icd_session: Session) -> None:
    """OCG IV.H: "rule out" is not coded in the outpatient setting; the symptoms are."""
    answer = build_answer(icd_session, "Doc wrote rule out pneumonia, pt has cough and fever. Dx?")
    codes = [c.code for c in answer.billed if c.system == "ICD-10-CM"]
    assert codes == ["R05.9", "R50.9"]
    assert any("IV.H" in line for line in answer.advice)


def test_laterality_and_seventh_character(icd_session: Session) -> None:
    """OCG I.C.19.a: D for routine healing; the tabular says "lower end" for distal."""
    assert _icd(
        icd_session,
        "Fracture of the left distal radius, subsequent visit for routine healing. ICD-10?",
    ) == ["S52.502D"]


def test_the_askers_code_is_corrected(icd_session: Session) -> None:
    answer = build_answer(
        icd_session, "Is E11.9 right for type 2 diabetes with diabetic CKD stage 3b?"
    )
    assert answer.corrections[0].startswith("Report E11.22, N18.32, not E11.9")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # I.B.13: the side documented picks the code (the tabular's "Unilateral ... right knee").
        (
            "Primary OA of the right knee. we keep getting denials for M17.9. better code?",
            ["M17.11"],
        ),
        # I.C.19.a: a follow-up during routine healing is D; "L" is the left side.
        (
            "6 week f/u for the closed L Colles fx, healing normally. 7th character A still?",
            ["S52.532D"],
        ),
        # I.C.4.a.3: long-term insulin and oral hypoglycemic use, both.
        (
            "T2DM, no complications, on insulin AND metformin. Which Z79 codes?",
            ["E11.9", "Z79.4", "Z79.84"],
        ),
        # I.C.21.c: follow-up after completed cancer treatment first, the history after.
        (
            "colonoscopy for surveillance, pt had colon cancer resected 3 yrs ago, no current tx. dx?",
            ["Z08", "Z85.038"],
        ),
        # I.B.5: headache is part of migraine.
        (
            "Migraine with aura, not intractable. Doc also listed headache. Code R51.9 too?",
            ["G43.109"],
        ),
        # A condition "ruled out" before it is named is not coded, and its symptom is.
        ("Chest pain, ruled out MI. dx?", ["R07.9"]),
        # A clause that only specifies the one before: one title carries both.
        ("Patient presents with acute sinusitis, maxillary. Dx?", ["J01.00"]),
        # The order written is kept (a coded diagnosis is not listed again as a neighbour).
        ("Pt w/ hyperlipidemia and obesity. dx codes?", ["E78.5", "E66.9"]),
        # IV.H: a probable diagnosis is not coded outpatient; the symptom is.
        (
            "Office visit: dysuria, provider documented 'probable UTI'. Can we code N39.0?",
            ["R30.0"],
        ),
    ],
)
def test_diagnosis_questions_as_coders_ask_them(
    icd_session: Session, text: str, expected: list[str]
) -> None:
    assert _icd(icd_session, text) == expected


def test_excludes1_between_the_askers_codes_is_named(icd_session: Session) -> None:
    """Z87.891 Excludes1 current nicotine dependence: the reply says so."""
    answer = build_answer(
        icd_session,
        "Current cigarette smoker, 1 ppd. Provider also listed 'hx of tobacco use'. "
        "Code both F17.210 and Z87.891?",
    )
    assert [c.code for c in answer.billed if c.system == "ICD-10-CM"] == ["F17.210"]
    assert any("Excludes1" in line for line in answer.advice)


def test_a_described_condition_asked_for_codes_is_a_diagnosis_question(
    icd_session: Session,
) -> None:
    """Neither "dx" nor "ICD" written: conditions described and codes asked for, with no
    service named, are coded from ICD-10-CM; a service named keeps it a service question."""
    assert _icd(
        icd_session, "Patient with type 2 diabetes and diabetic CKD stage 3a, what codes?"
    ) == [
        "E11.22",
        "N18.31",
    ]
    assert (
        _icd(icd_session, "hypertension with heart failure and CKD stage 4, combination code?")[0]
        == "I13.0"
    )
    answer = build_answer(icd_session, "Patient with diabetes had a foot exam visit, what codes?")
    assert answer.analysis.question_type != "diagnosis"


def test_severe_sepsis_follows_the_infection(icd_session: Session) -> None:
    """I.C.1.d.4: R65.21 is never first; with the organism named the combination code
    (A41.02) leads, without one A41.9."""
    assert _icd(icd_session, "Sepsis due to MRSA with septic shock, sequencing?") == [
        "A41.02",
        "R65.21",
    ]
    assert _icd(icd_session, "Septic shock, what dx codes?") == ["A41.9", "R65.21"]


def test_an_organism_named_as_the_cause_is_coded_from_b95_b97(icd_session: Session) -> None:
    """A condition due to an organism without a combination code: the condition, then the
    organism as the cause of diseases classified elsewhere."""
    assert _icd(icd_session, "UTI due to E. coli, what icd codes") == ["N39.0", "B96.20"]


def test_bmi_is_coded_by_its_range_beside_a_weight_diagnosis(icd_session: Session) -> None:
    """I.B.14: the Z68 code holding the value, after the weight diagnosis it supports; a BMI
    alone is not coded."""
    assert _icd(icd_session, "Obese patient, BMI 33.4, what dx codes?") == ["E66.9", "Z68.33"]
    answer = build_answer(icd_session, "BMI 27, what dx code?")
    assert not answer.billed and any("I.B.14" in a for a in answer.advice)


@pytest.fixture
def bundled_session(session: Session) -> Session:
    load_bundled(session)
    session.flush()
    return session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # OCG I.C.21.c.11: a repeat contraceptive injection, and the first one.
        ("Depo-Provera 150 mg IM today, her repeat shot. J code and units?", ["Z30.42"]),
        ("Depo-Provera 150 mg IM, her first injection. J code and units?", ["Z30.013"]),
        # OCG I.C.21.c.2: a vaccine's encounter is for immunization, whatever was not asked.
        ("Medicare pt got Fluzone High-Dose today. Vaccine and admin codes?", ["Z23"]),
        # OCG I.C.21.c.5: a screening that became a polypectomy keeps Z12.11.
        ("Screening colonoscopy, snare polypectomy of one polyp. Which modifier?", ["Z12.11"]),
        # A diagnostic colonoscopy carries no screening code.
        ("Diagnostic colonoscopy with snare polypectomy for rectal bleeding. CPT?", []),
    ],
)
def test_a_preventive_service_carries_the_reason_for_the_encounter(
    bundled_session: Session, text: str, expected: list[str]
) -> None:
    assert _icd(bundled_session, text) == expected


def test_a_repeat_shot_is_not_repeated_falls(bundled_session: Session) -> None:
    """ "Repeat shot" names the occasion of an injection: the search's match on "repeat"
    (R29.6 Repeated falls) yields to the contraceptive-management code."""
    answer = build_answer(
        bundled_session,
        "Pt returns for her every-3-month Depo-Provera 150 mg IM. Which J code and how many "
        "units, and what dx do you use for a repeat shot vs the first one?",
    )
    icd10 = [c.code for c in answer.codes if c.system == "ICD-10-CM"]
    assert icd10[0] == "Z30.42" and "R29.6" not in icd10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The condition a drug was given for, beside the drug.
        ("Testosterone cypionate 200 mg IM for hypogonadism. J code and units?", ["E29.1"]),
        ("Pt has iron def anemia: Injectafer 750 mg IV over 20 min. Units for J1439?", ["D50.9"]),
        # A payer or a pronoun after "for" names no condition.
        ("Ondansetron 4 mg IV push for a Medicare pt. Units of J2405?", []),
        # "Knee pain" without a side is a category (M25.56), never reported incomplete.
        ("Kenalog 40 mg IM for knee pain. Units of J3301?", []),
    ],
)
def test_the_condition_a_drug_was_given_for(
    bundled_session: Session, text: str, expected: list[str]
) -> None:
    assert _icd(bundled_session, text) == expected


def test_a_link_the_record_does_not_state_is_presumed_not_negated(icd_session: Session) -> None:
    """I.A.15 and I.C.9.a: "the doctor didn't write that the CKD is due to the diabetes"
    neither negates the CKD nor breaks the presumed links."""
    assert _icd(
        icd_session,
        "Pt w/ type 2 DM, CKD stage 3a, and HTN. Doc didn't write that the CKD is due to the "
        "diabetes or the HTN. What codes?",
    ) == ["E11.22", "I12.9", "N18.31"]
    assert _icd(icd_session, "HTN and chronic HFpEF, not documented as related. Dx?") == [
        "I11.0",
        "I50.32",
    ]


def test_insulin_by_brand_and_the_chemotherapy_encounter(icd_session: Session) -> None:
    """I.C.4.a.3: insulin and an oral drug together are Z79.4 and Z79.84; I.C.2.e.2: an
    encounter for chemotherapy is Z51.11 first."""
    assert _icd(icd_session, "T2DM no complications, on Lantus and metformin, dx codes?") == [
        "E11.9",
        "Z79.4",
        "Z79.84",
    ]
    assert (
        _icd(icd_session, "Cycle 3 of adjuvant chemo for breast cancer, dx order?")[0] == "Z51.11"
    )


# (question, the ICD-10-CM codes in order). One test runs them all on one loaded tabular:
# loading it is most of the cost of a case, on each database.
SITE_SIDE_SEX_AND_CERTAINTY = [
    # The procedure names the organ: a polyp found at a colonoscopy is a polyp of the
    # colon, not one of the uterus that shares the name (I.C.21.c.5: screening first).
    (
        "Avg risk screening colonoscopy, found a polyp and removed it. Which dx goes first?",
        ["Z12.11", "K63.5"],
    ),
    ("Diagnostic colonoscopy, a polyp was found. ICD-10?", ["K63.5"]),
    # I.B.13 with the tabular's split by sex: "R" is the right side, "female" picks C50.91-.
    (
        "Pt here for cycle 3 of adjuvant chemo, R breast CA (female), site within breast "
        "not specified. Dx order?",
        ["Z51.11", "C50.911"],
    ),
    (
        "62 yo woman, chemo today for lt breast cancer, dx codes in order?",
        ["Z51.11", "C50.912"],
    ),
    # The screening mammogram's title adds what it screens for; CAD is computer-aided
    # detection there, not coronary artery disease.
    ("Screening mammogram, bilateral, 2D with CAD. ICD-10?", ["Z12.31"]),
    # The Index default for morbid obesity is E66.01; E66.2 needs the hypoventilation.
    ("Morbid obesity, BMI 42. dx codes?", ["E66.01", "Z68.41"]),
    ("Morbid obesity with alveolar hypoventilation. dx?", ["E66.2"]),
    # I.C.1.g.1.a: probable COVID-19 is not coded outpatient; the pneumonia found is.
    ("Outpatient visit: probable COVID with pneumonia, test pending. Dx?", ["J18.9"]),
    ("Cough and fever, suspected COVID, rapid test pending. ICD-10?", ["R05.9", "R50.9"]),
    # Confirmed COVID-19 is first, its pneumonia J12.82 (the note: code first U07.1).
    ("COVID-19 confirmed by PCR, with pneumonia. ICD-10 codes?", ["U07.1", "J12.82"]),
    ("Pt has pneumonia due to covid, positive PCR. dx codes?", ["U07.1", "J12.82"]),
    # The part of the colon no title names: the organ's title, after the screening.
    (
        "Screening colonoscopy. Polyp found in sigmoid, snared. Path pending. dx order?",
        ["Z12.11", "K63.5"],
    ),
    # I.B.13: bilateral stays bilateral when one side is treated today.
    (
        "Pt has primary OA of both knees but today only got the L knee injected. "
        "Should dx be M17.12 left since that's the side we treated?",
        ["M17.0"],
    ),
    # I.C.19.a: the ER reduced it; the orthopaedic follow-up is routine healing.
    (
        "Ortho f/u visit 2 wks after ER reduced & casted pt's L Colles fracture (closed). "
        "Xray shows healing normally, cast maintained. S52.532A?",
        ["S52.532D"],
    ),
    # A lower-limb ulcer not called a pressure ulcer is non-pressure (L97), linked to
    # diabetes (E11.621); the severity clause completes it.
    (
        "Type 2 DM with diabetic foot ulcer of the left heel, limited to breakdown of "
        "skin. dx codes?",
        ["E11.621", "L97.421"],
    ),
]


def test_site_side_sex_and_certainty_decide_the_code(icd_session: Session) -> None:
    wrong = [
        (text, got, expected)
        for text, expected in SITE_SIDE_SEX_AND_CERTAINTY
        if (got := _icd(icd_session, text)) != expected
    ]
    assert wrong == []


def test_a_screening_mammogram_is_not_a_confident_heart_diagnosis(icd_session: Session) -> None:
    """An encounter title carried with words it adds is not an exact match: below 0.9."""
    answer = build_answer(icd_session, "Screening mammogram, bilateral, 2D with CAD. ICD-10?")
    assert "I25.10" not in [c.code for c in answer.codes]
    assert answer.confidence < 0.9


def _indications(text: str, code: str, system: str) -> list[str]:
    selection = Selection([], [(code, 0.9)], [], {code: system})
    add_indications(analyse(text), selection)
    return [c for c, _ in selection.services if selection.system_of[c] == "ICD-10-CM"]


def test_a_procedure_carries_the_condition_stated_for_it() -> None:
    """The wart treated is coded beside its destruction, as precisely as the question says
    it ("common warts": B07.8, not B07.9); a title that adds a site never said is not, and
    a service that treats nothing (a visit) carries none."""
    text = (
        "Pt est, came in for warts on both hands, provider froze 6 common warts w/ liquid "
        "nitrogen. Which destruction code and how many units?"
    )
    assert _indications(text, "17110", "CPT") == ["B07.8"]
    assert _indications(text, "99213", "CPT") == []
    assert (
        _indications("Removed 12 skin tags from neck for skin tags. Codes?", "11200", "CPT") == []
    )


def test_a_past_stroke_with_a_deficit_is_its_sequela_not_the_askers_codes() -> None:
    a = analyse(
        "Pt had a stroke in 2021 and still has right sided hemiparesis; she is right handed. "
        "Seen for follow up. Do we code I63.9 or Z86.73?"
    )
    coded = code_diagnoses(None, a)  # type: ignore[arg-type]
    assert coded.codes == ["I69.351"]


def test_the_side_the_record_gives_replaces_an_unspecified_side() -> None:
    """I.B.13: 'adenocarcinoma of the R upper lobe' is C34.11, not C34.10."""
    from consultant.drafting.diagnoses import _side_named

    assert _side_named("C34.10", "right") == "C34.11"
    assert _side_named("C34.10", "left") == "C34.12"
    assert _side_named("C34.11", "left") == "C34.11"  # a side already named stays
    assert _side_named("I10", "right") == "I10"


def test_the_askers_diagnosis_on_the_other_side_is_corrected() -> None:
    """A cyst of the LEFT wrist billed 20612-LT with M67.431 (right wrist): M67.432."""
    from consultant.drafting.candidates import Selection
    from consultant.drafting.diagnoses import side_corrections

    text = "Aspirated a ganglion cyst of the LEFT wrist. 20612-LT with dx M67.431 rejected. Why?"
    selection = Selection(["20612", "M67.431"], [("20612", 1.0), ("M67.431", 1.0)], [], {})
    said = side_corrections(analyse(text), selection)
    assert said and said[0].startswith("Report M67.432, not M67.431")
    assert [c for c, _ in selection.services] == ["20612", "M67.432"]
    kept = Selection([], [("M67.432", 1.0)], [], {})
    assert side_corrections(analyse("LEFT wrist ganglion, dx M67.432 ok?"), kept) == []


def test_status_and_causes_follow_the_condition() -> None:
    """An incidental pregnancy (Z33.1, I.C.15.a.1) and dialysis status (Z99.2) are listed
    after the condition the visit was for; external causes are never first (I.C.20)."""
    from consultant.rules.icd10 import _Entry, _status_after

    coded = [_Entry("Z33.1", "", False), _Entry("S63.501A", "", False)]
    assert [e.code for e in _status_after(coded, [])] == ["S63.501A", "Z33.1"]
    coded = [_Entry("W01.0XXA", "", False), _Entry("Z99.2", "", False), _Entry("I12.0", "", False)]
    assert [e.code for e in _status_after(coded, [])] == ["I12.0", "W01.0XXA", "Z99.2"]
    alone = [_Entry("Z33.1", "", False)]
    assert _status_after(alone, []) == alone


def test_urgent_care_is_the_setting_and_an_initial_encounter() -> None:
    """'UC visit' is urgent care: no ulcerative colitis, and an injury seen there is an
    initial encounter (7th character A); slipping on ice is a fall due to ice (W00.0), not
    the term index's exposure to a blizzard for the word "ice"."""
    text = "UC visit: slipped on ice, R wrist sprain, xray neg for fx. Dx?"
    coded = code_diagnoses(None, analyse(text))  # type: ignore[arg-type]
    assert coded.codes == ["S63.501A", "W00.0XXA"]


def test_an_unspecified_code_beside_its_specific_one_is_not_coded() -> None:
    """'obesity, class 2': E66.812 alone (with the BMI), not E66.9 as well (I.B.18)."""
    from consultant.rules.icd10 import _Entry, _specific_over_unspecified

    coded = [_Entry("E66.9", "", False), _Entry("E66.812", "", False), _Entry("Z68.37", "", False)]
    assert [e.code for e in _specific_over_unspecified(coded, [])] == ["E66.812", "Z68.37"]
    alone = [_Entry("E66.9", "", False), _Entry("Z68.37", "", False)]
    assert _specific_over_unspecified(alone, []) == alone


def test_a_correction_of_the_askers_diagnoses_says_why(session: Session) -> None:
    """No "see the guideline below" without a guideline: the reason is in the sentence."""
    a = build_answer(
        session,
        "Dx is primary osteoarthritis of both knees. Do I report M17.11 and M17.12 together?",
    )
    assert a.corrections[0].startswith(
        "Report M17.0, not M17.11, M17.12: M17.0 is the condition on both sides"
    )


def test_the_course_of_a_condition_is_not_a_condition() -> None:
    """'Hypertension - stable' is hypertension (with CHF and CKD: I13.0, I.C.9.a.3); 'A/P
    reads' is no reading disorder."""
    text = (
        "A/P reads: 1. Chronic diastolic CHF, euvolemic - cont torsemide 2. Hypertension - "
        "stable on current regimen 3. CKD stage 4. What dx string?"
    )
    assert code_diagnoses(None, analyse(text)).codes == ["I13.0", "I50.32", "N18.4"]  # type: ignore[arg-type]


def test_a_visit_code_asked_is_a_service_question() -> None:
    """'Which subsequent hospital code?' over a note that names pneumonia asks for the visit."""
    text = "hospital day 3 rounding: pneumonia improving on IV antibiotics. which subsequent hospital code?"
    assert analyse(text).question_type != "diagnosis"


def test_a_fracture_not_healing_takes_its_own_seventh_character() -> None:
    """A displaced fracture of the L 5th metatarsal seen for delayed union: S92.352G (7th
    character G, delayed healing), not D; 'L 5th' is the left side, '5th' the fifth; a bone
    stimulator discussed is no complication of one (T84.310)."""
    text = (
        "Ortho f/u 10 wks after a displaced Jones fx L 5th metatarsal (closed, boot). Xray: "
        "delayed union. Discussed bone stimulator. S92.352D?"
    )
    assert code_diagnoses(None, analyse(text)).codes == ["S92.352G"]  # type: ignore[arg-type]
    nonunion = "Nonunion of displaced fx of the L 5th metatarsal, f/u visit. Dx?"
    assert code_diagnoses(None, analyse(nonunion)).codes == ["S92.352K"]  # type: ignore[arg-type]


def test_a_graft_planned_is_no_complication_of_one() -> None:
    """A bone graft the surgeon plans is no complication of transplanted tissue (T86.8-); a
    fall while skateboarding is the skateboard's code, D at a nonunion's visit."""
    text = (
        "Pt fell skateboarding 6 months ago, displaced fx of the L 5th metatarsal, now a "
        "nonunion on CT; surgeon discussing ORIF with bone graft. Dx?"
    )
    codes = code_diagnoses(None, analyse(text)).codes  # type: ignore[arg-type]
    assert codes == ["S92.352K", "V00.131D"]


def test_the_preoperative_reason_leads_the_conditions() -> None:
    text = "PCP did a pre-op H&P for a R TKA. Primary OA R knee, HTN on amlodipine. Dx order?"
    assert code_diagnoses(None, analyse(text)).codes[:2] == ["Z01.818", "M17.11"]  # type: ignore[arg-type]


def _dx(text: str) -> list[str]:
    return code_diagnoses(None, analyse(text)).codes  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Metastases are the secondary neoplasm of the organ they are in (C77-C79).
        ("Lung cancer with brain mets. ICD-10?", ["C34.90", "C79.31"]),
        ("Metastatic prostate ca to the liver, dx codes?", ["C61", "C78.7"]),
        ("Colon ca with mets to liver. ICD-10?", ["C18.9", "C78.7"]),
        # "Not specified as primary or secondary" is not a secondary neoplasm.
        ("Liver cancer, what ICD-10?", ["C22.9"]),
        ("Liver metastases, what ICD-10?", ["C78.7"]),
        # "Unspecified part of" is the default for an organ named without its part.
        ("Stomach cancer dx code?", ["C16.9"]),
    ],
)
def test_neoplasms_primary_and_secondary(text: str, expected: list[str]) -> None:
    assert _dx(text) == expected


def test_a_primary_excised_and_treated_is_history_beside_current_metastases() -> None:
    """I.C.2.d: a primary excised, its treatment finished, no evidence of it: Z85, while the
    metastases found now are current and first; chemotherapy finished or only planned is not
    an encounter for chemotherapy (Z51.11), nor a follow-up after completed treatment (Z08)."""
    text = (
        "Pt had sigmoid colon adenocarcinoma, resected 2022, finished adjuvant chemo 2023, "
        "surveillance scopes clear, no recurrence. Now biopsy-proven liver mets from the colon "
        "primary, here to plan chemo. I was going to code C18.7 then C78.7. Right order?"
    )
    coded = code_diagnoses(None, analyse(text))  # type: ignore[arg-type]
    assert coded.codes == ["C78.7", "Z85.038"]
    assert any("I.C.2.d" in line for line in coded.worked)


def test_a_pregnant_patients_hypertension_and_weeks() -> None:
    text = (
        "Routine OB visit, 30w2d, G2P1. Pt has chronic essential HTN from before the pregnancy, "
        "on labetalol. Biller coded Z34.83, I10, Z3A.30. What's correct?"
    )
    assert _dx(text) == ["O10.013", "Z3A.30"]


def test_a_category_in_the_plural_is_no_code_and_drafting_goes_on(icd_session: Session) -> None:
    """ "Which Z79s?" once became the code Z79.S, which the tabular list does not hold, and
    the Excludes1 check between the asker's codes raised instead of drafting."""
    text = "Pt on Ozempic and metformin for type 2 diabetes. Which Z79s? Just Z79.4?"
    assert "Z79S" not in analyse(text).icd_codes
    assert excludes1_conflict("Z79.S", "Z79.4") is None
    assert build_answer(icd_session, text).codes


def test_an_icd_code_that_does_not_exist_is_said_to_be_unknown(icd_session: Session) -> None:
    """An asker's mistyped code (E11.99) once raised out of drafting; it is corrected, and
    the reply says it is no ICD-10-CM code."""
    answer = build_answer(
        icd_session, "Can I bill E11.99 and I10.1 for a type 2 diabetic with hypertension?"
    )
    assert [c.code for c in answer.billed] == ["E11.9", "I10"]
    assert "E11.99, I10.1 are not in ICD-10-CM" in answer.corrections[0]


def test_a_cancer_excised_with_no_treatment_since_is_surveillance_of_history() -> None:
    """I.C.2.d and I.C.21.c.4: prostatectomy in 2019, nothing since, PSA undetectable: the
    surveillance visit is Z08 with Z85.46, not C61, whatever the problem list says."""
    text = (
        "Urology: radical prostatectomy 2019 for prostate adenoca, no further treatment since, "
        "PSA undetectable. Seen today for annual surveillance. Dr's dx says 'prostate cancer'. "
        "I'm coding C61. ok?"
    )
    assert _dx(text) == ["Z08", "Z85.46"]


def test_a_seventh_character_code_on_the_wrong_side_is_corrected(icd_session: Session) -> None:
    """S83.241A is the right knee; the record says LEFT: S83.242A, the side sits in the sixth
    character and the seventh is kept."""
    answer = build_answer(
        icd_session,
        "MRI: oblique tear of posterior horn of medial meniscus, LEFT knee, twisted it playing "
        "soccer 2 wks ago. Superbill has S83.241A - fine right?",
    )
    assert any(c.startswith("Report S83.242A, not S83.241A") for c in answer.corrections)


def test_a_healed_injurys_residual_first_then_the_injury_as_sequela() -> None:
    """I.B.10 and I.C.19.a: a keloid from a laceration two years ago is treated: the keloid
    first, the laceration with 7th character S (not A) after it."""
    text = (
        "Keloid on L forearm from a laceration about 2 yrs ago, pt here for intralesional "
        "kenalog. What dx codes and what order? Is it S51.812A since the lac is the cause?"
    )
    assert _dx(text) == ["L91.0", "S51.812S"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The Index: diabetes poorly controlled is diabetes with hyperglycemia.
        (
            "T2DM pt, A1c 9.4, doc says 'DM2, poorly controlled'. Meds: Lantus 30u qhs, "
            "metformin 1000 bid, Ozempic 1 mg weekly. ICD-10 codes, which Z79s?",
            ["E11.65", "Z79.4", "Z79.84", "Z79.85"],
        ),
        # I.C.15.g: gestational diabetes on insulin and diet is the insulin code, no Z79.4.
        (
            "OB pt 30w2d, gestational diabetes. Was diet controlled, started insulin at last "
            "visit, still on the diet too. Biller put O24.410, O24.414, Z79.4, Z3A.30. Too many?",
            ["O24.414", "Z3A.30"],
        ),
        # A temperature written beside its symptom is the symptom's value, not its words.
        (
            "A/P: acute cough x5d, fever 101.4 in clinic. Probable CAP, CXR pending. Dx codes?",
            ["R05.1", "R50.9"],
        ),
    ],
)
def test_index_and_chapter_rules_for_control_and_values(text: str, expected: list[str]) -> None:
    assert _dx(text) == expected


def test_an_acute_kidney_injury_is_acute_kidney_failure_not_an_injury_of_the_kidney() -> None:
    """The Index: Injury, kidney, acute (nontraumatic) -> N17.9; S37.0- is trauma."""
    assert _dx("Admitted w/ AKI, creat 2.9 from baseline 1.0. ICD-10?") == ["N17.9"]
    assert _dx("acute kidney injury after the CT contrast? dx code")[:1] == ["N17.9"]


def test_sepsis_due_to_an_organisms_local_infection_codes_the_organism_twice() -> None:
    """ "Sepsis due to E. coli pyelo/UTI": the organism's sepsis first (A41.51), severe sepsis
    after it (R65.20), then the local infection; a culture growing the organism is no
    intestinal infection of its own (A04.4)."""
    codes = _dx(
        "ED impression: severe sepsis due to E. coli UTI, urine cx growing E coli. "
        "AKI, lactate 3.4. ICD-10 codes and order?"
    )
    assert codes[:3] == ["A41.51", "R65.20", "N39.0"]
    assert "N17.9" in codes and not [c for c in codes if c.startswith(("A04", "S37"))]


def test_urosepsis_has_no_code_and_is_queried() -> None:
    """I.C.1.d.1.a.ii: a nonspecific term without a default code."""
    coded = code_diagnoses(None, analyse("Triage wrote urosepsis. What dx code?"))  # type: ignore[arg-type]
    assert coded.codes == []
    assert any("Urosepsis is not coded" in n for n in coded.not_coded)


def test_urinary_symptoms_are_part_of_the_urinary_infection() -> None:
    """I.B.5: dysuria, frequency and urgency are routine with a UTI; "urgency" among them is
    urinary (R39.15), never a hypertensive urgency (I16.0)."""
    codes = _dx("Pt w/ frequency, urgency, dysuria. Dx UTI due to E coli. ICD-10 codes?")
    assert codes == ["N39.0", "B96.20"]
    assert _dx("BP 210/118, hypertensive urgency, no end organ damage. ICD-10?") == ["I16.0"]


def test_an_inr_check_is_drug_level_monitoring_with_the_long_term_drug() -> None:
    """Z51.81 first for an INR check of a patient on warfarin, with Z79.01 (its "use
    additional code" note) and the condition treated; "a-fib" is atrial fibrillation."""
    codes = _dx("Coumadin clinic: INR 3.1 today for his chronic a-fib, dose held x1. Dx codes?")
    assert codes[0] == "Z51.81" and set(codes[1:]) == {"Z79.01", "I48.20"}
    assert _dx("Pt w/ persistent a fib, ICD-10?") == ["I48.19"]


def test_an_animal_bite_is_an_open_bite_and_uc_is_urgent_care() -> None:
    """A dog's bite is an open bite of the site (S61.45-), not a second puncture code; "UC:"
    heading a note is urgent care (an initial encounter), not ulcerative colitis; "left
    open" is no side."""
    codes = _dx(
        "UC: cat bit her L index finger, two puncture wounds, irrigated and left open. Dx codes?"
    )
    assert codes[0].startswith("S61.2") and codes[0].endswith("A")
    assert "Open bite" in description(codes[0])
    assert not [c for c in codes if c.startswith(("K51", "S61.23"))]
    assert "W55.01XA" in codes


def test_a_condition_treated_as_but_not_established_is_not_coded_outpatient() -> None:
    """IV.H: "likely GERD vs gastritis", "treating it as GERD" are not established; the
    symptom is coded (R10.13)."""
    text = (
        "Office: 'epigastric pain; probable GERD vs gastritis, trial of PPI.' Doc says he is "
        "treating it as GERD, so K21.9? ICD-10?"
    )
    assert _dx(text) == ["R10.13"]


def test_one_code_per_substance_and_family_history_is_not_the_patients() -> None:
    """I.C.5.b.1: abuse and dependence of one substance documented, dependence alone. A
    family history (FHx) is never the patient's current cancer, and the patient's own
    history is no family history (Z80-Z84)."""
    assert _dx("H&P: alcohol abuse and alcohol dependence. ICD-10?") == ["F10.20"]
    assert _dx("ETOH abuse, cannabis use. Dx codes?") == ["F10.10", "F12.90"]
    codes = _dx("FHx colon cancer, screening colonoscopy today. ICD-10?")
    assert codes[0] == "Z12.11" and not [c for c in codes if c.startswith("C")]
    assert not [c for c in _dx("Hx of alcohol abuse, sober 5 yrs. Dx?") if c.startswith("Z81")]


def test_hypertension_with_a_reading_and_staged_ckd_is_the_combination() -> None:
    """I.C.9.a.2: hypertension with CKD is presumed linked (I12.-), with the stage coded from
    N18; a reading written beside either does not hide it."""
    codes = _dx("Assessment: HTN - 138/84 today. CKD stage 3b - eGFR 38. ICD-10?")
    assert codes[:2] == ["I12.9", "N18.32"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acute calculous cholecystitis, US shows multiple gallstones. ICD-10?", ["K80.00"]),
        ("Chronic cholecystitis; gallstones seen on ultrasound. Dx?", ["K80.10"]),
        ("Gallstones with cholecystitis. Dx code?", ["K80.10"]),
        ("Acute on chronic cholecystitis, cholelithiasis with obstruction. Dx?", ["K80.13"]),
        ("Symptomatic cholelithiasis with obstruction, no cholecystitis. Dx?", ["K80.21"]),
        ("Gallstone ileus. ICD-10?", ["K56.3"]),
    ],
)
def test_gallstones_with_cholecystitis_are_one_combination_code(
    text: str, expected: list[str]
) -> None:
    """Index: Cholelithiasis, see Calculus, gallbladder (K80.2-); with cholecystitis the
    combination K80.0- (acute), K80.1- (chronic, acute on chronic, unspecified); neither
    K81.- nor K80.2- beside it (I.B.9). "Without cholecystitis without obstruction" denies
    the obstruction as well."""
    assert _dx(text) == expected


def test_withdrawal_joins_the_dependence_of_its_substance() -> None:
    """I.C.5.b.1: one code per substance, dependence over abuse; the withdrawal the note
    documents is the dependence's complication (F10.23-), uncomplicated when delirium and
    hallucinations are ruled out; tremor and anxiety are the withdrawal's own signs (I.B.5).
    A history of abuse is abuse in remission, never a child's abuse (Z62.81-)."""
    text = (
        "H&P: Hx EtOH abuse. Drinks daily, meets criteria for alcohol dependence. Now w/ "
        "withdrawal sx - tremor, anxiety. No hallucinations, no DTs. ICD-10?"
    )
    assert _dx(text) == ["F10.230"]
    assert _dx("Alcohol dependence, now in withdrawal. Dx?") == ["F10.239"]
    assert _dx("Hx of alcohol abuse, sober 5 yrs. Dx?") == ["F10.11"]


def test_glaucoma_with_a_stage_for_each_eye_is_a_code_for_each_eye() -> None:
    """I.C.7.a.3: not the bilateral code the asker proposes."""
    text = "POAG both eyes, mild stage OD, moderate stage OS. Bilateral code H40.1132 or each eye?"
    assert _dx(text) == ["H40.1111", "H40.1122"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HTN, uncontrolled - pt taking lisinopril QOD d/t cost, can't afford refills. Dx?",
            ["I10", "T46.4X6A", "Z91.120"],
        ),
        (
            "Pt with dementia forgot to take his metoprolol for a week; AFib with RVR. Dx?",
            ["I48.91", "T44.7X6A", "Z91.130"],
        ),
    ],
)
def test_an_underdosing_says_why_with_the_noncompliance_code(
    text: str, expected: list[str]
) -> None:
    """I.C.19.e.5.c: the condition first, the underdosing code (sixth character 6), then the
    noncompliance code for the intent when the record gives it (Z91.12-, Z91.13-)."""
    codes = _dx(text)
    assert [c for c in codes if c in expected] == expected


def test_pressure_ulcers_staged_by_description_at_a_wound_clinic() -> None:
    """I.C.12.a: a stage described is that stage, eschar is unstageable; the wound clinic is
    where, not a wound."""
    text = (
        "Outpatient wound clinic. MD note: 'sacral pressure ulcer, full thickness, subQ fat "
        "visible, no bone exposed' and 'L heel ulcer covered w/ eschar, unable to stage'. Codes?"
    )
    assert _dx(text) == ["L89.153", "L89.620"]


def test_the_scaphoid_unqualified_is_the_wrists() -> None:
    """Index: Fracture, carpal, navicular [scaphoid]; its waist is the middle third (S62.02-);
    the foot's navicular is said so (S92.25-)."""
    text = "Displaced fx R scaphoid waist 5 months ago, CT today shows nonunion. Dx?"
    assert _dx(text) == ["S62.021K"]
    assert _dx("Scaphoid fracture of the right foot, initial. Dx?") == ["S92.251A"]


def test_a_symptom_makes_an_ordered_screening_diagnostic_on_the_side_written() -> None:
    """I.C.21.c.5: a screening is for a patient with no sign or symptom. The lump's quadrant,
    in a clause of its own, qualifies it; the side written completes the code even when the
    clause carries other words (N63.22 left, not N63.12 right)."""
    text = (
        "Order says screening mammogram bilat but the intake sheet says pt felt a lump in L "
        "breast, upper inner quadrant. Radiologist did it as diagnostic. Z12.31?"
    )
    analysis = analyse(text)
    coded = code_diagnoses(None, analysis)  # type: ignore[arg-type]
    assert coded.codes == ["N63.22"]
    assert any("I.C.21.c.5" in w for w in coded.worked)


def test_a_screening_done_as_diagnostic_is_coded_by_the_sign_once() -> None:
    """I.C.21.c.5: ordered as a screening, converted to a diagnostic exam for the lump the
    patient came with: the lump, no Z12.31; "the lump second" in the question is the same
    lump, not another."""
    text = (
        "Order was for a screening mammo, but at check-in the pt said she's been feeling a "
        "lump in her R breast, upper outer area, for 2 wks. Radiologist converted to "
        "diagnostic mammo. Do we use Z12.31 first and the lump second?"
    )
    assert _dx(text) == ["N63.11"]


def test_concerns_and_observed_behaviour_are_not_diagnoses() -> None:
    """IV.H: "social communication concerns ... r/o autism" is uncertain; poor eye contact is
    a behaviour, not an eye disease; "behavioral health" is the specialty, not a screening."""
    text = (
        "Peds behavioral health question. A/P: 1) ADHD, combined presentation - start "
        "methylphenidate. 2) social communication concerns, poor eye contact - r/o autism "
        "spectrum disorder. Is F84.0 ok?"
    )
    assert _dx(text) == ["F90.2"]


def test_a_service_question_carries_the_diagnosis_it_states(icd_session: Session) -> None:
    """A visit's question that states the diagnosis ("Dx acute cystitis w/o hematuria") gets
    it coded beside the visit; narrative words elsewhere ("burning on urination") are not
    read as more diagnoses."""
    load_bundled(icd_session)
    icd_session.flush()
    answer = build_answer(
        icd_session,
        "Est pt w/ burning on urination x2 days. Doc sent a UA and urine culture, prescribed "
        "nitrofurantoin. Dx acute cystitis w/o hematuria. 99213 right?",
    )
    dx = [c.code for c in answer.billed if c.system == "ICD-10-CM"]
    assert dx == ["N30.00"]


def test_a_site_with_nothing_that_hurt_it_is_no_injury() -> None:
    """ "A 9 mm polyp in the transverse colon": the site matched S36.501 (injury of the
    transverse colon) when no injury is described anywhere in the question."""
    text = "Screening colonoscopy: the GI found a 9 mm polyp in the transverse colon. Dx?"
    coded = code_diagnoses(None, analyse(text))  # type: ignore[arg-type]
    assert not [c for c in coded.codes if c.startswith("S")]
    assert not [a for a in coded.advice if "S36" in a]  # nor asked to be completed
    fall = "ER visit: left wrist fracture after a fall, initial. Dx code?"
    assert any(c.startswith("S62") for c in _dx(fall))


def test_an_organ_named_for_a_drug_is_no_condition_of_it() -> None:
    """ "Lupron ... for prostate ca": the cancer, C61; the organ alone once matched benign
    prostatic hyperplasia (N40.0), and "ca" first is calcium, not a cancer."""
    lupron = "Lupron Depot 22.5 mg IM every 3 months for prostate ca. Billing 96402 + J9217."
    assert _indications(lupron, "J9217", "HCPCS") == ["C61"]
    cancer = "Lupron Depot 22.5 mg IM every 3 months for prostate cancer. 96402 + J9217?"
    assert _indications(cancer, "J9217", "HCPCS") == ["C61"]
    # "For acute low back pain" is no title's whole; cut to "acute" it named R52.
    assert _indications("Ketorolac 60 mg IM for acute low back pain", "J1885", "HCPCS") == []
    assert _indications("Injection for the knee today, kenalog 40 mg.", "J3301", "HCPCS") == []
    assert _indications("Given for Ca supplementation: calcium gluconate", "J0610", "HCPCS") == []


def _stated(text: str, code: str, system: str) -> list[str]:
    from consultant.drafting.diagnoses import add_stated_diagnoses

    selection = Selection([], [(code, 0.9)], [], {code: system})
    add_stated_diagnoses(analyse(text), selection)
    return [c for c, _ in selection.services if selection.system_of[c] == "ICD-10-CM"]


def test_a_service_question_codes_a_condition_a_sentence_names_outright() -> None:
    """No "Dx" line: the condition a sentence names whole is coded for the claim ("pt w/
    prostate ca on ADT": C61; renal colic: N23), never a sign, an injury, a code without a
    site, nor an abbreviation read in its other sense ("UC w/ IV capability": urgent care)."""
    urology = "Urology office. Pt w/ prostate ca on ADT gets Lupron Depot 22.5 mg IM q3 months."
    assert _stated(urology, "96402", "CPT") == ["C61"]
    colic = "UC w/ IV capability. pt w/ renal colic, ketorolac 30 mg IV push. Codes?"
    assert _stated(colic, "96374", "CPT") == ["N23"]
    assert _stated("Pt with knee pain, injected the joint. Code?", "20610", "CPT") == []
    assert _stated("Sports med injected the knee (OA) with steroid.", "20610", "CPT") == []


def test_a_sentence_codes_each_condition_it_names_exactly_doses_aside() -> None:
    """ "B12 1000 mcg IM (pernicious anemia) and ketorolac 60 mg IM for acute low back pain":
    the dose and route are no words of a condition, and the anemia a title says exactly is
    coded though the back pain ("acute" is no word of M54.50's title) is not."""
    text = (
        "Pt got B12 1000 mcg IM (pernicious anemia) and ketorolac 60 mg IM for acute low back "
        "pain at the same visit. We billed 96372 x1, J3420 x1, J1885 x1. Right?"
    )
    assert _stated(text, "96372", "CPT") == ["D51.0"]


def test_a_flare_of_an_airway_disease_is_its_exacerbation() -> None:
    """The index has no "flare": a COPD or asthma flare is the disease with (acute)
    exacerbation (J44.1, J45.901)."""
    assert _dx("COPD flare with increased sputum. Dx code?")[:1] == ["J44.1"]
    assert _dx("Asthma flare-up in a 30 yo. ICD-10?")[:1] == ["J45.901"]


def test_clinicians_abbreviations_for_common_conditions() -> None:
    """ "MDD recurrent, moderate" is F33.1 (it had matched through another title's words,
    too loosely to code beside a service); GAD, AKI and TIA as the tabular words them."""
    assert _dx("MDD recurrent, moderate. ICD-10?") == ["F33.1"]
    assert _dx("GAD. Dx code?") == ["F41.1"]
    assert _dx("AKI on labs. Dx code?") == ["N17.9"]
    text = "Psych med management, MDD recurrent moderate, sertraline increased. 99214 ok?"
    assert _stated(text, "99214", "CPT") == ["F33.1"]


def test_a_pasted_office_note_codes_its_assessment_not_its_headings() -> None:
    """A progress note pasted whole: "No other concerns today" names no migraine (G43.809,
    "Other migraine"), "Procedure: ... removed" no complication of a procedure (T81.9), and
    "Office (POS 11)" is the office, where a doubt is not coded as if established."""
    note = (
        "Est pt. Office (POS 11). CC: both ears feel plugged. HPI: no ear pain, no fever. "
        "No other concerns today. Procedure: impacted cerumen removed from R and L EAC w/ "
        "curette. Tolerated well. A/P: Impacted cerumen, bilateral - removed. And dx?"
    )
    assert _dx(note) == ["H61.23"]


def test_the_askers_code_for_an_uncertain_condition_is_corrected_with_the_reason(
    bundled_session: Session,
) -> None:
    """ "Possible strep pharyngitis, culture sent. J02.0?": outside the hospital the
    uncertain diagnosis is not coded (IV.H); the first line says so, not only which codes
    stand instead."""
    from consultant.drafting.answer import build_answer

    a = build_answer(
        bundled_session,
        'Clinic note: "sore throat 3 days, fever 100.9, possible strep pharyngitis, culture '
        'sent, start amoxicillin." Can we bill J02.0?',
    )
    first = a.corrections[0]
    assert "not J02.0" in first and "uncertain" in first and "IV.H" in first


def test_a_skin_carcinoma_is_coded_by_its_site(bundled_session: Session) -> None:
    """ "SCC of the upper back": the trunk's squamous cell code (C44.529), not the lip's."""
    from consultant.drafting.answer import build_answer

    a = build_answer(bundled_session, "ICD-10 for squamous cell carcinoma of the upper back?")
    assert [c.code for c in a.billed][:1] == ["C44.529"]
