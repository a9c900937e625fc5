"""The reply keeps only what bears on the question: a note that names codes names one in play,
modifier 25 lines only beside a visit with a procedure, and each thing said once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.relevance import names_code_in, say_once
from consultant.drafting.render import render_reply


def _reply(session: Session, text: str) -> str:
    load_bundled_knowledge(session)
    session.flush()
    return render_reply(build_answer(session, text), "Re: q", "ref").text


def test_a_line_names_a_code_directly_or_inside_a_range() -> None:
    assert names_code_in("Biopsy codes (11102-11107) depend on the technique", {"11104"})
    assert names_code_in("Biopsy codes (11102-11107) depend on the technique", {"10060"}) is False
    assert names_code_in("Vaccines use 90471-90474; chemo uses 96401/96402.", {"96401"})
    assert names_code_in("Z12.11 first, then the finding (K63.5)", {"K635"})
    # A neighbour of the same block bears (critical care beside an ED visit); a code of
    # another family does not (colonoscopy beside an EGD).
    assert names_code_in("critical care (99291) replaces the ED code", {"99284"})
    assert names_code_in("Biopsy (45380) and snare removal (45385)", {"43239"}) is False
    assert names_code_in("Record start and stop times.", {"96413"}) is None
    # Amounts and years are not codes.
    assert names_code_in("2025 payment $125.18 at 32.3465", {"99214"}) is None


def test_a_thing_said_in_other_words_is_said_once() -> None:
    lines = [
        "Modifier 25 missing when a minor procedure is billed the same day.",
        "Units billed per vial instead of per the descriptor's dose.",
        "Modifier 25 missing when a minor procedure or drug administration is billed the same day.",
        "JW/JZ missing on single-dose drugs.",
        "Missing JW/JZ on a single-dose vial drug (Medicare).",
    ]
    assert say_once(lines) == lines[:2] + lines[3:4]
    # Lines that differ in a code or an amount say different things.
    differ = [
        "J1020 was deleted by CMS; report J1010 instead.",
        "J1030 was deleted by CMS; report J1010 instead.",
        "After-hours codes billed to Medicare.",
        "Consultation codes billed to Medicare.",
    ]
    assert say_once(differ) == differ


def test_an_egd_reply_carries_no_colonoscopy_notes(session: Session) -> None:
    """The endoscopy notes name colonoscopy codes (45380, 45385, G0121): not this EGD's."""
    text = _reply(session, "EGD with biopsies x3 (antrum, body, GE junction). 43239 x3 or x1?")
    assert "43239" in text
    notes = [line for line in text.splitlines() if line.strip().startswith("Note:")]
    assert not any("45385" in n or "G0121" in n for n in notes)


def test_a_visit_chosen_by_time_has_no_modifier_25_lines(session: Session) -> None:
    text = _reply(
        session,
        "est pt, provider documented total time on DOS 42 min. Can we bill off time, what level?",
    )
    assert "99215" in text
    assert "modifier 25" not in text.lower()


def test_a_visit_beside_a_procedure_keeps_its_modifier_25_lines(session: Session) -> None:
    text = _reply(
        session,
        "Est pt for diabetes f/u, doc changed meds, and did a tangential biopsy of a new mole "
        "on the back. How do we bill the visit and the biopsy?",
    )
    assert "modifier 25" in text.lower()


def test_infusion_documentation_is_said_once(session: Session) -> None:
    text = _reply(
        session,
        "Chemo infusion (oxaliplatin) start 0920 stop 1200. Is that 96413 + 96415 x2 or x1?",
    )
    assert sum(line.startswith("- Record start and stop times") for line in text.splitlines()) == 1


def test_no_modifier_25_advice_beside_the_decision_for_surgery(session: Session) -> None:
    """The visit that decided on a major operation takes 57; a tip that the E/M needs 25 would
    contradict the answer, even when the asker asked "25 or 57?"."""
    text = _reply(
        session,
        "New pt in the office with an incarcerated inguinal hernia; surgeon decided to do the "
        "open repair tomorrow (47562 is not it, it's 49507). Visit 99203: 25 or 57?",
    )
    assert "57" in text
    documentation = text.split("DOCUMENTATION", 1)[1].split("SOURCES", 1)[0]
    assert "modifier 25" not in documentation
