"""ICD-10-CM coding of what a question describes, by the Official Guidelines, on the
ICD-10-CM tabular that the product ships (simple-icd-10-cm)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from consultant.codes.knowledge import ensure_icd10
from consultant.drafting.answer import build_answer


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
