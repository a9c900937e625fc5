"""When a PTP edit with modifier indicator 1 pairs two procedures, the column 2 code is billed
only when the question says why the services are distinct (NCCI Policy Manual ch. I E)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from consultant.codes.lookup import Edit
from consultant.drafting.facts import CodeFact
from consultant.drafting.modifiers import _anatomic, bundled
from consultant.matching.analyse import analyse


def _edit(column1: str, column2: str, rationale: str = "More extensive procedure") -> Edit:
    return Edit(column1, column2, "1", rationale, "2024-07-01", None, None)


def test_both_codes_proposed_with_nothing_distinct_bills_column_1_only() -> None:
    out = bundled(
        analyse("lab billed 85025 and 85027 on the same sample. ok?"), [_edit("85025", "85027")]
    )
    assert "no modifier applies" in out["85027"]
    out = bundled(analyse("Can we add 77003 to 64483 with modifier 59?"), [_edit("64483", "77003")])
    assert "XS" in out["77003"] and "59 only when none fits" in out["77003"]


def test_a_separate_site_keeps_both() -> None:
    text = "tangential biopsy of a lesion on the neck (11102) and cryo of 1 AK on the hand (17000)"
    assert analyse(text).distinct == "XS"
    assert bundled(analyse(text), [_edit("11102", "17000")]) == {}
    assert bundled(analyse("45380 and 45385 on different polyps"), [_edit("45385", "45380")]) == {}


def test_codes_drafting_found_itself_stay_listed() -> None:
    # Neither code was proposed: one of them may be the wrong match, so the edit is explained
    # rather than a code silently dropped.
    assert (
        bundled(analyse("simple repair forehead 1.5 cm and scalp 2 cm"), [_edit("12011", "12001")])
        == {}
    )


def test_same_site_words_override_separate_regions() -> None:
    a = analyse(
        "PT did selective debridement of the foot ulcer and the doctor debrided the same ulcer on the foot and leg"
    )
    assert a.same_site and a.distinct == ""


def test_body_regions_are_not_read_from_idioms() -> None:
    a = analyse("patient came back with knee pain; on the other hand the first visit was short")
    assert a.distinct == "XE"  # "came back" is a separate encounter, not a site on the back
    assert analyse("got back to us about the knee injection").distinct == ""
    # "So it won't grow back": the nail's matrix, not a second site on the back (it had
    # offered XS for the nail procedures and the block of one toe).
    toe = "great toe: digital block, nail edge removed, phenol to the matrix so it won't grow back"
    assert analyse(toe).distinct == ""
    assert analyse("lesion on the upper back and a wart on the hand").distinct == "XS"


def test_a_digit_modifier_already_says_the_side() -> None:
    # 20550 has bilateral indicator 1: a side alone would be RT, but F8 (right ring finger)
    # already says it.
    fact = CodeFact("20550", "CPT", "", "", 1.0, True, rvus=SimpleNamespace(bilateral="1"))  # type: ignore[arg-type]
    a = analyse("trigger finger injection (20550) R ring finger. which finger modifier?")
    assert a.digits == ("F8",)
    assert _anatomic(a, [fact]) == []
    assert _anatomic(analyse("20550 injection, right shoulder tendon sheath"), [fact]) == ["RT"]


def test_a_bilateral_code_takes_no_50() -> None:
    from consultant.drafting.modifiers import _side_allowed

    both = CodeFact("77067", "CPT", "", "", 1.0, False, rvus=SimpleNamespace(bilateral="2"))  # type: ignore[arg-type]
    one = CodeFact("20610", "CPT", "", "", 1.0, False, rvus=SimpleNamespace(bilateral="1"))  # type: ignore[arg-type]
    assert not _side_allowed("50", [both])
    assert _side_allowed("50", [one]) and _side_allowed("25", [both])


def test_an_earlier_surgery_is_context_not_a_service() -> None:
    from consultant.matching.cues import prior_procedures

    assert prior_procedures("pt is 3 weeks post lap chole (90 day global). came in today") == (
        "lap chole",
    )
    assert prior_procedures("in the 90 day global for a r hip replacement and now a ctr") == (
        "r hip replacement",
    )
    assert prior_procedures("post-op visit, wound check") == ()


def test_fifty_goes_on_one_line_of_one_unit() -> None:
    from consultant.drafting.facts import ModifierFact
    from consultant.drafting.modifiers import one_line_bilateral

    priced = SimpleNamespace(bilateral="1", nf_payment=Decimal("89.60"), f_payment=Decimal("51.13"))
    knee = CodeFact("20610", "CPT", "", "", 1.0, True, rvus=priced)  # type: ignore[arg-type]
    one_line_bilateral([ModifierFact("50", "Bilateral", "", True)], [knee])
    assert knee.billing_units == 1
    shoulder = CodeFact("20610", "CPT", "", "", 1.0, True, rvus=SimpleNamespace(bilateral="1"))  # type: ignore[arg-type]
    one_line_bilateral([ModifierFact("50", "Bilateral", "", False)], [shoulder])
    assert shoulder.billing_units is None


def test_a_procedure_only_visit_gets_no_25() -> None:
    from consultant.drafting.modifiers import _from_edits

    a = analyse(
        "Pt came in only for ear wax, doc removed impacted cerumen, R ear (69210). 99213-25 too?"
    )
    edit = Edit("69210", "99213", "1", "Misuse of column two code", "2024-07-01", None, None)
    assert a.procedure_only
    assert "99213" in bundled(a, [edit])
    assert _from_edits(a, [edit], []) == []


def test_a_screening_that_became_treatment_keeps_its_screening_modifier() -> None:
    from consultant.drafting.modifiers import _screening_became_treatment

    snare = CodeFact("45385", "CPT", "", "", 1.0, False)
    medicare = analyse("Medicare screening colonoscopy, polyp removed by snare")
    assert _screening_became_treatment(medicare, [snare]) == ["PT"]
    assert _screening_became_treatment(analyse("screening colonoscopy, Aetna, snare"), [snare]) == [
        "33"
    ]
    assert (
        _screening_became_treatment(analyse("diagnostic colonoscopy for bleeding"), [snare]) == []
    )


def test_an_im_injection_beside_an_iv_push_of_another_drug_takes_xu() -> None:
    """NCCI 96374/96372 (indicator 1): Zofran IV push and Toradol IM are two drugs by two
    routes, so 96372 is billed with XU, not taken off the claim."""
    from consultant.drafting.modifiers import _distinct

    text = "Zofran 4mg IVP and Toradol 30 mg IM in the deltoid. I had 96374, 96372."
    edit = _edit("96374", "96372", "CPT Manual or CMS manual coding instruction")
    assert _distinct(analyse(text), edit) == "XU"
    assert bundled(analyse(text), [edit]) == {}
    # Both pushed: nothing makes them distinct.
    assert _distinct(analyse("Zofran IV push, then Toradol IV push. 96374, 96375?"), edit) == ""


def test_a_question_about_modifiers_themselves() -> None:
    from consultant.drafting.modifiers import _asks_meaning

    assert _asks_meaning(analyse("What does the JW modifier mean and when is JZ required?"))
    assert not _asks_meaning(analyse("Do we need modifier JZ on J1100 x 10?"))


def test_a_nurse_visit_only_for_the_shot_is_not_billed_beside_its_administration() -> None:
    """CMS: the staff work of giving a vaccine or injection is its administration code; 99211
    (with 25) needs a separate problem. The PTP edit G0008/99211 has indicator 1, which alone
    would offer 25."""
    edit = _edit("G0008", "99211", "Misuse of column two code with column one code")
    out = bundled(analyse("Medicare pt, nurse visit for a flu shot only. Codes?"), [edit])
    assert "99211" in out and "administration code alone" in out["99211"]
    seen = analyse("nurse gave the flu shot and the doctor also saw him for a new rash")
    assert "99211" not in bundled(seen, [edit])


def test_a_staff_visit_for_a_procedure_listed_under_99211_bills_the_procedure() -> None:
    """CMS lists 99211 as column 1 over 96523 (indicator 0): for a visit that is only the
    flush, the flush is the service and the visit goes, not the other way round."""
    edit = Edit(
        "99211", "96523", "0", "CPT Manual or CMS manual coding instruction", "", None, None
    )
    out = bundled(analyse("port flush w/ heparin, nurse visit only, doc not seen"), [edit])
    assert set(out) == {"99211"} and "96523 is the service" in out["99211"]
    seen = analyse("nurse flushed the port and the doctor also saw him for a new rash")
    assert set(bundled(seen, [edit])) == {"96523"}


def test_no_25_is_offered_for_a_nurse_visit_only_for_the_shot() -> None:
    from consultant.drafting.modifiers import _from_edits

    edit = _edit("G0009", "99211", "Misuse of column two code with column one code")
    advice = _from_edits(analyse("Nurse visit only, Pneumovax today. 99211-25 too?"), [edit], [])
    assert advice == []


def test_an_edit_on_a_code_not_billed_invites_no_modifier() -> None:
    """20611 reported for the asker's 20610 + 76942: the edit 20611/76942 says why 76942 is
    not billed; advice to add XS or XU to it would invite the unbundling it explains."""
    from consultant.drafting.modifiers import _from_edits

    billed = [CodeFact("20611", "CPT", "", "", 1.0, False)]
    analysis = analyse("US-guided knee injection, we billed 20610 + 76942")
    assert _from_edits(analysis, [_edit("20611", "76942")], billed) == []
    both = [*billed, CodeFact("76942", "CPT", "", "", 1.0, False)]
    assert _from_edits(
        analyse("knee injection and a guided biopsy"), [_edit("20611", "76942")], both
    )


def test_a_part_of_the_codes_own_definition_invites_no_modifier() -> None:
    """93325 (color Doppler) under 93306, whose descriptor includes it: the same echo's
    Doppler is never billed beside it, whatever modifier; the X modifiers are not offered."""
    out = bundled(
        analyse("complete TTE with spectral and color doppler. can we add 93325 to 93306?"),
        [_edit("93306", "93325", "HCPCS/CPT procedure code definition")],
    )
    assert "by 93306's own definition" in out["93325"] and "no modifier applies" in out["93325"]
    assert "XS" not in out["93325"]


def test_the_code_that_corrects_the_askers_stands_for_it_in_the_edit() -> None:
    """The asker billed 32554 + 76942; the draft corrects 32554 to 32555 (with imaging
    guidance). 32555/76942 is then the asker's pair: the guidance is not billed beside the
    code that includes it, as it was not beside the code it replaced."""
    a = analyse("thoracentesis w/ US guidance, we billed 32554 + 76942, 76942 denied. right code?")
    edit = _edit("32555", "76942", "CPT Manual or CMS manual coding instruction")
    assert "76942" not in bundled(a, [edit])  # drafting's own pair: explained, not dropped
    assert "76942" in bundled(a, [edit], ["32555"])


def test_anesthesia_by_the_operating_physician_is_integral() -> None:
    """NCCI files the nerve block beside the procedure it numbs as "Anesthesia service
    included in surgical procedure": part of the procedure, never a bypass modifier."""
    from datetime import date

    from consultant.codes.lookup import Edit
    from consultant.drafting.modifiers import integral

    block = Edit(
        "11750", "64450", "1", "Anesthesia service included in surgical procedure", "", None, None
    )
    assert "part of the procedure" in integral(block)
    other = Edit(
        "11750", "11730", "1", "Standards of medical/surgical practice", "", date(2024, 7, 1), None
    )
    assert integral(other) == ""


def test_a_code_the_bilateral_concept_does_not_apply_to_says_nothing() -> None:
    """Indicator 9 (J3301 beside a bilateral 20610-50) had printed "Concept does not apply.
    So ." in the reply: nothing is said of it; the procedure's indicator still is."""
    from consultant.drafting.checks import bilateral

    drug = CodeFact("J3301", "HCPCS", "", "", 1.0, False, rvus=SimpleNamespace(bilateral="9"))  # type: ignore[arg-type]
    joint = CodeFact("20610", "CPT", "", "", 1.0, False, rvus=SimpleNamespace(bilateral="1"))  # type: ignore[arg-type]
    said = bilateral(analyse("kenalog 40 mg into each knee"), [drug, joint])
    assert len(said) == 1 and said[0].startswith("20610 bilateral indicator 1")
