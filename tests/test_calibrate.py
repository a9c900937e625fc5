"""Confidence tracks what can go wrong in a draft, not only how well the words matched."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.calibrate import (
    EXPERT_BELOW,
    confidence,
    recovering_from,
    same_stem,
    undecided_sibling,
)
from consultant.drafting.facts import CodeFact
from consultant.drafting.verify import Correction, Neighbour, Whole, chosen_by_words
from consultant.matching.analyse import analyse
from consultant.matching.services import Candidate


def _fact(code: str) -> CodeFact:
    return CodeFact(code, "CPT", "a service", "", 1.0, True, rvus=SimpleNamespace())  # type: ignore[arg-type]


def test_a_draft_billing_several_services_is_less_sure_than_one_billing_one() -> None:
    a = analyse("20610 and J3301, what do we bill?")
    one = confidence([_fact("20610")], False, [], False, a, [])
    two = confidence([_fact("20610"), _fact("J3301")], False, [], False, a, [])
    three = confidence([_fact("20610"), _fact("J3301"), _fact("99213")], False, [], False, a, [])
    assert one >= EXPERT_BELOW > two > three


def _cand(code: str, title: str, score: float, **kw: object) -> Candidate:
    return Candidate(code, "CPT", title, score, phrase=False, family="Family", **kw)  # type: ignore[arg-type]


SHOULDER_1 = "X-ray of the shoulder, 1 view"
SHOULDER_2 = "X-ray of the shoulder, 2 or more views"


def test_titles_with_one_stem_and_another_qualifier_are_siblings() -> None:
    assert same_stem(SHOULDER_1, SHOULDER_2)
    assert same_stem("Colonoscopy with biopsy", "Colonoscopy with biopsy, single or multiple")
    assert not same_stem(SHOULDER_1, SHOULDER_1)  # the same title is not a sibling
    assert not same_stem(
        "Inhalation treatment for acute airway obstruction", "Spirometry before and after"
    )
    assert not same_stem("Office visit, new", "Office visit, established")  # two words only


def test_the_askers_code_with_a_sibling_the_words_fit_as_well_goes_to_an_expert() -> None:
    """Three shoulder views, the asker proposes the one-view code: the words rank the
    two-or-more-views sibling as high, and no cue (a count of views) decides between them."""
    a = analyse("Shoulder x-ray, AP and Y and axillary. Is 73020 right?")
    lead = _fact("73020")
    cands = [_cand("73020", SHOULDER_1, 33.0), _cand("73030", SHOULDER_2, 33.0)]
    assert undecided_sibling(lead, cands, {"73020"}) == "73030"
    assert confidence([lead], False, cands, False, a, []) < EXPERT_BELOW
    # Ranked well below the lead, the sibling is not a rival: the words chose.
    far = [_cand("73020", SHOULDER_1, 60.0), _cand("73030", SHOULDER_2, 30.0)]
    assert undecided_sibling(lead, far, {"73020"}) == ""
    assert confidence([lead], False, far, False, a, []) >= EXPERT_BELOW


def test_a_cue_that_fits_one_sibling_decides_but_a_shared_site_does_not() -> None:
    lead = _fact("20553")
    three, two = "Trigger point injection, three or more muscles", "Trigger point injection, one"
    counted = [
        _cand("20553", three, 40.0, cued=True, reasons=["count 3 within 3-99"]),
        _cand("20552", two, 40.0),
    ]
    assert undecided_sibling(lead, counted, {"20553"}) == ""
    knee = "Arthrocentesis, aspiration or injection of a major joint"
    sited = [
        _cand("20610", f"{knee}, without ultrasound", 61.0, cued=True, reasons=["site knee"]),
        _cand("20611", f"{knee}, with ultrasound guidance", 69.0),
    ]
    assert undecided_sibling(_fact("20610"), sited, {"20610"}) == "20611"


def test_a_code_a_rule_derived_is_not_held_for_its_siblings() -> None:
    lead = _fact("99214")
    lead.worked = ["problems: two stable chronic illnesses; risk: prescription drug management"]
    cands = [
        _cand("99214", "Office or outpatient visit, established patient, moderate", 50.0),
        _cand("99213", "Office or outpatient visit, established patient, low", 50.0),
    ]
    assert undecided_sibling(lead, cands, {"99214"}) == ""


def test_the_surgery_the_patient_is_recovering_from_does_not_lead_confidently() -> None:
    """A visit three weeks after a cholecystectomy: when the surgery itself leads the draft,
    the draft answers another question than the one asked."""
    a = analyse("Pt is 3 weeks s/p lap chole, came back for a new breast lump. 99213 with 24?")
    assert a.prior_procedures
    surgery = _cand(
        "47562", "Laparoscopic cholecystectomy", 90.0, matched=frozenset({"lap", "chol"})
    )
    lead = _fact("47562")
    assert recovering_from(lead, [surgery], a)
    assert confidence([lead], False, [surgery], True, a, []) < 0.6
    visit = _cand("99213", "Office or outpatient visit", 50.0, matched=frozenset({"visit"}))
    assert not recovering_from(_fact("99213"), [visit], a)


def test_a_replacement_a_rule_chose_is_not_held_for_its_siblings() -> None:
    """99397 proposed for a Medicare wellness visit after an earlier one: a rule (the patient
    has had the initial visit) chose G0439, so its sibling G0438 ranking higher by the words
    does not hold it; the same replacement chosen by the words' ranking is held."""
    a = analyse("Medicare pt had the initial AWV last year. We billed 99397 today, right?")
    lead = _fact("G0439")
    cands = [
        _cand("G0438", "Annual wellness visit, initial (Medicare)", 114.0),
        _cand("G0439", "Annual wellness visit, subsequent (Medicare)", 104.0),
    ]
    assert confidence([lead], False, cands, True, a, []) >= EXPERT_BELOW
    assert confidence([lead], False, cands, True, a, [], chosen_by_words={"G0439"}) < EXPERT_BELOW


def test_only_corrections_the_words_chose_count_as_chosen_by_words() -> None:
    """A neighbour is the words' ranking; a rule's replacement and the whole service NCCI
    edits make the asker's codes parts of are decided by a fact and by the data."""
    by_rule = Correction("99204", "99214", "the patient is established")
    by_words = Neighbour("94010", "94640", "what you describe is a nebulizer treatment")
    whole = Whole("93016", "93015", "the whole test", ("93016",), ())
    assert chosen_by_words([by_rule, by_words, whole]) == {"94640"}


def test_a_drafted_question_with_an_undecided_sibling_goes_to_an_expert(session: Session) -> None:
    """End to end on our own notes: the asker proposes the one-view shoulder code for a
    three-view series; whatever the code chosen, the draft must not be confident."""
    load_bundled_knowledge(session)
    session.flush()
    answer = build_answer(session, "Right shoulder films, three views taken. We coded 73020, ok?")
    assert answer.billed and answer.billed[0].code in ("73020", "73030")
    if answer.billed[0].code == "73020":
        assert answer.confidence < EXPERT_BELOW and answer.needs_expert


def test_the_eval_reports_the_confident_band_and_the_right_drafts_held_below_it() -> None:
    from eval.run import confident_band

    rows: list[dict[str, Any]] = [
        {"top1": True, "confidence": 0.95},
        {"top1": False, "confidence": 0.9},
        {"top1": True, "confidence": 0.89},
        {"top1": None, "confidence": 1.0},  # nothing to score: not counted
    ]
    assert confident_band(rows) == {"drafts": 2, "right": 1, "top1": 0.5, "right_held_below": 1}
