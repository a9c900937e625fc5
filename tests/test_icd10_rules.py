"""The ICD-10-CM guideline rules on their own, on the tabular the product ships: the sex
axis of completion, "code first" notes, confirmed COVID-19 and its manifestations, and the
symptoms a definitive diagnosis includes."""

from __future__ import annotations

from consultant.rules.icd10 import Certainty, Finding, code_findings, code_first_of
from consultant.rules.icd10_codes import Side, complete


def _codes(*findings: Finding) -> list[str]:
    return [c.code for c in code_findings(findings).codes]


def test_the_patients_sex_then_the_side_completes_a_breast_cancer_code() -> None:
    """C50.9 splits by sex (C50.91 female, C50.92 male), then by side (I.B.13)."""
    assert complete("C50.9", Side.RIGHT, sex="female").codes == ("C50.911",)
    assert complete("C50.9", Side.LEFT, sex="male").codes == ("C50.922",)
    assert complete("C50.9", Side.RIGHT).codes == ()  # the record must say which


def test_a_code_first_note_naming_one_code_brings_it_first() -> None:
    """J12.82 Pneumonia due to COVID-19: "code first COVID-19 (U07.1)"."""
    assert code_first_of("J12.82") == "U07.1"
    assert code_first_of("N13.8") is None  # "if applicable ... such as": a choice
    assert _codes(Finding("J12.82")) == ["U07.1", "J12.82"]


def test_confirmed_covid_is_first_with_its_manifestation_codes() -> None:
    """I.C.1.g.1.a: pneumonia is J12.82, acute bronchitis J20.8, U07.1 listed first; its
    fever and cough are not coded beside it (I.B.5)."""
    assert _codes(Finding("J18.9"), Finding("U07.1")) == ["U07.1", "J12.82"]
    assert _codes(Finding("U07.1"), Finding("J20.9")) == ["U07.1", "J20.8"]
    assert _codes(Finding("U07.1"), Finding("R50.9"), Finding("R05.9")) == ["U07.1"]


def test_uncertain_covid_is_not_coded_outpatient_but_the_pneumonia_is() -> None:
    assert _codes(Finding("U07.1", Certainty.UNCERTAIN), Finding("J18.9")) == ["J18.9"]


def test_diabetes_with_a_heel_ulcer_is_a_combination_code() -> None:
    """I.A.15: the foot ulcer is presumed linked (E11.621), its L97 code kept."""
    assert _codes(Finding("E11.9"), Finding("L97.421")) == ["E11.621", "L97.421"]
