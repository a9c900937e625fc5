"""An add-on code leads its primary only when the question asks about the add-on itself."""

from __future__ import annotations

from consultant.drafting.addons import addon_first, asked_addon
from consultant.drafting.facts import CodeFact
from consultant.matching.analyse import analyse


def _facts(primary: str, addon: str) -> list[CodeFact]:
    return [
        CodeFact(primary, "CPT", "", "", 1.0, False),
        CodeFact(addon, "CPT", "", "", 1.0, False, addon_primaries=[primary]),
    ]


def test_a_question_about_the_add_on_is_answered_by_it() -> None:
    facts = _facts("99291", "99292")
    a = analyse("Critical care total 110 minutes - how many 99292?")
    assert [f.code for f in addon_first(a, facts)] == ["99292", "99291"]
    a = analyse(
        "Patient got a 3 hour chemo infusion of one drug. How do we bill the additional hours?"
    )
    assert asked_addon(a, _facts("96413", "96415")) == "96415"


def test_a_short_question_refers_to_the_sentence_before() -> None:
    a = analyse(
        "Pt had her AWV and doc managed her diabetes, billed 99214-25. Last year we were told "
        "G2211 can't go with a 25 modifier. Still true?"
    )
    assert a.asked_codes == ("G2211",)
    # An add-on to a visit follows it: the visit's level is part of the answer.
    assert asked_addon(a, _facts("99214", "G2211")) is None
    assert (
        asked_addon(
            analyse("new pt, 92 mins total time. How many 99417?"), _facts("99205", "99417")
        )
        is None
    )


def test_the_encounter_keeps_the_claims_order() -> None:
    facts = _facts("96413", "96415")
    a = analyse("Oncology office: paclitaxel infused over 3 hours. Admin codes with units?")
    assert asked_addon(a, facts) is None
    # The primary named with the time both codes come from: the claim is the answer.
    a = analyse("Medicare, 99215 selected on time, 85 minutes total. How many units of G2212?")
    assert asked_addon(a, _facts("99215", "G2212")) is None
    # Both codes in the asking sentence.
    a = analyse("Can we bill 99214 with G2211 today?")
    assert asked_addon(a, _facts("99214", "G2211")) is None


def test_a_short_question_that_names_a_code_stands_alone() -> None:
    a = analyse("Established pt seen for ongoing HIV management, billed 99214. Can we add G2211?")
    assert a.asked_codes == ("G2211",)
