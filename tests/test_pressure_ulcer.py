"""Pressure ulcers by site, side and stage (ICD-10-CM Official Guidelines I.C.12.a, I.B.14)."""

from __future__ import annotations

import pytest

from consultant.rules.pressure_ulcer import pressure_ulcers, stage_from_other_clinicians


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # The stage written, each site and side its own code.
        (
            "stage 2 pressure ulcer r hip and stage 4 decubitus of the coccyx.",
            ("L89.212", "L89.154"),
        ),
        ("pressure ulcer of sacrum, healing, stage iii.", ("L89.153",)),
        # The stage described (the Index's words for each stage).
        (
            "'sacral pressure ulcer, full thickness, subq fat visible, no bone/tendon exposed'",
            ("L89.153",),
        ),
        ("pressure ulcer l buttock with exposed bone", ("L89.324",)),
        ("pressure injury right heel, intact skin with non-blanchable redness", ("L89.611",)),
        ("pressure ulcer left elbow, partial thickness skin loss", ("L89.022",)),
        # Unstageable under eschar; deep tissue injury; no stage documented.
        ("decubitus ulcer left heel covered w/ black eschar, unable to stage", ("L89.620",)),
        ("decubitus ulcer left buttock, dti.", ("L89.326",)),
        ("pressure ulcer on the sacrum, no stage documented", ("L89.159",)),
    ],
)
def test_site_side_and_stage(text: str, codes: tuple[str, ...]) -> None:
    found = pressure_ulcers(text)
    assert found is not None and found.codes == codes


def test_healed_or_other_ulcers_are_not_this_rule() -> None:
    assert pressure_ulcers("sacral pressure ulcer, now fully healed.") is None
    assert pressure_ulcers("venous stasis ulcer of the left ankle, fat exposed") is None
    found = pressure_ulcers("diabetic ulcer l heel. pressure ulcer sacrum stage 2.")
    assert found is not None and found.codes == ("L89.152",)
    assert found.covers("pressure ulcer sacrum") and not found.covers("ulcer heel")


def test_the_stage_may_come_from_the_nurses_note() -> None:
    said = stage_from_other_clinicians("can i take the stage from the rn's note?")
    assert said is not None and "I.B.14" in said
    assert stage_from_other_clinicians("stage 3 sacral pressure ulcer") is None
