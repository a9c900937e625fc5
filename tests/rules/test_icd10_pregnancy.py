"""Conditions of a pregnant patient (ICD-10-CM Official Guidelines I.C.15)."""

from __future__ import annotations

import pytest

from consultant.rules.icd10 import Finding, code_findings
from consultant.rules.icd10_pregnancy import Pregnancy, pregnancy, trimester, weeks_code


def codes(pregnant: Pregnancy, *found: str) -> list[str]:
    return [c.code for c in code_findings([Finding(c) for c in found], pregnancy=pregnant).codes]


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("routine ob visit, 30w2d, g2p1", 30),
        ("pt is 12 weeks pregnant", 12),
        ("ga 22+3, pregnant", 22),
        ("iup at 9 wks", 9),
        ("34 wks gestation", 34),
        ("routine ob visit, g3p2, 31 weeks, rtc in 2 weeks", 31),
        ("pregnant, seen 6 weeks ago", None),  # an interval, not the pregnancy's age
        ("pregnant, f/u in 4 weeks", None),
    ],
)
def test_weeks_of_gestation(text: str, weeks: int | None) -> None:
    found = pregnancy(text)
    assert found is not None and found.weeks == weeks


@pytest.mark.parametrize("text", ["pregnancy test negative", "not pregnant", "2 weeks postpartum"])
def test_no_pregnancy(text: str) -> None:
    assert pregnancy(text) is None


def test_trimesters_are_counted_from_whole_weeks() -> None:
    """I.C.15.a.3: first under 14 weeks 0 days, second to under 28 weeks 0 days, then third."""
    assert [trimester(w) for w in (13, 14, 27, 28)] == [1, 2, 2, 3]
    assert [weeks_code(w) for w in (5, 8, 30, 43)] == ["Z3A.01", "Z3A.08", "Z3A.30", "Z3A.49"]


def test_pre_existing_hypertension_is_coded_in_chapter_15_first() -> None:
    """I.C.15.a.1 and O10.0: essential hypertension in pregnancy is O10.01-, I10 included."""
    assert codes(Pregnancy(weeks=30), "I10") == ["O10.013", "Z3A.30"]


def test_diabetes_keeps_its_own_code_after_the_pregnancy_code() -> None:
    """O24.1 says: use additional code from E11 to identify manifestations."""
    assert codes(Pregnancy(weeks=24), "E11.9", "Z79.4") == ["O24.112", "E11.9", "Z79.4", "Z3A.24"]


def test_trimester_unknown_is_the_unspecified_trimester() -> None:
    assert codes(Pregnancy(), "I10") == ["O10.019"]


def test_a_chapter_15_code_for_the_unspecified_trimester_takes_the_weeks() -> None:
    assert codes(Pregnancy(weeks=10), "O23.40") == ["O23.41", "Z3A.10"]


def test_normal_supervision_gives_way_to_a_complication() -> None:
    """I.C.15.b.1: Z34 is not used with chapter 15 codes; "pregnant" (Z33.1) is what the
    chapter 15 code already says."""
    assert codes(Pregnancy(weeks=30), "Z34.83", "Z33.1", "I10") == ["O10.013", "Z3A.30"]


def test_routine_prenatal_visit_by_gravida_and_trimester() -> None:
    assert codes(Pregnancy(weeks=16, routine=True, gravida=1)) == ["Z34.02", "Z3A.16"]
    assert codes(Pregnancy(weeks=31, routine=True, gravida=3)) == ["Z34.83", "Z3A.31"]


def test_an_incidental_pregnancy_recodes_nothing() -> None:
    """I.C.15.a.1: the provider documents that the pregnancy is incidental: Z33.1."""
    assert codes(Pregnancy(weeks=20, incidental=True), "I10") == ["I10", "Z3A.20", "Z33.1"]
