"""Organ and disease panels: all of a panel's tests done is the panel (CPT; NCCI ch. 10)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.matching.analyse import analyse
from consultant.rules.lab_panels import panels_in


def test_all_of_a_panels_tests_are_the_panel() -> None:
    assert [p.code for p in panels_in(["82465", "83718", "84478"])] == ["80061"]
    assert panels_in(["82465", "83718"]) == []  # two of three: the tests themselves
    # The larger panel first: a CMP's tests hold a BMP's, reported once as the CMP.
    cmp = ["82040", "82247", "82310", "82374", "82435", "82565", "82947", "84075", "84132"]
    cmp += ["84155", "84295", "84450", "84460", "84520"]
    assert [p.code for p in panels_in([*cmp, "83036"])] == ["80053"]


def test_a_lab_that_ran_tests_gave_no_infusion(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    text = (
        "In-house lab ran total cholesterol, HDL and triglycerides on one draw. Can we bill "
        "each separately - 82465, 83718, 84478?"
    )
    assert not analyse(text).administrations.given
    answer = build_answer(session, text)
    billed = [c.code for c in answer.billed]
    assert billed[0] == "80061" and not {"82465", "83718", "84478", "96365"} & set(billed)
