"""Glaucoma by type, eye and stage (ICD-10-CM Official Guidelines I.C.7.a)."""

from __future__ import annotations

import pytest

from consultant.rules.glaucoma import glaucoma


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # I.C.7.a.3: the same type, a different stage in each eye: a code for each eye.
        ("poag both eyes, mild stage od, moderate stage os.", ("H40.1111", "H40.1122")),
        ("pseudoexfoliation glaucoma od mild; os severe", ("H40.1411", "H40.1423")),
        # I.C.7.a.2: the same type and stage in both eyes: the bilateral code.
        ("poag ou, moderate stage.", ("H40.1132",)),
        ("primary open-angle glaucoma, mild ou", ("H40.1131",)),
        # One eye; the stage the note gives; indeterminate is 4 (I.C.7.a.5).
        ("primary open angle glaucoma, right eye, severe", ("H40.1113",)),
        ("chronic angle-closure glaucoma os, stage indeterminate", ("H40.2224",)),
        # A category without an eye character; no stage written is 0.
        ("open angle glaucoma, mild", ("H40.10X1",)),
        ("poag", ("H40.1190",)),
    ],
)
def test_type_eye_and_stage(text: str, codes: tuple[str, ...]) -> None:
    found = glaucoma(text)
    assert found is not None and found.codes == codes


def test_a_suspect_or_no_glaucoma_is_not_this_rule() -> None:
    assert glaucoma("glaucoma suspect ou, iop 24") is None
    assert glaucoma("cataract od, moderate") is None
