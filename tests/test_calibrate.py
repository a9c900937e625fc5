"""Confidence tracks what can go wrong in a draft, not only how well the words matched."""

from __future__ import annotations

from types import SimpleNamespace

from consultant.drafting.calibrate import EXPERT_BELOW, confidence
from consultant.drafting.facts import CodeFact
from consultant.matching.analyse import analyse


def _fact(code: str) -> CodeFact:
    return CodeFact(code, "CPT", "a service", "", 1.0, True, rvus=SimpleNamespace())  # type: ignore[arg-type]


def test_a_draft_billing_several_services_is_less_sure_than_one_billing_one() -> None:
    a = analyse("20610 and J3301, what do we bill?")
    one = confidence([_fact("20610")], False, [], False, a, [])
    two = confidence([_fact("20610"), _fact("J3301")], False, [], False, a, [])
    three = confidence([_fact("20610"), _fact("J3301"), _fact("99213")], False, [], False, a, [])
    assert one >= EXPERT_BELOW > two > three
