"""What each code and modifier says in the reply: nothing twice, nothing retired."""

from __future__ import annotations

from consultant.drafting.facts import CodeFact


def test_the_reply_does_not_repeat_the_descriptor_or_retired_code_sets() -> None:
    from consultant.drafting.facts import ModifierFact

    fact = CodeFact("85025", "CPT", "Complete blood count", "Complete blood count.", 1.0, True)
    assert fact.plain_words == ""
    m = ModifierFact(
        "24",
        "Unrelated E/M in a postoperative period",
        "Use for an unrelated E/M in the global period; Only with E/M codes; documentation "
        "of an unrelated ICD-9 code may be requested; Special Instruction for Ophthalmologists",
        True,
    )
    assert m.short_guidance == "Use for an unrelated E/M in the global period; Only with E/M codes."
