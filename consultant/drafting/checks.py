"""The coding rules a reviewer expects the draft to apply, one function each, over the
analysis's facts (never the text). Each returns plain sentences for the reply's "Watch for"
section."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.explain import BILATERAL
from consultant.matching.analyse import Analysis

if TYPE_CHECKING:
    from consultant.drafting.facts import CodeFact


def addon_without_primary(facts: list[CodeFact], billed: set[str]) -> list[str]:
    out = []
    for fact in facts:
        if fact.addon_primaries and fact.code in billed and not set(fact.addon_primaries) & billed:
            examples = ", ".join(sorted(fact.addon_primaries)[:4])
            out.append(
                f"{fact.code} is an add-on code: report it only with its primary procedure (e.g. {examples})."
            )
    return out


def units_over_mue(facts: list[CodeFact], units: dict[str, int]) -> list[str]:
    out = []
    for fact in facts:
        wanted = units.get(fact.code)
        if fact.mue and wanted and wanted > fact.mue.units:
            out.append(
                f"{wanted} units of {fact.code} exceeds its MUE of {fact.mue.units} per day "
                f"(MAI {fact.mue.mai}: {fact.mue.meaning})."
            )
    return out


def never_paid_units(
    session: Session, analysis: Analysis, facts: list[CodeFact], on: date | None
) -> list[str]:
    """The asker's codes the draft does not bill whose practitioner MUE is 0: why a claim
    with them is denied whatever the units (96376 on a physician's claim)."""
    billed = {f.code for f in facts if f.billed}
    out = []
    for code in analysis.codes:
        mue = lookup.mue(session, code, on) if code not in billed else None
        if mue is not None and mue.units == 0:
            out.append(
                f"{code} has a practitioner MUE of 0 (MAI {mue.mai}): Medicare denies every "
                "unit of it on a physician's or practitioner's claim."
            )
    return out


def bilateral(analysis: Analysis, facts: list[CodeFact]) -> list[str]:
    if "50" not in analysis.modifiers and not analysis.bilateral:
        return []
    out = []
    for fact in facts:
        # Indicator 9 (a drug, a visit: the concept does not apply) has nothing to say.
        indicator = fact.rvus.bilateral if fact.rvus else ""
        if indicator in BILATERAL and indicator != "9" and fact.system != "ICD-10-CM":
            advice = {
                "0": "do not append 50",
                "1": "append 50 on one line (paid at 150%)",
                "2": "do not append 50: the code already covers both sides",
                "3": "report each side (RT and LT, or two lines) at 100% each",
            }.get(indicator, "")
            out.append(
                f"{fact.code} bilateral indicator {indicator}: {BILATERAL[indicator]} So {advice}."
            )
    return out


def global_period(analysis: Analysis, facts: list[CodeFact]) -> list[str]:
    """Modifier 25 vs 57 vs 24/79 against the procedure's global period."""
    out = []
    majors = [f for f in facts if f.rvus and f.rvus.global_days == "090"]
    minors = [f for f in facts if f.rvus and f.rvus.global_days in ("000", "010")]
    if "25" in analysis.modifiers and majors and not minors:
        out.append(
            f"{majors[0].code} has a 90-day global period: an E/M the day before or the day of "
            "the decision to operate takes modifier 57, not 25."
        )
    if "57" in analysis.modifiers and minors and not majors:
        out.append(
            f"{minors[0].code} has a {minors[0].rvus.global_days}-day global period "  # type: ignore[union-attr]
            "(minor procedure): a separately identifiable E/M takes modifier 25; 57 is for major surgery."
        )
    for f in majors + minors:
        if (
            f.rvus
            and f.rvus.global_days in ("010", "090")
            and {"24", "79", "58", "78"} & set(analysis.modifiers)
        ):
            out.append(
                f"{f.code} global period {f.rvus.global_days} days: visits and procedures inside it "
                "need 24 (unrelated E/M), 79 (unrelated procedure), 58 (staged) or 78 (return to OR)."
            )
            break
    return out


def terminated(session: Session, facts: list[CodeFact], on: date | None) -> list[str]:
    when = on or date.today()
    out = []
    for fact in facts:
        ended = lookup.termination_date(session, fact.code)
        if ended is not None and ended < when:
            out.append(
                f"{fact.code} was deleted effective {ended.isoformat()}; check its replacement."
            )
    return out


def place_of_service(session: Session, analysis: Analysis) -> list[str]:
    if not analysis.asks_place_of_service or analysis.place_of_service or analysis.setting_place:
        return []  # a place the question names is answered by drafting.places
    line = "Place of service goes in the claim's POS field (item 24B), never in the modifier field."
    if analysis.place_of_service:
        pos = lookup.place_of_service(session, analysis.place_of_service)
        if pos is not None:
            line += f" POS {pos.code} is {pos.name} ({pos.setting or 'setting not stated'})."
    return [line]


def record_not_final(analysis: Analysis) -> list[str]:
    """Surgery is coded from the signed operative report; a charge slip or an unsigned note
    may change (the approach, the extent, what was done on which side)."""
    if not analysis.record_not_final:
        return []
    return [
        "Code the surgery from the signed operative note, not from the charge slip or an "
        "unsigned draft: the extent of each procedure, the side and what was done only there "
        "decide the codes. Hold the claim until the note is signed, then send it to us if a "
        "code is still in doubt."
    ]


def payer_caveat(analysis: Analysis) -> list[str]:
    if analysis.payer and analysis.payer not in ("Medicare",):
        return [
            f"The edits and payment here are Medicare's; {analysis.payer} may apply its own "
            "policies, so check its guidelines."
        ]
    return []
