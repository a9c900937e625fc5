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


def test_an_add_on_alone_is_joined_by_the_primary_the_words_name() -> None:
    from consultant.drafting.addons import primary_described
    from consultant.drafting.candidates import Selection
    from consultant.matching.services import Candidate

    primaries = {"77063": ["77067"]}
    candidates = [
        Candidate("77063", "CPT", "", 109.0, True, frozenset({"3d", "mammogram"})),
        Candidate("77067", "CPT", "", 85.0, True, frozenset({"screen", "mammogram"})),
    ]
    selection = Selection([], [("77063", 1.0)], [("77067", 0.8)], {})
    primary_described(selection, candidates, lambda c: primaries.get(c, []))
    assert [c for c, _ in selection.services] == ["77067", "77063"]
    assert selection.alternatives == []
    # A primary the words do not name is not added: the reply says the add-on needs one.
    selection = Selection([], [("77063", 1.0)], [], {})
    primary_described(selection, candidates[:1], lambda c: primaries.get(c, []))
    assert [c for c, _ in selection.services] == ["77063"]


def test_an_add_on_follows_its_primary_and_the_diagnosis_follows_both() -> None:
    from consultant.drafting.answer import _order_by_edits

    facts = [
        CodeFact("77067", "CPT", "", "", 1.0, False),
        CodeFact("Z12.31", "ICD-10-CM", "", "", 1.0, False),
        CodeFact("77063", "CPT", "", "", 1.0, False, addon_primaries=["77067"]),
    ]
    assert [f.code for f in _order_by_edits(facts, [])] == ["77067", "77063", "Z12.31"]
