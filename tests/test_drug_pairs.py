"""A drug and the service that gives it, drafted together on the notes the product ships."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled
from consultant.drafting.answer import build_answer


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
