"""The conditions a diagnosis question describes: one per clause, with certainty, side and
encounter; the asker's codes, durations and tests are not conditions."""

from __future__ import annotations

import pytest

from consultant.matching.analyse import analyse
from consultant.matching.findings import conditions


def phrases(text: str) -> dict[str, str]:
    return {c.phrase: c.certainty for c in conditions(text)}


def test_a_clause_keeps_its_with_and_drops_a_default_qualifier() -> None:
    found = conditions("Migraine with aura, not intractable. Doc also listed headache.")
    assert [c.phrase for c in found] == ["migraine aura", "headache"]
    assert found[0].parts == ("migraine", "aura")  # offered whole first, then in parts


def test_a_qualifying_clause_joins_the_condition_before_it() -> None:
    found = conditions("Chronic migraine without aura, intractable. ICD-10 code?")
    assert [c.phrase for c in found] == ["chronic migraine without aura intractable"]


def test_a_reading_beside_a_condition_or_its_qualifier_is_not_more_words() -> None:
    """A bare blood pressure ("HTN - 138/84") and a lab value ("stage 3b - eGFR 38") are the
    condition's readings: the stage still joins its CKD."""
    found = conditions("Assessment: HTN - 138/84 today. CKD stage 3b - eGFR 38. ICD-10?")
    assert [c.phrase for c in found] == ["hypertension", "chronic kidney disease stage 3b"]


def test_abbreviations_that_look_like_codes_stay_conditions() -> None:
    """'T2DM' is not an ICD-10-CM code; 'F17.210' is, and is the asker's proposal."""
    assert "type 2 diabetes" in phrases("T2DM, no complications documented. Dx code?")
    assert not any(
        "f17" in p or "210" in p for p in phrases("Smoker. Code both F17.210 and Z87.891?")
    )


@pytest.mark.parametrize(
    ("text", "phrase", "certainty"),
    [
        (
            "GERD without esophagitis, dx?",
            "gastro-esophageal reflux disease without esophagitis",
            "confirmed",
        ),
        ("GERD, no esophagitis. dx?", "esophagitis", "ruled out"),
        ("Cough, doc wrote 'r/o pneumonia'. dx?", "pneumonia", "uncertain"),
        ("Left calf pain, r/o DVT, duplex ordered", "deep vein thrombosis", "uncertain"),
        ("Dysuria, provider documented 'probable UTI'", "urinary tract infection", "uncertain"),
    ],
)
def test_certainty_follows_the_clauses_condition(text: str, phrase: str, certainty: str) -> None:
    assert phrases(text)[phrase] == certainty


def test_tests_and_durations_are_not_conditions() -> None:
    assert list(phrases("Cough and fever x3 days, CXR negative, urine sent for culture")) == [
        "cough",
        "fever",
    ]


@pytest.mark.parametrize(
    ("text", "encounter"),
    [
        ("6 week f/u for the closed L Colles fx, cast removed", "D"),
        ("ED, pt fell, closed Colles fracture of the L wrist, splinted", "A"),
    ],
)
def test_encounter_and_side_from_the_words(text: str, encounter: str) -> None:
    fracture = next(c for c in conditions(text) if "colles" in c.phrase)
    assert (fracture.side, fracture.encounter) == ("left", encounter)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("T2DM on insulin and metformin", "long term insulin"),
        ("T2DM on insulin and metformin", "long term oral hypoglycemic drugs"),
        ("Current smoker, 1 ppd", "nicotine dependence cigarettes"),
        ("Former smoker, quit 10 years ago", "personal history nicotine dependence"),
        ("ESRD on dialysis", "dependence renal dialysis"),
    ],
)
def test_status_phrases_in_the_tabulars_words(text: str, phrase: str) -> None:
    assert phrase in phrases(text)


def test_follow_up_after_completed_cancer_treatment() -> None:
    """OCG I.C.2.d and I.C.21.c.8: the follow-up examination first, then the history."""
    found = [
        c.phrase
        for c in conditions(
            "colonoscopy for surveillance, colon cancer resected 3 yrs ago, no current tx. dx?"
        )
    ]
    assert found[0].startswith("follow-up examination after completed treatment")
    assert "colon personal history malignant neoplasm" in found


@pytest.mark.parametrize(
    "text",
    [
        "T2DM, no complications, on insulin AND metformin. Which Z79 codes?",
        "6 week f/u, closed L Colles fx, healing normally. 7th character A still?",
        "pt with HTN, chronic diastolic HF and CKD stage 3b. how to code?",
        "Discharge summary says 'probable pneumonia'. Can the facility code it as pneumonia?",
    ],
)
def test_diagnosis_questions_without_the_word_diagnosis(text: str) -> None:
    assert analyse(text).question_type == "diagnosis"


def test_diagnosis_codes_without_the_dot_are_not_hcpcs() -> None:
    """'E1122' has the shape of a HCPCS code; beside 'E119' both are ICD-10-CM."""
    found = analyse("Provider picked E119 and E1122 for the same pt. OK to send both?")
    assert found.codes == ()
    assert set(found.icd_codes) == {"E119", "E1122"}


def test_ruled_out_before_the_condition() -> None:
    assert phrases("Chest pain, ruled out MI. dx?") == {
        "chest pain": "confirmed",
        "myocardial infarction": "ruled out",
    }


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Vitamin D deficiency, dx code?", "vitamin d deficiency"),  # one letter after vitamin
        ("Asthma, mild intermittent, uncomplicated. dx?", "asthma mild intermittent uncomplicated"),
        ("Sprained right ankle playing soccer, initial visit", "sprained ankle"),  # activity
    ],
)
def test_phrase_read_from_the_question(text: str, phrase: str) -> None:
    assert [c.phrase for c in conditions(text)] == [phrase]


def test_sex_sites_and_abbreviated_sides_are_read() -> None:
    found = conditions("Pt here for chemo, R breast CA (female). Dx order?")
    assert [c.phrase for c in found][:2] == [
        "antineoplastic chemotherapy",
        "breast malignant neoplasm",
    ]
    assert found[1].side == "right" and found[1].sex == "female"
    assert conditions("bilat knee OA, dx?")[0].side == "bilateral"
    polyp = conditions("Screening colonoscopy, found a polyp. Dx?")[-1]
    assert polyp.phrase == "polyp" and polyp.sites == ("colon",)


def test_a_pending_test_is_not_a_condition_and_doubt_stays_with_its_cause() -> None:
    assert phrases("Outpatient visit: probable COVID with pneumonia, test pending. Dx?") == {
        "covid-19": "uncertain",
        "pneumonia": "confirmed",
    }
    assert "atherosclerotic heart disease" not in phrases("Screening mammogram with CAD. Dx?")
    assert "atherosclerotic heart disease" in phrases("Pt with CAD and HTN. Dx?")


def test_a_denial_of_any_complaint_rules_nothing_out() -> None:
    """ "Average risk, no symptoms": nothing is named, so no condition is documented as ruled
    out (the reply once warned that "symptoms" was ruled out and not coded)."""
    found = phrases("Screening colonoscopy, average risk, no symptoms. Polyp removed.")
    assert "symptoms" not in found
    assert phrases("No chest pain. Cough x3 days.")["chest pain"] == "ruled out"


def test_a_doubt_governs_an_abbreviation_the_index_spells_out() -> None:
    """ "r/o NSTEMI": the clause reads "non-st elevation myocardial infarction" in the
    index's words while the scope said "nstemi"; the doubt was lost and the infarction coded."""
    found = phrases("A/P: unstable angina, r/o NSTEMI. Sent to the ED.")
    assert found["non-st elevation myocardial infarction"] == "uncertain"
    assert found["unstable angina"] == "confirmed"
    assert phrases("No DVT on the duplex.")["deep vein thrombosis"] == "ruled out"
