"""Services another provider gave at the encounter stay off the asker's claim."""

from __future__ import annotations

from consultant.codes.lookup import Edit
from consultant.drafting.candidates import Selection
from consultant.drafting.modifiers import bundled
from consultant.drafting.others import anesthesia_elsewhere
from consultant.matching.analyse import analyse
from consultant.matching.findings import conditions


def test_the_anesthesia_providers_services_are_not_the_cardiologists() -> None:
    text = "Elective external cardioversion, 2 shocks. Anesthesia did the propofol. 92960 or 92961?"
    selection = Selection([], [("00410", 0.8), ("92960", 1.0), ("J2704", 0.6)], [], {})
    anesthesia_elsewhere(analyse(text), selection)
    assert [c for c, _ in selection.services] == ["92960"]
    asked = "We are anesthesia: propofol by the CRNA for a cardioversion, anesthesia code?"
    kept = Selection([], [("00410", 0.8), ("J2704", 0.6)], [], {})
    anesthesia_elsewhere(analyse(asked), kept)
    assert [c for c, _ in kept.services] == ["00410", "J2704"]


def test_mutually_exclusive_codes_asked_as_a_choice_invite_no_modifier() -> None:
    edit = Edit("92960", "92961", "1", "Mutually exclusive procedures", "2024-07-01", None, None)
    out = bundled(analyse("external cardioversion: 92960 or 92961?"), [edit])
    assert "mutually exclusive" in out["92961"] and "XS" not in out["92961"]


def test_af_is_atrial_fibrillation() -> None:
    assert conditions("persistent af, cardioverted")[0].phrase.startswith(
        "persistent atrial fibrillation"
    )
