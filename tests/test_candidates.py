"""Which of the matched candidates are billed, and in what order (drafting.candidates)."""

from __future__ import annotations

from consultant.drafting.candidates import Selection, _choose, collection_after_tests
from consultant.matching.services import Candidate


def _cand(code: str, score: float, matched: set[str], family: str = "lab") -> Candidate:
    return Candidate(code, "CPT", "", score, True, frozenset(matched), family)


def test_two_panels_each_named_in_full_are_both_services() -> None:
    # "a comprehensive metabolic panel and a basic metabolic panel": each lay term is said in
    # full, so both are services; the NCCI edit between them then decides which is paid.
    services, _ = _choose(
        [],
        {},
        [
            _cand("80048", 92.0, {"basic", "metabolic", "panel"}),
            _cand("80053", 89.0, {"comprehensiv", "metabolic", "panel"}),
        ],
    )
    assert [code for code, _ in services] == ["80048", "80053"]


def test_the_test_leads_its_specimen_collection() -> None:
    selection = Selection([], [("36415", 1.0), ("80048", 0.8)], [], {})
    collection_after_tests(selection)
    assert [code for code, _ in selection.services] == ["80048", "36415"]
    # The asker's own question about the draw keeps it first.
    selection = Selection(["36415"], [("36415", 1.0), ("80048", 0.8)], [], {})
    collection_after_tests(selection)
    assert selection.services[0][0] == "36415"
