"""The asker's code against its sibling when the words say how the service was done."""

from __future__ import annotations

from consultant.drafting.verify import title_decides
from consultant.matching.analyse import analyse

IRRIGATION = "Removal of impacted cerumen by irrigation or lavage, unilateral"
INSTRUMENTS = "Removal of impacted cerumen requiring instruments, unilateral"


def test_the_method_said_chooses_the_sibling() -> None:
    """ "Irrigated both ears" is 69209's way (irrigation), not 69210's (instruments)."""
    words = analyse("MA irrigated both ears for impacted cerumen. We billed 69210 x2.").words
    assert title_decides(INSTRUMENTS, IRRIGATION, words)
    assert not title_decides(IRRIGATION, INSTRUMENTS, words)


def test_both_ways_said_decide_nothing() -> None:
    words = analyse("Irrigation failed, then removed with a curette and other instruments").words
    assert not title_decides(INSTRUMENTS, IRRIGATION, words)


def test_visit_levels_are_not_decided_by_a_word() -> None:
    """ "Moderate pain" is no moderate decision making: the visit stage derives the level."""
    low = "Office or outpatient visit, established patient, low medical decision making"
    moderate = "Office or outpatient visit, established patient, moderate medical decision making"
    assert not title_decides(low, moderate, analyse("moderate pain in the knee, 99213?").words)


def test_counselling_minutes_choose_the_counselling_code(session) -> None:  # type: ignore[no-untyped-def]
    """99406 is 3-10 minutes, 99407 over 10: 15 minutes said corrects the asker's 99406 (the
    E/M range's own minute bands were once left to the visit stage, which never sees them)."""
    answer = _answer(
        session,
        "Dr did a 99214 for COPD f/u and also spent 15 minutes on smoking cessation "
        "counseling. We billed 99214-25 + 99406. Correct?",
    )
    assert any(c.startswith("Report 99407, not 99406") for c in answer.corrections)


def test_psychotherapy_beside_a_visit_is_its_add_on(session) -> None:  # type: ignore[no-untyped-def]
    """90834 proposed with an E/M of the same day is corrected to 90836 (the same minutes,
    the add-on billed with the visit); psychotherapy alone keeps 90834."""
    with_visit = _answer(
        session,
        "Psychiatrist did med management (moderate MDM) and 45 min of psychotherapy. Claim "
        "went out 99214 + 90834 and the 90834 denied. Why?",
    )
    assert any(c.startswith("Report 90836, not 90834") for c in with_visit.corrections)
    other_words = _answer(session, "E/M 99213 plus 20 minutes therapy, we used 90832. ok?")
    assert any(c.startswith("Report 90833, not 90832") for c in other_words.corrections)
    alone = _answer(session, "Therapist did 45 minutes of psychotherapy, billed 90834. ok?")
    assert not alone.corrections


def _answer(session, text: str):  # type: ignore[no-untyped-def]
    from consultant.codes.knowledge import load_bundled_knowledge
    from consultant.drafting.answer import build_answer

    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)
