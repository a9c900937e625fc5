"""A drug's harm by what happened (ICD-10-CM Official Guidelines I.C.19.e.5)."""

from __future__ import annotations

import pytest

from consultant.matching.analyse import analyse
from consultant.rules.icd10_drug_effects import drug_effect
from tests.test_diagnoses import _dx


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Taken as prescribed, the effect tied to the drug: an adverse effect (sixth 5).
        ("hyponatremia secondary to thiazide diuretic, on hctz as prescribed", "T50.2X5A"),
        ("rash from amoxicillin", "T36.0X5A"),
        ("statin-induced myopathy", "T46.6X5A"),
        # Wrong drug, wrong person, too much: a poisoning, accidental unless documented.
        ("toddler ingested grandma's metoprolol", "T44.7X1A"),
        ("intentional overdose of tylenol, suicide attempt", "T39.1X2A"),
        # Less than prescribed: an underdosing (sixth 6).
        ("ran out of lisinopril", "T46.4X6A"),
    ],
)
def test_kind_and_intent(text: str, code: str) -> None:
    found = drug_effect(text)
    assert found is not None and found.code() == code


@pytest.mark.parametrize(
    "text",
    [
        "pt on metformin, foot ulcer due to diabetes",  # the drug is not the cause
        "gi bleed on warfarin, inr therapeutic",  # nothing ties the bleed to the drug
        "pt on insulin, a1c 9",
    ],
)
def test_a_drug_merely_taken_is_no_drug_effect(text: str) -> None:
    assert drug_effect(text) is None


def test_adverse_effect_is_coded_after_the_effect() -> None:
    """I.C.19.e.5.a: the nature of the adverse effect first, then the T code; the drug's
    name is not a condition's word, and a measurement is not either."""
    text = (
        "Pt on HCTZ 25 mg daily as prescribed, BMP shows Na 127. Dr: 'hyponatremia secondary "
        "to thiazide diuretic - stop HCTZ'. Coder used T50.2X1A first. Right?"
    )
    assert _dx(text) == ["E87.1", "T50.2X5A"]


def test_poisoning_is_coded_first_and_a_suicide_attempt_is_its_intent() -> None:
    """I.C.19.e.5.b: the poisoning code first, its manifestations after; T14.91 is not
    reported with a poisoning by intentional self-harm."""
    assert _dx(
        "Intentional overdose of tylenol, suicide attempt, nausea with vomiting. ICD-10?"
    ) == [
        "T39.1X2A",
        "R11.2",
    ]


def test_underdosing_follows_the_condition_it_left_untreated() -> None:
    assert _dx("Ran out of lisinopril, BP 190/110, hypertensive urgency. ICD-10?") == [
        "I16.0",
        "T46.4X6A",
    ]


def test_the_drug_effect_is_read_once_into_the_analysis() -> None:
    assert analyse("rash from amoxicillin").drug_effect is not None
