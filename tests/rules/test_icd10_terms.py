"""Matching documented phrases in the ICD-10-CM tabular list: titles, inclusion terms and
nonessential words, on the tabular the product ships (simple-icd-10-cm)."""

from __future__ import annotations

import pytest

from consultant.rules.icd10_terms import term_index


def best(phrase: str) -> str:
    return term_index().match(phrase, limit=1)[0].code


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("sore throat", "J02.9"),  # inclusion term "Sore throat (acute) NOS"
        ("screening colonoscopy", "Z12.11"),  # "Encounter for screening colonoscopy NOS"
        ("migraine", "G43.909"),  # "Migraine NOS", not "Migraine without aura NOS"
        ("migraine with aura", "G43.109"),  # not "Migraine without aura"
        ("chronic obstructive pulmonary disease acute exacerbation", "J44.1"),  # "(acute)"
        ("right lower quadrant pain", "R10.31"),
        ("chronic kidney disease stage 3b", "N18.32"),
    ],
)
def test_phrase_finds_its_code(phrase: str, code: str) -> None:
    assert best(phrase) == code


def test_a_title_is_not_matched_to_what_it_denies() -> None:
    """'without aura' is not 'with aura', and the reverse."""
    assert all(m.code != "G43.009" for m in term_index().match("migraine with aura", 10))
    assert all(m.code != "G43.109" for m in term_index().match("migraine without aura", 10))
