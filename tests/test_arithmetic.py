"""Codes and units that numbers in the question decide, with the worked sum in the draft:
excised diameter, repairs summed by class and site group, the 8-minute rule, infusion hours,
E/M by time. On the bundled knowledge (what `make run` ships)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.facts import Answer
from consultant.matching.analyse import analyse


def _answer(session: Session, text: str) -> Answer:
    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)


def _billed(answer: Answer) -> list[tuple[str, int | None]]:
    return [(c.code, c.billing_units) for c in answer.billed]


def test_lesion_and_margins_read_from_the_question() -> None:
    lesion = analyse("Excised a 1.2 cm benign nevus from the back, 2 mm margins").procedures.lesion
    assert lesion is not None
    assert (lesion.behaviour, lesion.size_cm, lesion.margin_cm, lesion.site) == (
        "benign",
        1.2,
        0.2,
        "trunk",
    )


def test_excised_diameter_corrects_the_askers_code(session: Session) -> None:
    """CPT: excised diameter = greatest lesion diameter + twice the narrowest margin."""
    a = _answer(
        session, "Excised a 1.2 cm benign lesion from the back with 0.2 cm margins. Is 11401 right?"
    )
    assert a.billed[0].code == "11402"
    assert a.corrections[0].startswith("Report 11402, not 11401: lesion 1.2 cm + 2 x 0.2 cm")


def test_repairs_added_within_class_and_site_group(session: Session) -> None:
    """CPT repair guidelines: lengths of the same class in the same anatomic group are added."""
    a = _answer(
        session,
        "Lac repairs: 2.5 cm simple on the forearm and 3 cm simple on the hand, plus a 1 cm "
        "simple on the cheek. Codes?",
    )
    codes = [c for c, _ in _billed(a)]
    assert codes[:2] == ["12002", "12011"]
    assert any("2.5 + 3.0 = 5.5 cm" in w for w in a.billed[0].worked)


def test_eight_minute_rule_spreads_units(session: Session) -> None:
    """CMS Claims Processing Manual ch. 5 s. 20.2: 33 timed minutes are 2 units."""
    a = _answer(
        session,
        "Medicare PT visit: therapeutic exercise 23 minutes, manual therapy 10 minutes. How many units?",
    )
    assert ("97110", 1) in _billed(a) and ("97140", 1) in _billed(a)


def test_a_drug_infusion_is_not_hydration_and_hours_are_counted(session: Session) -> None:
    """CPT: 96365 for the first hour, 96366 for each further hour past 30 minutes."""
    a = _answer(session, "IV infusion of ceftriaxone ran 100 minutes, what codes?")
    billed = _billed(a)
    assert ("96365", None) in billed and ("96366", 1) in billed
    assert all(code not in ("96360", "96361") for code, _ in billed)


def test_visit_level_by_total_time_and_prolonged_units(session: Session) -> None:
    a = _answer(
        session,
        "Commercial payer (not Medicare). New patient 99205 by time, total time 80 minutes. "
        "Do we add 99417 and how many units?",
    )
    assert ("99205", None) in _billed(a) and ("99417", 1) in _billed(a)
    a = _answer(
        session, "Established patient, office visit, total time 47 minutes. Is 99214 right?"
    )
    assert a.billed[0].code == "99215"
    assert a.corrections[0].startswith("Report 99215, not 99214")
