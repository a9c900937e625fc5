"""Basal and squamous cell carcinoma of the skin by type, site and side (ICD-10-CM C44)."""

from __future__ import annotations

import pytest

from consultant.rules.skin_cancer import skin_cancers


@pytest.mark.parametrize(
    ("note", "codes"),
    [
        ("scc of the skin of the upper back, excised", ("C44.529",)),
        ("bcc l nasal ala, path confirmed", ("C44.311",)),
        # Each carcinoma's own site and side; limbs and ears: 2 right, 9 left, 1 unspecified.
        ("bcc right forearm and scc left temple", ("C44.612", "C44.329")),
        ("left shin scc excised with 4 mm margins", ("C44.729",)),
        ("squamous cell carcinoma of the ear", ("C44.221",)),
        ("basal cell carcinoma of the scalp", ("C44.41",)),
        # A negation later in the sentence is about something else; "back of" is no back.
        ("mohs for bcc of nose, no complications", ("C44.311",)),
        ("scc on the back of the right hand", ("C44.622",)),
        # The site written before the pathology's word for it.
        ("lesion on the left dorsal forearm, pathology: scc", ("C44.629",)),
    ],
)
def test_a_skin_carcinoma_is_coded_by_type_site_and_side(note: str, codes: tuple[str, ...]) -> None:
    found = skin_cancers(note)
    assert found is not None and found.codes == codes


@pytest.mark.parametrize(
    "note",
    [
        "hx of bcc, new lesion on the back biopsied",  # a history: Z85.828, not C44
        "suspicious for scc of the left hand, biopsy sent",  # not confirmed
        "scc in situ of the left hand",  # D04, not invasive
        "bcc of the right lower eyelid",  # the eyelid's codes are by upper and lower lid
        "scc of the tongue, neck dissection planned",  # a mucosa's carcinoma, not the skin's
    ],
)
def test_what_is_not_a_confirmed_invasive_skin_carcinoma_is_left(note: str) -> None:
    assert skin_cancers(note) is None
