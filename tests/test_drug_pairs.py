"""A drug and the service that gives it, drafted together on the notes the product ships."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled
from consultant.drafting.answer import build_answer

pytestmark = pytest.mark.icd10  # each database starts with ICD-10-CM loaded


@pytest.fixture
def bundled_session(session: Session) -> Session:
    load_bundled(session)
    session.flush()
    return session


def _billed(session: Session, text: str) -> list[str]:
    return [c.code for c in build_answer(session, text).billed if c.system != "ICD-10-CM"]


def test_the_procedure_that_gives_a_device_leads(bundled_session: Session) -> None:
    """The IUD's insertion, then the device; a question asking for the J code leads with it."""
    assert _billed(bundled_session, "Paragard IUD placed in the office today. Which codes?")[
        :2
    ] == ["58300", "J7300"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Medicare pt got Fluzone High-Dose today. Codes?", ["G0008"]),
        ("Medicare pt got Pneumovax today. Codes?", ["G0009"]),
        ("Aetna pt got a Tdap (Boostrix) today. Codes?", ["90471"]),
    ],
)
def test_vaccines_are_billed_with_their_administration(
    bundled_session: Session, text: str, expected: list[str]
) -> None:
    billed = _billed(bundled_session, text)
    assert [c for c in billed if c in ("G0008", "G0009", "90471", "90472")] == expected


def test_a_drug_given_twice_is_billed_for_the_days_total(bundled_session: Session) -> None:
    answer = build_answer(
        bundled_session,
        "Gave Zofran 4mg IVP at 14:00, pt still nauseated so another 4mg IVP at 14:20. "
        "Can I bill 96374 and 96375?",
    )
    units = {c.code: c.billing_units for c in answer.billed}
    assert units.get("J2405") == 8 and "96375" not in units


def test_an_administration_question_leads_with_the_administration(
    bundled_session: Session,
) -> None:
    """ "What admin code does Medicare want?" is answered by G0008; "which vaccine and admin
    codes?" by the vaccine first."""
    asked = "Medicare pt got Fluzone High-Dose today, we billed 90471. What admin code does Medicare want?"
    assert _billed(bundled_session, asked)[0] == "G0008"
    both = "Medicare pt got Fluzone High-Dose today. Which vaccine and admin codes?"
    assert _billed(bundled_session, both)[0] == "90662"


def test_a_procedure_that_is_an_injection_gives_the_drug(bundled_session: Session) -> None:
    """A transforaminal epidural with a steroid: the injection's code gives the drug, so the
    drug is billed beside it with no administration code and no joint injection."""
    billed = _billed(
        bundled_session, "TFESI L4-5 single level, fluoro guided, depo-medrol 80mg. Codes?"
    )
    assert billed[:2] == ["64483", "J1010"]
    assert not {"96372", "20610"} & set(billed)


def test_the_askers_drug_code_alone_makes_the_drug_the_subject() -> None:
    from consultant.drafting.drugs import asks_for_drug
    from consultant.matching.analyse import analyse

    assert asks_for_drug(analyse("kenalog 40 mg into the R knee, billing J3301 x4, rejected"))
    assert not asks_for_drug(analyse("kenalog 40 mg into the R knee, J3301 x4: admin code?"))
    assert not asks_for_drug(analyse("kenalog 40 mg into the R knee, 20610 + J3301 x4 ok?"))
    # The procedure's code asked for first, the drug's code beside it: the procedure leads.
    assert not asks_for_drug(
        analyse("Depo-Medrol 80 mg into the L shoulder bursa. CPT for the injection, and J1040 x1?")
    )


def test_hydration_after_a_push_is_sequential_with_no_first_hour_of_its_own(
    bundled_session: Session,
) -> None:
    """Facility: the push outranks the hydration (hierarchy), so 96374 is initial and 100
    minutes of hydration are 96361 x 2; no 96360 is added back for the add-on, and "how
    many hydration units" asks for the administration's units, not the drug's."""
    text = (
        "Hospital ED facility side. Gastroenteritis w/ dehydration:\n"
        "- NS 1L started 13:00, stopped 14:40\n- ondansetron 4 mg IVP at 13:05\n"
        "Coder put 96360 + 96375 + J2405 x1. What's right for the facility and how many "
        "hydration units?"
    )
    billed = _billed(bundled_session, text)
    assert billed[0] == "96374" and "96361" in billed and "96360" not in billed
    assert "96375" not in billed


def test_a_hydration_headed_office_infusion_bills_its_fluid_by_the_litre(
    bundled_session: Session,
) -> None:
    """ "Office infusion:" heads the note, it is no infusion of its own; the normal saline
    written "NS 2 liters" is J7030 (per 1000 cc) x 2 beside 96360 and 96361 x 2."""
    answer = build_answer(
        bundled_session,
        "Office infusion: pt dehydrated, IV NS 2 liters. Start 09:05, stop 11:45, nothing else "
        "given. What do I bill for the admin and how many add-on units?",
    )
    units = {c.code: c.billing_units for c in answer.billed}
    assert units.get("96360") == 1 and units.get("96361") == 2 and units.get("J7030") == 2
    assert "96365" not in units
