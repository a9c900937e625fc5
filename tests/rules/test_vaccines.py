"""Vaccine administration by payer and route (CPT immunization administration guidelines;
Medicare Claims Processing Manual ch. 18 s. 10)."""

from __future__ import annotations

import pytest

from consultant.rules.vaccines import administration_for


@pytest.mark.parametrize(
    ("vaccines", "medicare", "lines"),
    [
        # Medicare: its own code for influenza and pneumococcal, never 90471/90472.
        (["90662", "90677"], True, [("G0008", 1), ("G0009", 1)]),
        # Other payers: the first vaccine by injection, then each additional one.
        (["90662", "90677"], False, [("90471", 1), ("90472", 1)]),
        (["90715", "90651", "90734"], False, [("90471", 1), ("90472", 2)]),
        # Medicare's G code, and 90471 for a vaccine outside the three (Tdap).
        (["90686", "90715"], True, [("G0008", 1), ("90471", 1)]),
        # Nasal and oral vaccines: 90473 first, 90474 after an injected one.
        (["90672"], False, [("90473", 1)]),
        (["90700", "90680"], False, [("90471", 1), ("90474", 1)]),
    ],
)
def test_administration_for_the_vaccines_given(
    vaccines: list[str], medicare: bool, lines: list[tuple[str, int]]
) -> None:
    assert [(line.code, line.units) for line in administration_for(vaccines, medicare)] == lines


def test_two_vaccines_against_one_disease_are_neighbours() -> None:
    from consultant.rules.vaccines import same_disease

    assert same_disease("90662", "90686")  # two influenza vaccines
    assert not same_disease("90662", "90677")  # influenza and pneumococcal
    assert not same_disease("90715", "90651")  # Tdap and HPV: neither is in a Medicare group


def test_a_vaccine_named_by_words_alone_still_has_its_medicare_code() -> None:
    # "her flu shot and Prevnar 20": the pneumococcal product is billed, the influenza one is
    # named only by its kind, and its administration is still G0008.
    lines = administration_for(["90677"], True, ["influenza"])
    assert [(line.code, line.units) for line in lines] == [("G0008", 1), ("G0009", 1)]
    lines = administration_for(["90677"], False, ["influenza"])
    assert [(line.code, line.units) for line in lines] == [("90471", 1), ("90472", 1)]
