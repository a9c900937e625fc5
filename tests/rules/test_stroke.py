"""A stroke in the past (ICD-10-CM I.C.9.d; the I69 dominance note)."""

from __future__ import annotations

import pytest

from consultant.rules.stroke import past_stroke


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # Residual deficits are sequelae, by side and dominance.
        ("had ischemic stroke 2022, residual r side hemiparesis. right handed.", ("I69.351",)),
        ("stroke 3 yrs ago; left-handed, right hemiplegia", ("I69.353",)),
        # Dominance not documented: the left side is the non-dominant one.
        ("old cva with left hemiparesis and dysphagia", ("I69.354", "I69.391")),
        ("h/o cva, aphasia remains", ("I69.320",)),
        # A history with no deficit is Z86.73.
        ("hx of cva 2019, no residual deficits. bp check", ("Z86.73",)),
    ],
)
def test_a_past_stroke_is_coded_by_what_it_left(text: str, codes: tuple[str, ...]) -> None:
    coded = past_stroke(text)
    assert coded is not None
    assert coded.codes == codes


def test_a_current_stroke_or_none_is_not_this_rule() -> None:
    assert past_stroke("acute stroke with right hemiparesis, admitted") is None
    assert past_stroke("right hemiparesis after a fall") is None
