"""Modifier 50 on a bilateral-indicator-1 procedure: one line, 1 unit, 150% of the fee."""

from __future__ import annotations

from decimal import Decimal

from consultant.codes.lookup import Rvus
from consultant.drafting.facts import CodeFact, ModifierFact
from consultant.drafting.modifiers import one_line_bilateral


def test_the_150_percent_amount_is_worked_out() -> None:
    """69209 both ears: 0.47 total RVUs x 32.3465 = 15.20; with 50, 22.80."""
    fields = {name: None for name in Rvus.__dataclass_fields__}
    rvus = Rvus(  # type: ignore[arg-type]
        **{
            **fields,
            "nf_total": Decimal("0.47"),
            "f_total": Decimal("0.47"),
            "conv_factor": Decimal("32.3465"),
            "bilateral": "1",
        }
    )
    fact = CodeFact("69209", "CPT", "Cerumen removal by irrigation", "", 1.0, True)
    fact.rvus, fact.units = rvus, 2
    one_line_bilateral([ModifierFact("50", "Bilateral", "", True)], [fact])
    assert fact.units == 1
    assert "$22.80 non-facility" in fact.worked[-1]
