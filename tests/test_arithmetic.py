"""Codes and units that numbers in the question decide, with the worked sum in the draft:
excised diameter, repairs summed by class and site group, the 8-minute rule, infusion hours,
E/M by time. On the bundled knowledge (what `make run` ships)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.codes.lookup import Mue
from consultant.drafting.answer import build_answer
from consultant.drafting.arithmetic import once_a_day
from consultant.drafting.facts import Answer, CodeFact
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
    assert ("96365", 1) in billed and ("96366", 1) in billed
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


def test_counted_lesions_and_areas(session: Session) -> None:
    """CPT: 17004 for 15 or more premalignant lesions; biopsy add-ons per further lesion;
    debridement per 20 sq cm or part."""
    a = _answer(session, "Cryo of 18 actinic keratoses. Biller has 17000 + 17003 x 17. Right?")
    assert _billed(a)[0] == ("17004", 1)
    assert a.corrections[0].startswith("Report 17004, not 17000 + 17003")
    a = _answer(session, "Tangential biopsies of 3 separate lesions, 11102?")
    assert ("11102", 1) in _billed(a) and ("11103", 2) in _billed(a)
    a = _answer(session, "Debridement of subq tissue, 55 sq cm wound, 11042 and how many 11045?")
    assert ("11042", 1) in _billed(a) and ("11045", 2) in _billed(a)


def test_times_read_from_a_clock_and_critical_care(session: Session) -> None:
    a = _answer(session, "IV infusion of vancomycin from 10:05 to 11:50, what codes?")
    assert ("96365", 1) in _billed(a) and ("96366", 1) in _billed(a)
    a = _answer(session, "Critical care 95 minutes, what codes?")
    assert _billed(a)[:2] == [("99291", 1), ("99292", 1)]
    a = _answer(session, "Coder put 96366 for a 45 minute antibiotic infusion, right?")
    assert a.corrections[0].startswith("Report 96365, not 96366")


def test_a_shaved_lesion_is_coded_by_site_group_and_size(session: Session) -> None:
    """Shave removal of a 0.8 cm seborrheic keratosis on the neck is 11306, not the trunk code."""
    shave = analyse("shave removal of a 0.8 cm SK on the neck, we use 11301").procedures.shave
    assert shave is not None and (shave.size_cm, shave.site) == (0.8, "neck")
    a = _answer(session, "shave removal of a 0.8 cm SK on the neck, what cpt? we use 11301")
    assert a.billed[0].code == "11306"
    assert a.corrections[0].startswith("Report 11306, not 11301")


def test_a_shave_biopsy_is_not_a_shave_removal() -> None:
    assert analyse("shave biopsy of a 0.8 cm lesion on the neck").procedures.shave is None
    assert analyse("tangential bx x3 separate lesions").count == 3


def test_fifteen_or_more_warts_are_17111_once(session: Session) -> None:
    """CPT: 17110 destroys up to 14 benign lesions, 17111 fifteen or more, one unit each."""
    a = _answer(session, "destroyed 20 common warts w/ cryo on hands and feet. 17110 x 2 units?")
    assert _billed(a)[0] == ("17111", 1)
    assert a.corrections[0].startswith("Report 17111, not 17110")
    a = _answer(session, "cryo destruction of 6 warts on the fingers, code?")
    assert ("17110", 1) in _billed(a) and "17111" not in [c for c, _ in _billed(a)]


def test_an_excised_lesion_is_not_also_destroyed(session: Session) -> None:
    """NCCI pairs excision and destruction of a lesion as mutually exclusive: the excision
    computed from the diameter leads, and no destruction code is billed beside it."""
    a = _answer(session, "BCC on the back 2.5 cm, excised with 5 mm margins. Code?")
    assert a.billed[0].code == "11604"
    assert not any(c.code.startswith("17") for c in a.billed)


def test_a_code_billed_per_test_takes_a_unit_for_each_test() -> None:
    """Prick testing with 40 allergen extracts billed 95004 x1: 95004 is per test, x 40."""
    from consultant.drafting.arithmetic import _per_test
    from consultant.drafting.candidates import Selection
    from consultant.matching.analyse import analyse

    text = "prick testing with 40 allergen extracts, read at 15 min. We billed 95004 x1. Wrong?"
    selection = Selection(["95004"], [("95004", 1.0)], [], {})
    selection.titles["95004"] = "Percutaneous allergy skin tests, immediate type, per test"
    said = _per_test(analyse(text), selection)
    assert selection.units["95004"] == 40
    assert said == [
        "Report 95004 x 40, not x 1: 95004 is billed per test: 40 allergen extracts = 40 units."
    ]
    visit = Selection([], [("99213", 1.0)], [], {})
    visit.titles["99213"] = "Office visit, established patient, low MDM"
    assert _per_test(analyse("reviewed 3 lab tests, 99213"), visit) == []


def test_critical_care_time_excludes_the_procedures_billed_on_their_own() -> None:
    """CPT: time on separately reported procedures (intubation, 31500) is not critical care
    time: 50 minutes "inclusive of" a 10-minute intubation are 40, one 99291 and no 99292."""
    from consultant.matching.cues import critical_care_time

    text = (
        "ed doc intubated (separate procedure note, ~10 min). critical care time 50 minutes, "
        "inclusive of intubation."
    )
    assert critical_care_time(text) == (50, 10)
    assert critical_care_time("critical care 50 min, exclusive of intubation (10 min)") == (50, 0)
    assert critical_care_time("80 minutes of critical care") == (80, 0)
    assert critical_care_time("er visit 45 min") is None


def test_the_excised_diameter_decides_before_a_neighbour_our_words_match(session: Session) -> None:
    """ "Closed with simple interrupted sutures. Provider picked 11601": the asker's excision
    code is checked by the excised diameter (0.8 + 2 x 0.3 = 1.4 cm: 11602), not replaced by
    the simple repair the closure words match, and that simple closure is not billed."""
    a = _answer(
        session,
        "Excised a biopsy-proven BCC on the upper back. Lesion 0.8 cm, 3 mm margins all "
        "around. Closed with simple interrupted sutures. Provider picked 11601. Right?",
    )
    assert a.corrections[0].startswith("Report 11602, not 11601: lesion 0.8 cm + 2 x 0.3 cm")
    assert [c for c, _ in _billed(a) if c.startswith("1")] == ["11602"]


def test_a_layered_closure_in_a_clause_of_its_own_is_at_the_excision_site() -> None:
    """ "Excision ... of the arm ..., layered closure 3 cm": the repair closes the excision's
    own wound, so it is measured at the arm (intermediate repair, 12032 with the excision)."""
    wounds = analyse(
        "Excision of benign lesion of the arm 1.0 cm with 2 mm margins, layered closure 3 cm."
    ).procedures.wounds
    assert [(w.repair, w.site, w.length_cm) for w in wounds] == [("intermediate", "arm", 3.0)]


def test_a_closure_and_its_length_in_separate_clauses_after_an_excision() -> None:
    """ "Nevus on the L cheek: lesion 5 mm, 2 mm margins. Layered closure, 1.5 cm. Path came
    back benign": one intermediate repair of 1.5 cm on the cheek; the lesion's size is no
    wound, and "came back" in the next sentence is no site on the back."""
    text = (
        "Excision of a nevus on the L cheek: lesion 5 mm, 2 mm margins. Layered closure, "
        "1.5 cm. Path came back benign intradermal nevus. What codes?"
    )
    wounds = analyse(text).procedures.wounds
    assert [(w.repair, w.site, w.length_cm) for w in wounds] == [("intermediate", "cheek", 1.5)]


def test_a_closure_class_after_its_length_belongs_to_that_wound() -> None:
    """ "- L thigh 4 cm, layered closure / - chin 1 cm, simple": each class after its own
    length (once the thigh went unread and each class went to the wound after it)."""
    text = (
        "Lacerations after a fall:\n- L thigh 4.0 cm, layered closure\n- L hand 2.0 cm, "
        "layered closure\n- chin 1.0 cm, simple single layer\nCodes?"
    )
    wounds = analyse(text).procedures.wounds
    assert [(w.repair, w.site, w.length_cm) for w in wounds] == [
        ("intermediate", "leg", 4.0),
        ("intermediate", "hand", 2.0),
        ("simple", "chin", 1.0),
    ]


def test_a_service_limited_to_once_a_day_is_one_unit_when_units_are_asked() -> None:
    """NCCI MUE 1 a day (trigger points for 3 or more muscles, 20553): when the units are in
    question the service is reported once, however many muscles were written; a code whose
    MUE allows more is left to the reviewer, and nothing is said when units are not asked."""

    def facts() -> list[CodeFact]:
        return [
            CodeFact("20553", "CPT", "", "", 1.0, False, mue=Mue("20553", 1, "2", "", "")),
            CodeFact("96372", "CPT", "", "", 0.9, False, mue=Mue("96372", 4, "3", "", "")),
        ]

    asked = facts()
    once_a_day(analyse("TPIs to 5 muscles. We billed 20552 x 5 and it denied. Help"), asked)
    assert [f.billing_units for f in asked] == [1, None]
    quiet = facts()
    once_a_day(analyse("TPIs to 5 muscles, one session. Which code?"), quiet)
    assert [f.billing_units for f in quiet] == [None, None]
