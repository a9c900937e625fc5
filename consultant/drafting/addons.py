"""The order of an add-on code and its primary. On the claim the primary comes first
(99291 then 99292); a question that asks only about the add-on ("how many 99292?", "how do
we bill the additional hours?", "can G2211 go with a 25 modifier?") is answered by the
add-on, so it leads and the primary follows as the code it needs.

What tells the two kinds of question apart is the sentence that asks: it names the add-on
and not its primary, or asks about the additional time, hours or units and names no code.
A question that describes an encounter and asks for its codes ("admin codes with units?")
keeps the claim's order, and so does one that names the primary and gives the time both
codes' units come from ("99205 by time, 80 minutes: how many 99417?"): its answer is the
claim, the primary with the add-on's units. An add-on to an office or other visit (99417,
G2212, G2211) follows the visit whatever is asked: the visit's level is part of the answer
("new pt, 92 mins: how many 99417?" is 99205 with 99417 x 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from consultant.drafting.candidates import Selection
from consultant.drafting.drugs import is_administration
from consultant.drafting.facts import CodeFact
from consultant.drafting.visits import visit_of
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate


def is_addon(fact: CodeFact) -> bool:
    """An add-on code: NCCI lists its primaries, or the fee schedule's global period is ZZZ."""
    return bool(fact.addon_primaries) or (fact.rvus is not None and fact.rvus.global_days == "ZZZ")


def asked_addon(analysis: Analysis, facts: list[CodeFact]) -> str | None:
    """The billed add-on the asking sentence is about, or None when the question asks for
    the encounter's codes."""
    billed = [f for f in facts if f.billed and f.system in ("CPT", "HCPCS")]
    addons = [f for f in billed if is_addon(f)]
    if not addons:
        return None
    asked = set(analysis.asked_codes)
    primaries = [f.code for f in billed if not is_addon(f)]
    if any(c in asked for c in primaries):
        return None
    if analysis.minutes is not None and any(c in analysis.codes for c in primaries):
        return None  # the claim's units from the time the question gives
    if any(visit_of(c) is not None for c in primaries):
        return None  # the visit's level is part of the answer (99205 before 99417 or G2211)
    named = [f.code for f in addons if f.code in asked]
    if len(named) == 1:
        return named[0]
    if not asked and analysis.asks_additional:
        return addons[0].code
    return None


def addon_first(analysis: Analysis, facts: list[CodeFact]) -> list[CodeFact]:
    """``facts`` with the add-on the question asks about first (see the module's note)."""
    code = asked_addon(analysis, facts)
    if code is None:
        return facts
    return sorted(facts, key=lambda f: not (f.code == code and f.billed))


def primary_described(
    selection: Selection,
    candidates: Sequence[Candidate],
    primaries_of: Callable[[str], Sequence[str]],
) -> None:
    """An add-on billed without any of its primaries, when the words name a primary too
    ("screening mammogram with 3D tomosynthesis": 77067 with the add-on 77063): the primary
    joins the claim ahead of it. An add-on is never paid alone. ``primaries_of`` gives an
    add-on's primaries (the NCCI add-on code edits in force)."""
    codes = [c for c, _ in selection.services]
    for code in codes:
        if is_administration(code):
            continue  # drug administration's initial service is the sequence's (drugs)
        primaries = set(primaries_of(code))
        if not primaries or primaries & set(codes):
            continue
        named = next((c for c in candidates if c.code in primaries and c.phrase), None)
        if named is None:
            continue
        at = codes.index(code)
        selection.services.insert(at, (named.code, 1.0))
        selection.alternatives = [(c, s) for c, s in selection.alternatives if c != named.code]
        selection.worked.setdefault(named.code, []).append(
            f"{named.code} is the primary service {code} adds to: an add-on is billed with it"
        )
        codes = [c for c, _ in selection.services]
