"""E/M levels from what the question says: MDM elements counted the AMA 2021 way, total
time, the setting, the three-year rule; one level per visit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer


def _codes(session: Session, text: str) -> list[str]:
    load_bundled_knowledge(session)
    session.flush()
    return [c.code for c in build_answer(session, text).billed]


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
