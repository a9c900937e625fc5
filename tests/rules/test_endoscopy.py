"""A lower GI endoscopy at which something was taken is the surgical code of the technique
(CPT endoscopy guidelines; CMS MLN colorectal cancer screening: G0104/G0105/G0121 only when
nothing was biopsied or removed)."""

from __future__ import annotations

import pytest

from consultant.matching.procedure_facts import procedure_facts
from consultant.rules.endoscopy import surgical_codes


@pytest.mark.parametrize(
    ("text", "techniques"),
    [
        ("screening colonoscopy, 2 polyps removed by snare", ("snare",)),
        ("colonoscopy with cold forceps bx of the cecum", ("biopsy",)),
        # A hot biopsy forceps is its own technique, not a biopsy.
        ("colonoscopy, polyp removed with hot biopsy forceps", ("hot forceps",)),
        # Two techniques on two lesions, in the order said; "removed" gives way to the tool.
        (
            "colonoscopy: bx of the ascending colon, then a polyp removed by snare",
            ("biopsy", "snare"),
        ),
        ("flex sig with polypectomy", ("removed",)),
        ("colonoscopy with APC of an AVM", ("ablation",)),
        # Said not done, or no endoscopy at all.
        ("screening colonoscopy, no polyps removed, no biopsy taken", ()),
        ("colonoscopy without biopsy", ()),
        ("punch biopsy of the forearm", ()),
    ],
)
def test_techniques_used_at_an_endoscopy(text: str, techniques: tuple[str, ...]) -> None:
    assert procedure_facts(text.lower()).endoscopic == techniques


@pytest.mark.parametrize(
    ("exam", "techniques", "codes"),
    [
        ("G0121", ("snare",), ["45385"]),
        ("G0105", ("biopsy", "snare"), ["45380", "45385"]),
        ("45378", ("hot forceps",), ["45384"]),
        ("G0104", ("biopsy",), ["45331"]),
        ("45330", ("removed",), ["45338"]),
        ("45378", (), []),
        ("43235", ("biopsy",), []),  # an upper GI exam is not in this table
    ],
)
def test_surgical_codes_by_exam_and_technique(
    exam: str, techniques: tuple[str, ...], codes: list[str]
) -> None:
    assert surgical_codes(exam, techniques) == codes
