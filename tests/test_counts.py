"""Counts a code's range is chosen by (matching.counts): said as a number, listed by name,
or by an ordinal."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.matching.counts import counted


@pytest.mark.parametrize(
    ("text", "count", "noun"),
    [
        ("4 muscles injected", 4, "muscles"),
        ("three-view shoulder x-ray", 3, "views"),
        ("warts x 20", 20, ""),
        # Views listed by name at an x-ray: a coder counts them.
        ("We took AP, Y view and axillary of the R shoulder", 3, "views"),
        ("AP and lateral chest x-ray", 2, "views"),
        ("CXR PA & lateral. What goes on our claim?", 2, "views"),
        # Muscles named at a trigger point session; "bilateral" counts two.
        ("TPIs to the L trapezius, rhomboid and infraspinatus", 3, "muscles"),
        ("trigger point injection, bilateral trapezius", 2, "muscles"),
        # Views abbreviated beside the film.
        ("2V CXR at 10am, repeated at 3pm", 2, "views"),
        ("ankle xr 3v, no fracture", 3, "views"),
        # An ordinal says at least that many.
        ("I&D of an abscess on the axilla and a 2nd separate abscess on the thigh", 2, ""),
        # Nothing counted: a single view named, muscles named with no injection.
        ("lateral x-ray of the knee", None, ""),
        ("strained trapezius and rhomboid, what dx?", None, ""),
    ],
)
def test_what_the_question_counts(text: str, count: int | None, noun: str) -> None:
    assert counted(text) == (count, noun)


def test_the_views_listed_correct_the_askers_one_view_code(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    a = build_answer(
        session, "We took AP, Y view and axillary of the right shoulder. Is this 73020?"
    )
    assert a.billed[0].code == "73030"
    assert (
        "73020 is for 1 view, 73030 for 2 or more views, and the question says 3 views"
        in (a.corrections[0])
    )
    assert "73030" not in [c.code for c in a.alternatives]
