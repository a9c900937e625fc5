"""A service described whole is reported with its one code, not the parts the asker lists
(CPT: 93015 is the complete stress test, 93016-93018 its parts; 74178 is the CT of abdomen
and pelvis without and then with contrast; NCCI PTP edits say which code contains which)."""

from __future__ import annotations

from consultant.codes.lookup import Edit
from consultant.drafting.verify import _complete_service
from consultant.matching.analyse import analyse
from consultant.matching.services import Candidate, contrast_of

DEFINITION = "HCPCS/CPT procedure code definition"


def _edit(column1: str, column2: str, indicator: str = "0", rationale: str = DEFINITION) -> Edit:
    return Edit(column1, column2, indicator, rationale, "2025-10-01", None, None)


STRESS = [_edit("93015", c) for c in ("93016", "93017", "93018")]
TEXT = (
    "Treadmill stress test on our equipment, supervised, read and reported. 93016 + 93017 + 93018?"
)


def _best(code: str = "93015", score: float = 110.0, phrase: bool = True) -> Candidate:
    return Candidate(code, "CPT", "Cardiovascular stress test, complete", score, phrase)


def test_every_part_the_asker_lists_is_contained_in_the_code_the_words_describe() -> None:
    parts = ["93016", "93017", "93018"]
    whole = _complete_service(analyse(TEXT), parts, [_best()], lambda codes: STRESS)
    assert whole is not None and whole.replacement == "93015" and whole.parts == tuple(parts)
    assert whole.sentence.startswith("Report 93015, not 93016 + 93017 + 93018:")
    assert "not billable separately" in whole.sentence


def test_a_part_no_edit_puts_under_the_whole_keeps_the_askers_codes() -> None:
    # 93000 is no part of 93015: the asker's codes are a pair to check, not a whole.
    parts = ["93016", "93000"]
    assert _complete_service(analyse(TEXT), parts, [_best()], lambda codes: STRESS) is None


def test_mutually_exclusive_codes_are_not_parts() -> None:
    edits = [_edit("17263", "11604", "1", "Mutually exclusive procedures")]
    best = Candidate("17263", "CPT", "Destruction of a malignant lesion", 90.0, True)
    assert _complete_service(analyse("bcc 11604?"), ["11604"], [best], lambda c: edits) is None


def test_the_words_must_describe_the_whole_better_than_the_askers_code() -> None:
    candidates = [_best(score=100.0), Candidate("93018", "CPT", "interpretation", 95.0, True)]
    assert _complete_service(analyse(TEXT), ["93018"], candidates, lambda c: STRESS) is None
    unmatched = _best(phrase=False)  # a code no word of the question carries
    assert _complete_service(analyse(TEXT), ["93018"], [unmatched], lambda c: STRESS) is None


def test_without_and_then_with_contrast_in_a_title_is_both() -> None:
    title = "CT of the abdomen and pelvis, without contrast in one or both regions and then with contrast"
    assert contrast_of(title.lower()) == "both"
    assert contrast_of("ct a/p first without contrast and then with iv contrast") == "both"
    assert contrast_of("ct of the abdomen and pelvis without contrast") == "without"
    # CPT's contrast is intravenous: oral contrast alone is without.
    assert contrast_of("ct a/p with oral contrast only, no iv contrast (ckd)") == "without"
    # A plain phase denied is contrast given; a contrast agent named after "then" is both.
    assert contrast_of("ct a/p with iv contrast only (no non-contrast phase)") == "with"
    assert contrast_of("mri brain without contrast first, then repeat after gadolinium") == "both"


def test_an_askers_code_with_the_other_contrast_is_corrected() -> None:
    from consultant.drafting.verify import _contrast_decides

    with_, without = "CT of the chest with contrast", "CT of the chest without contrast"
    said = lambda text: analyse(text).contrast  # noqa: E731
    assert _contrast_decides(with_, without, said("CT chest, no IV contrast given. 71260 ok?"))
    assert not _contrast_decides(with_, without, said("CT chest with IV contrast. 71260 ok?"))
    assert not _contrast_decides(with_, without, said("CT chest. 71260 ok?"))


def test_the_procedure_leads_the_drug_it_gives() -> None:
    """A wrist injection with Kenalog: the joint injection is listed first, then the drug;
    a question that asks for the drug's code keeps the drug first."""
    from consultant.drafting.candidates import Selection, procedure_first

    def order(text: str) -> list[str]:
        selection = Selection([], [("J3301", 1.0), ("20605", 0.9)], [], {})
        procedure_first(selection, analyse(text))
        return [c for c, _ in selection.services]

    assert (
        order("Injection of the R wrist joint with kenalog, no US. Code?")
        == ["J3301", "20605"][::-1]
    )
    assert order("wrist injection with kenalog 40 mg: what J code and how many units?") == [
        "J3301",
        "20605",
    ]


def test_a_code_listed_twice_ranks_where_it_is_billed() -> None:
    from consultant.drafting.answer import _order_by_edits
    from consultant.drafting.facts import CodeFact

    facts = [
        CodeFact("20605", "CPT", "", "", 1.0, True),
        CodeFact("J3301", "HCPCS", "", "", 1.0, False, True),
        CodeFact("20605", "CPT", "", "", 0.5, False, False),
    ]
    assert [f.code for f in _order_by_edits(facts, [])][:2] == ["20605", "J3301"]


def test_imaging_regions_are_sites_a_code_for_another_region_loses() -> None:
    from consultant.matching.services import sites_of

    assert sites_of("CT head without and then with contrast") == {"head"}
    assert sites_of("CT of the abdomen and pelvis") == {"abdomen", "pelvis"}


def test_a_visit_is_never_a_part_of_a_procedures_code() -> None:
    """NCCI pairs 11102 over 99214 (indicator 1) for the usual pre- and post-procedure work;
    a significant, separately identifiable visit is billed beside the biopsy with modifier 25,
    not folded into it."""
    edits = [_edit("11102", "99214", "1", "CPT Manual or CMS manual coding instruction")]
    best = Candidate("11102", "CPT", "Tangential biopsy of skin, single lesion", 120.0, True)
    text = "Est pt diabetes f/u, A1c up, meds changed (99214); also a shave biopsy of a mole."
    assert _complete_service(analyse(text), ["99214"], [best], lambda c: edits) is None


def test_a_rule_chooses_the_whole_the_search_missed() -> None:
    """An aspiration and injection of the knee 'using ultrasound to guide the needle', billed
    20610 + 76942: the joint's size and the guidance make it 20611, which contains both; the
    edit between the asker's own two codes is evidence too."""
    from consultant.drafting.verify import _joint_code_by_guidance

    text = (
        "PA aspirated the L knee and then injected it, using ultrasound to guide the needle. "
        "We bill 20610 + 76942?"
    )
    analysis = analyse(text)
    assert _joint_code_by_guidance(analysis, ["20610", "76942"]) == "20611"
    edits = [
        _edit("20611", "20610", "1"),
        _edit("20611", "76942", "1", "CPT Manual or CMS manual coding instruction"),
        _edit("20610", "76942", "1", "CPT Manual or CMS manual coding instruction"),
    ]
    ruled = ("20611", "Joint injection, major joint, with ultrasound guidance")
    whole = _complete_service(analysis, ["20610", "76942"], [], lambda c: edits, ruled)
    assert whole is not None and whole.replacement == "20611"
    assert {(e.column1, e.column2) for e in whole.evidence} == {
        ("20611", "20610"),
        ("20611", "76942"),
        ("20610", "76942"),
    }


def test_a_joint_code_against_what_the_words_say_of_guidance() -> None:
    from consultant.drafting.verify import _joint_guidance

    fixed = _joint_guidance(analyse("US-guided R knee injection, we billed 20610"), "20610")
    assert fixed is not None and fixed.replacement == "20611"
    back = _joint_guidance(analyse("shoulder injection, landmark guided, billed 20611"), "20611")
    assert back is not None and back.replacement == "20610"
    assert _joint_guidance(analyse("knee injection, billed 20610"), "20610") is None


def test_a_drug_the_words_name_is_no_whole_of_procedures() -> None:
    """A steroid named beside a transforaminal injection outranks it in the search; the
    asker's imaging code is still a part of the injection's code, not of the drug's."""
    edits = [_edit("64483", "77003", "0", "CPT Manual or CMS manual coding instruction")]
    candidates = [
        Candidate("J1010", "HCPCS", "Methylprednisolone acetate, 1 mg", 120.0, True),
        Candidate("64483", "CPT", "Transforaminal epidural injection, lumbar", 110.0, True),
    ]
    text = "TFESI L4-5 with depo-medrol 80mg, fluoro guided. Do we add 77003?"
    whole = _complete_service(analyse(text), ["77003"], candidates, lambda c: edits)
    assert whole is not None and whole.replacement == "64483"


def test_the_whole_is_listed_once_when_the_search_found_it_too() -> None:
    from consultant.drafting.candidates import Selection
    from consultant.drafting.verify import Whole, _apply_whole

    selection = Selection([], [("64483", 0.9), ("77003", 0.8), ("J1010", 0.7)], [], {})
    _apply_whole(selection, Whole("77003", "64483", "", ("77003",), ()))
    assert [c for c, _ in selection.services] == ["64483", "J1010"]


def test_parts_an_edit_denies_between_them_name_their_whole_without_its_words() -> None:
    """93350 + 93015 billed, 93015 denied: both are column 2 under 93351 (the stress echo
    with the supervised, monitored stress test), and the edit between them is the denial.
    The words need not name 93351 then; a lone code still needs them to."""
    text = "stress echo read by our cardiologist, treadmill supervised. Billed 93350 + 93015"
    edits = [
        _edit("93351", "93350", "0", "CPT Manual or CMS manual coding instruction"),
        _edit("93351", "93015", "0", "CPT Manual or CMS manual coding instruction"),
        _edit("93350", "93015", "0", "CPT Manual or CMS manual coding instruction"),
    ]
    cardiology = "Cardiology tests"
    unnamed = Candidate("93351", "CPT", "Stress echo with ECG monitoring", 80.0, False)
    unnamed.family = cardiology
    echo = Candidate("93350", "CPT", "Stress echocardiogram", 55.0, True)
    echo.family = cardiology
    candidates = [unnamed, echo]
    pair = ["93350", "93015"]
    whole = _complete_service(analyse(text), pair, candidates, lambda c: edits)
    assert whole is not None and whole.replacement == "93351"
    assert _complete_service(analyse(text), ["93350"], candidates, lambda c: edits) is None
    # Without the edit between the asker's codes, the words must name the whole.
    apart = edits[:2]
    assert _complete_service(analyse(text), pair, candidates, lambda c: apart) is None
    # Nor does a whole of another family stand in for them (an EGD for a thyroid FNA).
    unnamed.family = "Endoscopy"
    assert _complete_service(analyse(text), pair, candidates, lambda c: edits) is None
