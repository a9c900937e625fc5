"""ICD-10-CM rules against the ICD-10-CM Official Guidelines for Coding and Reporting."""

from __future__ import annotations

import pytest

from consultant.rules.icd10 import (
    CareSetting,
    Certainty,
    Finding,
    certainty_of,
    code_findings,
)
from consultant.rules.icd10_codes import (
    Encounter,
    Side,
    complete,
    excludes1_conflict,
    history_of_neoplasm,
    with_dot,
)


def codes(*findings: Finding, setting: CareSetting = CareSetting.OUTPATIENT) -> list[str]:
    return [c.code for c in code_findings(findings, setting).codes]


@pytest.mark.parametrize(
    ("text", "certainty"),
    [
        ("probable pneumonia", Certainty.UNCERTAIN),
        ("suspected appendicitis", Certainty.UNCERTAIN),
        ("rule out myocardial infarction", Certainty.UNCERTAIN),
        ("r/o fracture", Certainty.UNCERTAIN),
        ("findings consistent with pneumonia", Certainty.UNCERTAIN),
        ("working diagnosis: migraine", Certainty.UNCERTAIN),
        ("questionable cellulitis", Certainty.UNCERTAIN),
        ("likely viral syndrome", Certainty.UNCERTAIN),
        ("pneumonia was ruled out", Certainty.RULED_OUT),
        ("community-acquired pneumonia", Certainty.CONFIRMED),
    ],
)
def test_uncertainty_words(text: str, certainty: Certainty) -> None:
    """Guidelines IV.H and II.H name probable, suspected, questionable, rule out, compatible
    with, consistent with, working diagnosis, likely and other similar terms."""
    assert certainty_of(text) is certainty


def test_outpatient_uncertain_diagnosis_codes_the_symptoms() -> None:
    """Guideline IV.H: in the outpatient setting a 'probable' diagnosis is not coded; the
    signs and symptoms are (IV.D). Probable pneumonia with cough and fever: R05.9, R50.9."""
    finding = Finding("J18.9", Certainty.UNCERTAIN, symptoms=("R05.9", "R509"))
    result = code_findings([finding])
    assert [c.code for c in result.codes] == ["R05.9", "R50.9"]
    assert "IV.H" in result.codes[0].guideline
    assert "J18.9 is uncertain: not coded (IV.H)" in result.worked[0]


def test_inpatient_uncertain_diagnosis_is_coded_as_established() -> None:
    """Guideline II.H: for inpatient admissions an uncertain diagnosis documented at
    discharge is coded as if it existed."""
    finding = Finding("J18.9", Certainty.UNCERTAIN, symptoms=("R05.9",))
    assert codes(finding, setting=CareSetting.INPATIENT) == ["J18.9"]


def test_ruled_out_is_not_coded_in_either_setting() -> None:
    """Guidelines IV.H and II.H: a condition ruled out is not coded; the symptom is."""
    finding = Finding("I21.9", Certainty.RULED_OUT, symptoms=("R07.9",))
    assert codes(finding) == ["R07.9"]
    assert codes(finding, setting=CareSetting.INPATIENT) == ["R07.9"]


def test_codes_without_the_dot_are_read() -> None:
    """Codes are written with the dot after the third character (ICD-10-CM Tabular List)."""
    assert with_dot("e1122") == "E11.22"
    assert with_dot("S52521A") == "S52.521A"
    assert codes(Finding("E1122"), Finding("N184")) == ["E11.22", "N18.4"]


def test_diabetes_with_ckd_is_a_combination_plus_the_stage() -> None:
    """Guidelines I.A.15 ('with' presumes the link) and I.C.4.a: type 2 diabetes with CKD
    stage 4 is E11.22 plus N18.4 for the stage; E11.9 does not stay."""
    result = code_findings([Finding("E11.9"), Finding("N18.4")])
    assert [c.code for c in result.codes] == ["E11.22", "N18.4"]
    assert "presumed linked" in result.worked[0]


def test_as_many_diabetes_codes_as_complications() -> None:
    """Guideline I.C.4.a: assign as many codes from E08-E13 as needed to identify all the
    associated conditions; a foot ulcer keeps its L97 code (use additional code), while
    polyneuropathy and hyperglycemia are inside E11.42 and E11.65."""
    result = codes(Finding("E11.9"), Finding("G62.9"), Finding("L97.412"), Finding("R73.9"))
    assert result == ["E11.42", "E11.621", "E11.65", "L97.412"]


def test_type_1_diabetes_keeps_its_family() -> None:
    """Guideline I.C.4.a: the combination code follows the type (E10 for type 1)."""
    assert codes(Finding("E10.9"), Finding("N18.30")) == ["E10.22", "N18.30"]


def test_hypertension_with_heart_failure_is_i11_0_plus_i50() -> None:
    """Guideline I.C.9.a.1: hypertension with heart failure is presumed linked: I11.0 and a
    code from I50 for the type of heart failure."""
    assert codes(Finding("I10"), Finding("I50.32")) == ["I11.0", "I50.32"]
    assert codes(Finding("I10"), Finding("I51.7")) == ["I11.9"]


def test_hypertension_with_ckd_is_i12_by_stage() -> None:
    """Guideline I.C.9.a.2: I12.0 with stage 5 CKD or ESRD, I12.9 with stage 1-4 or
    unspecified, with N18 for the stage."""
    assert codes(Finding("I10"), Finding("N18.6")) == ["I12.0", "N18.6"]
    assert codes(Finding("I10"), Finding("N18.2")) == ["I12.9", "N18.2"]


def test_hypertension_with_heart_and_kidney_disease_is_i13() -> None:
    """Guideline I.C.9.a.3: both heart and kidney involvement is I13; with heart failure and
    stage 5 CKD or ESRD I13.2, plus I50 and N18."""
    assert codes(Finding("I10"), Finding("I50.9"), Finding("N18.5")) == [
        "I13.2",
        "I50.9",
        "N18.5",
    ]
    stage_missing = code_findings([Finding("I10"), Finding("I51.9"), Finding("N18.3")])
    assert [c.code for c in stage_missing.codes] == ["I13.10"]
    assert stage_missing.incomplete == ("N18.3",)
    assert codes(Finding("I10"), Finding("I51.9"), Finding("N18.30")) == ["I13.10", "N18.30"]


def test_diabetes_hypertension_and_ckd_together() -> None:
    """Guidelines I.C.4.a and I.C.9.a.2: E11.22, I12.9 and N18.31 are all reported."""
    assert codes(Finding("E11.9"), Finding("I10"), Finding("N18.31")) == [
        "E11.22",
        "I12.9",
        "N18.31",
    ]


def test_documented_as_unrelated_breaks_the_presumed_link() -> None:
    """Guideline I.A.15 and I.C.9.a: the link is presumed unless the documentation clearly
    states the conditions are unrelated."""
    assert codes(Finding("I10"), Finding("N18.4", unrelated=True)) == ["I10", "N18.4"]


def test_laterality() -> None:
    """Guideline I.B.13: the side's code; a bilateral code when one exists; right and left
    codes when there is none; the unspecified side when not documented."""
    assert complete("M17.1", Side.LEFT).codes == ("M17.12",)
    assert complete("H66.9", Side.BILATERAL).codes == ("H66.93",)
    assert complete("M17.1", Side.BILATERAL).codes == ("M17.11", "M17.12")
    assert complete("H66.9").codes == ("H66.90",)


def test_seventh_character_and_placeholder() -> None:
    """Guidelines I.A.4, I.A.5 and I.C.19.a: the seventh character A, D or S, with the
    placeholder X filling empty positions (S01.01XA, laceration of the scalp, initial)."""
    assert complete("S01.01", encounter=Encounter.INITIAL).codes == ("S01.01XA",)
    assert complete("S01.01", encounter=Encounter.SEQUELA).codes == ("S01.01XS",)
    missing = complete("S01.01")
    assert missing.codes == ()
    assert "seventh character" in missing.worked[0]


def test_fracture_not_stated_open_is_closed() -> None:
    """Guideline I.C.19.c.1: a fracture not indicated as open or closed is coded closed;
    an open type I/II fracture takes B initially and E at routine-healing follow-up."""
    assert codes(Finding("S52.53", side=Side.RIGHT, encounter=Encounter.INITIAL)) == ["S52.531A"]
    open_follow_up = Finding(
        "S52.53", side=Side.RIGHT, encounter=Encounter.SUBSEQUENT, open_fracture=True
    )
    assert codes(open_follow_up) == ["S52.531E"]


def test_excludes1_conflict_is_reported() -> None:
    """Guideline I.A.12.a: an Excludes1 note means the two codes are never reported together
    (type 1 and type 2 diabetes; peripheral vascular disease and atherosclerosis of the
    extremities)."""
    result = code_findings([Finding("E11.9"), Finding("E10.9")])
    assert result.conflicts and "E10" in result.conflicts[0]
    assert excludes1_conflict("I73.9", "I70.213") is not None
    assert excludes1_conflict("I10", "J18.9") is None


def test_unknown_code_is_said_to_be_unknown() -> None:
    """A code found in no loaded system is named as unknown, never given a neighbour's text."""
    result = code_findings([Finding("G2212")])
    assert result.codes == ()
    assert result.worked == ("G2212 is not an ICD-10-CM code",)


def test_diabetes_named_without_detail_takes_the_combination() -> None:
    """Guideline I.A.15: 'diabetes' and 'CKD stage 4' in the same record are linked, so the
    bare category E11 is completed by the combination E11.22 (with N18.4)."""
    result = code_findings([Finding("E11"), Finding("N18.4")])
    assert [c.code for c in result.codes] == ["E11.22", "N18.4"]
    assert result.incomplete == ()


def test_symptom_integral_to_the_diagnosis_is_not_coded() -> None:
    """OCG I.B.5: headache is routinely part of migraine; cough is not part of a fracture."""
    assert codes(Finding("G43.909"), Finding("R51.9")) == ["G43.909"]
    assert codes(Finding("K35.80"), Finding("R10.31")) == ["K35.80"]
    assert codes(Finding("S52.501D"), Finding("R05.9")) == ["S52.501D", "R05.9"]


def test_history_gives_way_to_the_current_condition_it_excludes() -> None:
    """Z87.891 Excludes1 current nicotine dependence (F17.2-): the current one is coded and
    the conflict is named."""
    result = code_findings([Finding("F17.210"), Finding("Z87.891")])
    assert [c.code for c in result.codes] == ["F17.210"]
    assert any("Excludes1" in line for line in result.conflicts)


def test_the_encounter_reason_is_listed_first() -> None:
    """OCG I.C.21.c: screening first, the polyp found during it after."""
    assert codes(Finding("K63.5"), Finding("Z12.11")) == ["Z12.11", "K63.5"]


def test_diabetes_without_complications_is_not_reported_with_a_complication() -> None:
    assert codes(Finding("E11.9"), Finding("E11.65")) == ["E11.65"]


def test_unspecified_part_when_only_the_side_is_documented() -> None:
    """OCG I.B.13 and I.C.19.a: a right clavicle fracture, part not documented."""
    done = complete("S42.0", Side.RIGHT, Encounter.INITIAL)
    assert done.codes == ("S42.001A",)
    assert any("not documented" in line for line in done.worked)


def test_a_seventh_character_outside_the_encounter_axis_asks_for_it() -> None:
    """O32.1 takes the fetus (0-9) as its seventh character, not A/D/S."""
    done = complete("O32.1", encounter=Encounter.INITIAL)
    assert done.codes == ()
    assert any("fetus" in line for line in done.worked)


@pytest.mark.parametrize(
    ("neoplasm", "history"),
    [("C18.9", "Z85.038"), ("C50.919", "Z85.3"), ("C34.90", "Z85.118"), ("C20", "Z85.048")],
)
def test_history_code_of_a_neoplasm(neoplasm: str, history: str) -> None:
    """The Z85 code whose 'Conditions classifiable to' covers the neoplasm."""
    assert history_of_neoplasm(neoplasm) == history


def test_a_preoperative_evaluation_is_its_own_reason() -> None:
    """I.C.21.c.16: Z01.81- first for a pre-op evaluation; an op note's 'pre-op diagnosis'
    line is no such evaluation."""
    from consultant.rules.icd10_encounters import preoperative_reason

    assert preoperative_reason("pcp did a pre-op h&p for a r tka next week") == "Z01.818"
    assert preoperative_reason("cardiology clearance before surgery, pre-op eval") == "Z01.810"
    assert preoperative_reason("pre-op diagnosis: cholelithiasis. lap chole") is None
    assert preoperative_reason("follow-up for hypertension") is None


def test_copd_with_an_acute_lower_respiratory_infection() -> None:
    """Tabular J44.0: COPD with acute lower respiratory infection, the infection beside it;
    an exacerbation documented as well keeps J44.1."""
    from consultant.rules.icd10 import _copd_with_infection, _Entry

    coded = [_Entry("J44.1", "", False), _Entry("J20.9", "", False)]
    assert [e.code for e in _copd_with_infection(coded, [])] == ["J44.0", "J20.9", "J44.1"]
    plain = [_Entry("J44.9", "", False), _Entry("J18.9", "", False)]
    assert [e.code for e in _copd_with_infection(plain, [])] == ["J44.0", "J18.9"]
    alone = [_Entry("J44.1", "", False)]
    assert _copd_with_infection(alone, []) == alone
