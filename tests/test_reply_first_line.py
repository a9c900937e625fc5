"""The reply's first line answers what was asked: units the asker proposes beyond a policy
limit are corrected before anything else."""

from __future__ import annotations


def _mue_answer(code: str, asked: int, mue_units: int, mai: str):  # type: ignore[no-untyped-def]
    from consultant.codes.lookup import Mue
    from consultant.drafting.facts import Answer, CodeFact
    from consultant.matching.analyse import Analysis

    fact = CodeFact(code, "CPT", "Upper GI endoscopy with biopsy", "", 1.0, True)
    fact.mue = Mue(code, mue_units, mai, "", "2024-07-01")
    analysis = Analysis(codes=(code,), units={code: asked}, question_type="lookup")
    return Answer(analysis, [fact], [], [], [], 0.9, False, [])


def test_units_asked_beyond_a_policy_limit_are_answered_first() -> None:
    """'43239 x3 or x1?': the MUE of 1 with MAI 2 answers it, in the first line."""
    from consultant.drafting.render import summary_line

    line = summary_line(_mue_answer("43239", 3, 1, "2"))
    assert line.startswith("Report 43239 once (1 unit), not x 3: its MUE is 1 per day with MAI 2")
    # A clinical MUE (MAI 3) can be exceeded on appeal: it does not decide the units.
    assert "not x 3" not in summary_line(_mue_answer("43239", 3, 1, "3"))
    assert "not x" not in summary_line(_mue_answer("43239", 1, 1, "2"))


def test_diagnoses_are_given_in_their_sequence(session) -> None:  # type: ignore[no-untyped-def]
    """'Which dx first?': the first line says which code goes first."""
    from dataclasses import replace

    from consultant.codes.knowledge import load_bundled_knowledge
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import summary_line

    load_bundled_knowledge(session)
    session.flush()
    a = build_answer(
        session,
        "Pt here today for chemo for adenocarcinoma of the R upper lobe lung. Which dx first?",
    )
    # Bundled knowledge has no ICD-10-CM records, so the draft is held for review; the line
    # is read as it would be with them loaded.
    for code in a.codes:
        code.billed = True
    first = summary_line(
        replace(a, analysis=replace(a.analysis, question_type="diagnosis"), confidence=0.9)
    )
    assert first.startswith("Report Z51.11") and "first, then C34.11" in first


def test_a_decision_for_major_surgery_takes_57_in_the_first_line() -> None:
    """An E/M paid beside a 90-day surgery is the decision to operate: the first line says
    57, not 25 (it once said 25 whatever modifier the draft recommended)."""
    from consultant.codes.lookup import Edit
    from consultant.drafting.facts import Answer, CodeFact, ModifierFact
    from consultant.drafting.render import summary_line
    from consultant.matching.analyse import Analysis

    surgery = CodeFact("47562", "CPT", "Laparoscopic cholecystectomy", "", 1.0, True)
    visit = CodeFact("99214", "CPT", "Office visit, established, moderate", "", 1.0, True)
    edit = Edit("47562", "99214", "1", "", "2024-07-01", None, None)
    chosen = ModifierFact("57", "Decision for surgery", "", True)
    answer = Answer(
        Analysis(codes=("99214",), question_type="modifier"),
        [surgery, visit], [edit], [chosen], [], 0.9, False, [],
    )  # fmt: skip
    line = summary_line(answer)
    assert "append modifier 57 to 99214, not 25" in line


def test_a_modifier_on_one_code_is_said_with_the_code_and_the_first_diagnosis() -> None:
    """ "How do we code the CPT, modifier, and what dx goes first?": the first line once said
    only "Modifier PT applies", leaving the code and the diagnosis to the body."""
    from consultant.drafting.facts import Answer, CodeFact, ModifierFact
    from consultant.drafting.render import summary_line
    from consultant.matching.analyse import Analysis

    snare = CodeFact("45385", "CPT", "Colonoscopy with snare removal", "", 1.0, True)
    screening = CodeFact("Z12.11", "ICD-10-CM", "Screening for colon cancer", "", 1.0, True)
    pt = ModifierFact("PT", "Screening converted to diagnostic", "", True)
    analysis = Analysis(question_type="modifier", asks_diagnosis_too=True)
    line = summary_line(Answer(analysis, [snare, screening], [], [pt], [], 0.9, False, []))
    assert line.startswith("Report 45385-PT (screening converted to diagnostic)")
    assert "Z12.11 (Screening for colon cancer) first as the diagnosis" in line
    alone = Analysis(question_type="modifier")
    line = summary_line(Answer(alone, [snare, screening], [], [pt], [], 0.9, False, []))
    assert line.startswith("Report 45385-PT") and "Z12.11" not in line


def test_a_bypass_modifier_asked_beside_units_is_answered_too() -> None:
    """ "How many units, and does 97140 still need a 59?": with no active edit between the
    codes the first line says 59 is not needed after the units."""
    from consultant.drafting.facts import Answer, CodeFact
    from consultant.drafting.render import summary_line
    from consultant.matching.analyse import Analysis

    facts = [
        CodeFact("97530", "CPT", "Therapeutic activities", "", 1.0, True),
        CodeFact("97140", "CPT", "Manual therapy", "", 1.0, True),
    ]
    analysis = Analysis(question_type="units", modifiers=("59",))
    line = summary_line(Answer(analysis, facts, [], [], [], 0.9, False, [], "2024-07-01"))
    assert "Modifier 59 is not needed: no active NCCI edit pairs 97530 and 97140" in line
    unchecked = Answer(analysis, facts, [], [], [], 0.9, False, [])  # no edits loaded
    assert "not needed" not in summary_line(unchecked)


def test_a_modifier_that_does_not_apply_is_answered_on_the_code() -> None:
    """ "Do I use the irrigation code? Bill 2 units or modifier 50?": "use" asks about a code,
    not what 50 means; the code billed leads, with the rule that leaves 50 off."""
    from consultant.drafting.facts import Answer, CodeFact, ModifierFact
    from consultant.drafting.modifiers import _asks_meaning
    from consultant.drafting.render import summary_line
    from consultant.matching.analyse import analyse

    asked = analyse(
        "Cerumen removed with a curette both ears. Do I use the irrigation code? Bill 2 units "
        "or modifier 50?"
    )
    assert not _asks_meaning(asked)
    assert _asks_meaning(analyse("What is modifier 25 used for?"))
    fact = CodeFact("69210", "CPT", "Removal of impacted cerumen", "", 1.0, False)
    fact.worked = ["both sides: 69210 is priced for one or both, without modifier 50"]
    fact.units = 1
    fifty = ModifierFact("50", "Bilateral procedure", "", False)
    line = summary_line(Answer(asked, [fact], [], [fifty], [], 0.9, False, []))
    assert line.startswith("Report 69210 x 1 unit") and "without modifier 50" in line


def _lab_answer(question: str, modifiers: list[tuple[str, bool]]):  # type: ignore[no-untyped-def]
    from consultant.codes.lookup import Mue
    from consultant.drafting.facts import Answer, CodeFact, ModifierFact
    from consultant.matching.analyse import analyse

    fact = CodeFact("84132", "CPT", "Potassium, serum", "", 1.0, True)
    fact.mue = Mue("84132", 2, "3", "", "2024-07-01")
    described = {
        "91": ("Repeat clinical diagnostic laboratory test", "Same lab test repeated that day."),
        "59": ("Distinct procedural service", "Bypasses an NCCI edit."),
        "76": ("Repeat procedure by the same physician", "A procedure repeated."),
    }
    facts = [ModifierFact(m, *described[m], recommended) for m, recommended in modifiers]
    return Answer(analyse(question), [fact], [], facts, [], 0.9, False, [])


def test_a_modifier_weighed_against_another_is_answered_with_the_one_that_applies() -> None:
    """ "Do we use 59 or 76 on the second?" of a lab test repeated the same day: neither;
    91 goes on the test, said first. Units asked of a repeated test say the 91 line before
    the MUE."""
    from consultant.drafting.render import summary_line

    asked = "K drawn at 8am, repeated at 2pm. We billed 84132 x2. Do we use 59 or 76 on the second?"
    line = summary_line(_lab_answer(asked, [("59", False), ("76", False), ("91", True)]))
    assert line.startswith("Append modifier 91 to 84132"), line
    assert "not 59 or 76" in line
    units = "Potassium rechecked at 1pm. 2nd 84132 denied. Is there a limit on how many a day?"
    line = summary_line(_lab_answer(units, [("91", True)]))
    assert line.startswith("Report the repeat as 84132-91"), line
    assert "MUE for 84132 is 2 per day" in line


def test_two_modifiers_weighed_are_read_but_minutes_and_ages_are_not() -> None:
    from consultant.matching.analyse import analyse

    assert analyse("Do we use 59 or 76 on the second?").modifiers == ("59", "76")
    assert analyse("Is it 25 or 30 minutes?").modifiers == ()
    assert analyse("pt is 55 or 56 years old").modifiers == ()
    assert analyse("K rechecked at 1pm, 2nd 84132 denied").repeated


def test_two_corrections_to_one_report_are_said_once() -> None:
    """Two of the asker's codes replaced by the same codes: one "Report ..., not A or B"."""
    from consultant.drafting.answer import _corrections_lead

    why = "ceftriaxone is the initial infusion by the hierarchy."
    merged = _corrections_lead(
        [f"Report 96365, 96375, not 96360: {why}", f"Report 96365, 96375, not 96374: {why}"]
    )
    assert merged == [f"Report 96365, 96375, not 96360 or 96374: {why}"]
    two = _corrections_lead(["Report 96402, not 96372: a.", "Report J9217 x 3, not J1950 x 6: b."])
    assert two == ["Report 96402, not 96372: a. Report J9217 x 3, not J1950 x 6: b."]


def test_an_uncertain_condition_is_matched_by_its_own_words_not_filler() -> None:
    """E11.65 ("... with hyperglycemia") is not the "pneumonia with effusion" ruled out."""
    from consultant.drafting.answer import _uncertain_named
    from consultant.matching.analyse import analyse

    analysis = analyse("ED: rule out pneumonia with effusion; DM2 with hyperglycemia. E11.65 ok?")
    assert analysis.uncertain
    assert _uncertain_named(analysis, ["E11.65"]) is None
    assert _uncertain_named(analysis, ["J18.9"]) is not None
