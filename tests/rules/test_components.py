"""The part of a test a practice did decides the code or the modifier (CPT 93000/93005/
93010; CMS MPFS PC/TC indicator 1: TC and 26)."""

from __future__ import annotations

import pytest

from consultant.codes.lookup import Rvus
from consultant.drafting.facts import CodeFact
from consultant.drafting.modifiers import _component
from consultant.drafting.verify import _part_done
from consultant.matching.analyse import analyse
from consultant.rules.components import PROFESSIONAL, TECHNICAL, part_code, part_done


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Our MA does the EKG but nobody in our practice reads them; the tracing is sent "
         "to a cardiologist who does the interpretation.", TECHNICAL),
        ("the holter is read by an outside cardiologist", TECHNICAL),
        ("we do the tracing only", TECHNICAL),
        ("our doc does the interpretation only", PROFESSIONAL),
        ("we only read the EKG; the tracing was done at the hospital", PROFESSIONAL),
        ("EKG 93000 with interpretation and report, same day as 99214", ""),
        # A hospital ED's ECGs read by the physicians' group, which bills its pro fees.
        ("Docs interpret the 12-lead EKGs done in the hospital ED", PROFESSIONAL),
        ("We bill pro fees for an ED group; the docs read the EKGs", PROFESSIONAL),
    ],
)  # fmt: skip
def test_the_part_the_practice_did(text: str, part: str) -> None:
    assert part_done(text.lower()) == part


def test_the_part_has_its_own_code_or_none() -> None:
    assert part_code("93000", TECHNICAL) == "93005"
    assert part_code("93000", PROFESSIONAL) == "93010"
    assert part_code("93005", PROFESSIONAL) == "93010"
    assert part_code("71046", PROFESSIONAL) is None  # split by modifier instead
    assert part_code("93000", "") is None


def test_the_complete_code_is_corrected_to_the_part() -> None:
    text = (
        "We do the 12-lead here, nobody reads them in house; an outside cardiologist reads. 93000?"
    )
    fixed = _part_done(analyse(text), "93000")
    assert fixed is not None and fixed.replacement == "93005"
    assert _part_done(analyse("EKG with interpretation, 93000 ok?"), "93000") is None


def _rvus(pctc: str) -> Rvus:
    fields = {name: None for name in Rvus.__dataclass_fields__}
    return Rvus(**{**fields, "pctc": pctc})  # type: ignore[arg-type]


def test_a_code_split_by_modifier_takes_26_or_tc() -> None:
    xray = CodeFact("71046", "CPT", "", "", 1.0, True, rvus=_rvus("1"))
    assert _component(analyse("our radiologist only does the read on the CXR"), [xray]) == ["26"]
    assert _component(
        analyse("we take the films; the reading is done by an outside group"), [xray]
    ) == ["TC"]
    assert _component(analyse("chest x-ray 2 views in our office"), [xray]) == []
    visit = CodeFact("99213", "CPT", "", "", 1.0, True, rvus=_rvus("0"))
    assert _component(analyse("our doc does the interpretation only"), [visit]) == []
