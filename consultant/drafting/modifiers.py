"""Stage 3b, modifiers: from the PTP modifier indicators, the fee schedule's indicators, NCCI
policy and the situation the question describes. One place for every modifier rule.

The rules a certified coder applies (NCCI Policy Manual ch. I E-F and XI; CMS MLN "Proper
use of modifiers 59, XE, XP, XS, XU"; Medicare Claims Processing Manual ch. 12 s. 30.6 and
40 for 24, 25, 57):
- indicator 0: no modifier is ever allowed;
- indicator 1 with an E/M: 25 on the E/M for a significant, separately identifiable visit,
  or 57 when the visit was the decision for surgery with a 90-day global; never both;
- indicator 1 between procedures: a modifier only when the services are distinct, and then
  the X modifier that says why (XS site, XE encounter, XP practitioner, XU unusual
  non-overlapping service) before 59; with no such reason, no bypass is suggested;
- services NCCI treats as integral to another (a venipuncture or IV start for an infusion,
  a port flush with other services through the port) are never bypassed;
- bilateral indicator 1: 50; indicator 3: RT and LT; 2: none (the code is bilateral);
- a side named on a paired organ: RT or LT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.sections import is_em
from consultant.drafting.drugs import is_administration
from consultant.drafting.facts import CodeFact, ModifierFact
from consultant.matching.analyse import Analysis
from consultant.rules import components
from consultant.rules.em import preventive_visit

# Column 2 codes that NCCI policy treats as part of the column 1 service whenever both are
# done at one encounter, so a distinct-service modifier is never appropriate between them.
# (NCCI Policy Manual ch. XI: vascular access for infusions and injections is included;
# a flush of an implanted device is included in any other service given through it.)
INTEGRAL_COLUMN2 = {
    "36000": "the IV start is part of the infusion or injection",
    "36410": "the venipuncture is part of the infusion or injection",
    "36591": "drawing blood from the access device is part of the other service through it",
    "96523": "flushing the device is part of the other service given through it",
    "96360": "hydration incidental to a drug infusion is part of it",
    "96361": "hydration incidental to a drug infusion is part of it",
    "94760": "pulse oximetry is part of the visit or procedure",
    "99211": "a nurse visit on the day of an injection or procedure is part of it",
}
# The edits CMS files as "Anesthesia service included in surgical procedure": the block or
# local anesthesia the operating physician gives (a digital block for a nail procedure) is
# part of the procedure (NCCI Policy Manual ch. II), whatever the modifier indicator.
_ANESTHESIA_INCLUDED = "anesthesia service included in surgical procedure"


def integral(edit: lookup.Edit) -> str:
    """Why the column 2 service is part of the column 1 service at one encounter, when NCCI
    treats it so ("" otherwise): no distinct-service modifier is ever right there."""
    if edit.column2 in INTEGRAL_COLUMN2:
        return INTEGRAL_COLUMN2[edit.column2]
    if edit.rationale.strip().lower() == _ANESTHESIA_INCLUDED:
        return (
            "anesthesia by the physician who does the procedure (a digital or other nerve "
            "block, local or regional) is part of the procedure"
        )
    return ""


NURSE_VISIT = "99211"
# When the first is recommended, the second is not (the more specific situation wins).
# The modifiers that bypass an NCCI procedure-to-procedure edit: without an edit to bypass
# there is nothing for them to say, and appending one anyway invites review.
BYPASS = ("59", "XE", "XP", "XS", "XU")
EXCLUSIVE = [("57", "25"), ("JZ", "JW"), ("GZ", "GA"), ("77", "76"), ("50", "RT"), ("50", "LT")]
BILATERAL_ADVICE = {
    "1": "50",
    "3": "RT/LT",
}


def modifier_facts(
    session: Session, analysis: Analysis, edits: list[lookup.Edit], facts: list[CodeFact]
) -> tuple[list[ModifierFact], list[str]]:
    """Modifiers asked about and those that apply, with the advice that explains them."""
    meaning = _asks_meaning(analysis)
    wanted: list[tuple[str, bool]] = [(m, meaning) for m in analysis.modifiers]
    wanted += [(m, meaning) for m in analysis.named_modifiers]
    advice: list[str] = []
    billed = [f for f in facts if f.billed and f.system in ("CPT", "HCPCS")]
    for mod, note in _from_edits(analysis, edits, billed):
        if mod:
            wanted.append((mod, True))
        if note:
            advice.append(note)
    if not any(is_em(e.column1) or is_em(e.column2) for e in edits):
        visit_mod, note = _visit_with_procedure(analysis, billed)
        if visit_mod:
            wanted.append((visit_mod, True))
        if note:
            advice.append(note)
    wanted += [(m, True) for m in _anatomic(analysis, billed)]
    wanted += [(m, True) for m in _component(analysis, billed)]
    wanted += [(m, True) for m in analysis.digits]
    wanted += [(m, True) for m in _repeat_and_global(analysis, billed)]
    wanted += [(m, True) for m in _screening_became_treatment(analysis, billed)]
    wanted += [(m, True) for m in _therapy_discipline(analysis, billed)]
    wanted += [
        (m, True)
        for m in analysis.modifier_cues
        if _side_allowed(m, billed)
        and (m != "GY" or m in analysis.modifiers or _excluded_billed(billed))
    ]
    # A side modifier the asker proposes is confirmed when the code's indicator takes it.
    wanted += [
        (m, True)
        for m in analysis.modifiers
        if m in _SIDE_INDICATORS and billed and _side_allowed(m, billed)
    ]
    # JW for a single-dose container's discarded amount, JZ when none was: the drug units'
    # arithmetic decides over the words that only suggest one.
    computed = [m for f in billed if f.dose_units for m in f.dose_units.modifiers]
    if computed:
        wanted = [(m, rec) for m, rec in wanted if not (rec and m in ("JW", "JZ"))]
        wanted += [(m, True) for m in computed]
    return _resolve(session, wanted, keep_all=meaning), advice


# Words of a question that asks what a modifier is or when it is used, not which applies to
# a claim it describes.
_MEANING = ("mean", "means", "meaning", "definition", "required", "when", "use", "used")


# What a pair of modifiers asked about together means as a rule, beside each one's text.
PAIR_RULES = {
    frozenset({"JW", "JZ"}): (
        "Medicare requires one of them on each line of a drug from a single-dose container: "
        "JW on a line of its own for the amount discarded, JZ on the drug's line when nothing "
        "was discarded (required since 1 July 2023)."
    ),
}


def meaning_line(analysis: Analysis, modifiers: list[ModifierFact]) -> str | None:
    """The first line of a reply to a question about modifiers themselves: each one named
    with what it means, and the rule that joins them."""
    if not _asks_meaning(analysis) or not modifiers:
        return None
    said = "; ".join(
        f"{m.modifier}: {m.description[:1].lower() + m.description[1:].rstrip('.')}"
        for m in modifiers
    )
    rule = PAIR_RULES.get(frozenset(m.modifier for m in modifiers))
    return f"{said}." + (f" {rule}" if rule else "")


def _asks_meaning(analysis: Analysis) -> bool:
    """A question about modifiers themselves ("what does JW mean and when is JZ required?"):
    no code named, only modifiers, and words that ask their meaning or use. The modifiers
    named are then the answer, each explained, and none excludes another."""
    named = analysis.modifiers or analysis.named_modifiers
    if analysis.question_type != "modifier" or analysis.codes or not named:
        return False
    # The asking word is about a modifier ("when is JZ required", "what does 25 mean"), not
    # about a code ("do I use the irrigation code? ... or modifier 50?").
    words = analysis.words
    at = {i for i, w in enumerate(words) if w.upper() in named}
    return any(w in _MEANING and any(abs(i - j) <= _NEAR for j in at) for i, w in enumerate(words))


_NEAR = 4  # words between a meaning word and the modifier it asks about


# The bilateral indicators under which each side modifier is used (fee schedule: 1 = 50 at
# 150%, 3 = each side at 100%; 2 = the code is bilateral already, 0 = no bilateral rules).
_SIDE_INDICATORS = {"50": {"1"}, "RT": {"1", "3"}, "LT": {"1", "3"}}


def _excluded_billed(billed: list[CodeFact]) -> bool:
    """A billed code Medicare does not pay from the fee schedule (GY marks such a line); a
    covered code put in place of an excluded one (an AWV for a routine physical) takes none."""
    return any(f.rvus is None or not f.rvus.priced for f in billed)


def _side_allowed(modifier: str, billed: list[CodeFact]) -> bool:
    """A side modifier the words suggest, kept only when a billed code's indicator takes it."""
    allowed = _SIDE_INDICATORS.get(modifier)
    if allowed is None:
        return True
    known = [f.rvus.bilateral for f in billed if f.rvus is not None]
    return not known or any(indicator in allowed for indicator in known)


def one_line_bilateral(modifiers: list[ModifierFact], services: list[CodeFact]) -> None:
    """With 50 recommended, a bilateral-indicator-1 procedure goes on one line, 1 unit (Medicare
    pays it at 150%); two lines or 2 units with 50 are denied or paid as an error."""
    if not any(m.modifier == "50" and m.recommended for m in modifiers):
        return
    for fact in services:
        if fact.rvus is not None and fact.rvus.bilateral == "1" and not fact.dose_units:
            fact.units = 1
            r = fact.rvus
            nf, f = (
                (p * Decimal("1.5")).quantize(Decimal("0.01"), ROUND_HALF_UP)
                for p in (r.nf_payment, r.f_payment)
            )
            fact.worked.append(
                "both sides with modifier 50: one line, 1 unit, paid at 150% "
                f"(${nf:,.2f} non-facility, ${f:,.2f} facility, national)"
            )


def bundled(
    analysis: Analysis, edits: list[lookup.Edit], named: Iterable[str] = ()
) -> dict[str, str]:
    """Codes an edit keeps from being paid in this situation, with the reason: the column 2
    code of an indicator 0 edit, a service NCCI treats as integral to another, and a visit
    for the procedure alone (no separately identifiable E/M for 25). ``named``: the codes
    that stand for the asker's (a correction's replacement among them)."""
    named = set(named)
    out: dict[str, str] = {}
    for e in edits:
        if e.modifier_indicator == "0" and _nurse_visit_for_the_shot(analysis, e.column1):
            # CMS lists 99211 as column 1 of some procedures done by staff (96523): a visit
            # whose whole purpose is that procedure is billed as the procedure alone.
            out[e.column1] = (
                f"{e.column1} is not billed: the staff visit was for {e.column2} alone, and "
                f"NCCI never pays the two together (modifier indicator 0); {e.column2} is the "
                "service. A separate problem the practitioner evaluated would be an E/M of "
                "its own."
            )
        elif e.modifier_indicator == "0":
            out[e.column2] = (
                f"{e.column2} is bundled into {e.column1} (NCCI modifier indicator 0): it is not "
                "billed with it, and no modifier changes that."
            )
        elif e.modifier_indicator == "1":
            em = next((c for c in (e.column1, e.column2) if is_em(c)), None)
            if em is not None and analysis.procedure_only:
                out[em] = (
                    f"The visit was for the procedure alone: the decision to do it and the usual "
                    f"pre- and post-procedure work are included, so {em} with 25 is not supported."
                )
            elif em is not None and _nurse_visit_for_the_shot(analysis, em):
                out[em] = (
                    f"{em} is not billed with {e.column1 if em == e.column2 else e.column2}: "
                    f"{INTEGRAL_COLUMN2[em]}; a nurse visit only for the injection or vaccine is "
                    "billed with the administration code alone (25 needs a separate problem "
                    "evaluated and documented)."
                )
            elif em is None and (why := integral(e)):
                out[e.column2] = f"{e.column2} is not billed with {e.column1}: {why}."
            elif em is None and not _distinct(analysis, e) and _both_asked(analysis, e, named):
                out[e.column2] = _included(analysis, e)
    return out


def _nurse_visit_for_the_shot(analysis: Analysis, em: str) -> bool:
    """A nurse visit whose service is the injection or vaccine: the staff work of giving it is
    the administration code's; 99211 needs a separate problem the record shows."""
    return em == NURSE_VISIT and not analysis.separate_visit


# Injections by a route of their own (IM or SC) among the administration codes.
INJECTION_CODES = {"96372", "96401", "96402"}


def _distinct(analysis: Analysis, e: lookup.Edit) -> str:
    """The X modifier that makes the two services of an edit distinct: the one the words
    give, else XU for an IM or SC injection of one drug beside the IV service of another
    (Zofran IV push and Toradol IM: two drugs, two routes and sites, NCCI ch. XI)."""
    if analysis.distinct:
        return analysis.distinct
    codes = {e.column1, e.column2}
    if len(codes & INJECTION_CODES) != 1 or not all(is_administration(c) for c in codes):
        return ""
    given = analysis.administrations.given
    injected = {g.drug for g in given if g.injected}
    intravenous = {g.drug for g in given if g.intravenous}
    return "XU" if injected and intravenous and not injected & intravenous else ""


def _both_asked(analysis: Analysis, e: lookup.Edit, named: set[str]) -> bool:
    """The asker proposes both codes, or one and the code that corrects the other (or says
    they share a site): the edit is then the answer to their question. Between codes
    drafting found itself, one of them may be the wrong match, so both stay listed with the
    edit explained."""
    named = named | set(analysis.codes)
    return analysis.same_site or (e.column1 in named and e.column2 in named)


# The PTP rationale under which column 1's descriptor itself includes column 2.
BY_DEFINITION = "HCPCS/CPT procedure code definition"
MUTUALLY_EXCLUSIVE = "Mutually exclusive procedures"


def _included(analysis: Analysis, e: lookup.Edit) -> str:
    """Why the column 2 code of a bypassable edit is not billed when nothing in the question
    makes the services distinct: NCCI pays it only for a separate site, encounter or
    practitioner, which the record must show; a modifier added without one is unbundling."""
    why = f" ({e.rationale.rstrip('.').lower()})" if e.rationale else ""
    if e.rationale == MUTUALLY_EXCLUSIVE:
        return (
            f"{e.column2} and {e.column1} are mutually exclusive (NCCI edit, modifier indicator "
            f"1): one service is reported with one of them, the one the record describes "
            f"({e.column1} here); both only for two separate services at different sites or "
            "encounters."
        )
    if e.rationale == BY_DEFINITION:
        return (
            f"{e.column2} is part of {e.column1} by {e.column1}'s own definition (NCCI edit, "
            f"modifier indicator 1{why}): done within the same service it is never billed "
            f"beside it, and no modifier applies; only a separate service at another "
            f"encounter (XE) could be."
        )
    if analysis.same_site:
        return (
            f"{e.column2} is included in {e.column1} when both are done on the same site: NCCI "
            f"pairs them{why}, and no modifier applies to the same site or sample."
        )
    return (
        f"{e.column2} is included in {e.column1} at the same site and session (NCCI edit, "
        f"modifier indicator 1{why}). Bill both only when the record shows {e.column2} was "
        f"distinct: a separate site (XS), encounter (XE) or practitioner (XP), or a "
        f"non-overlapping service (XU); then append that modifier (59 only when none fits) "
        f"to {e.column2}."
    )


def _from_edits(
    analysis: Analysis, edits: list[lookup.Edit], billed: list[CodeFact]
) -> list[tuple[str, str]]:
    """(modifier to recommend or "", advice) for each edit between the services."""
    out: list[tuple[str, str]] = []
    global_of = {f.code: (f.rvus.global_days if f.rvus else "") for f in billed}
    for e in edits:
        if e.modifier_indicator != "1":
            continue
        em = next((c for c in (e.column1, e.column2) if is_em(c)), None)
        if em is None and e.column2 not in global_of:
            # The edit says why a code is not billed (a part of the whole reported, an
            # administration that became another): no modifier to bypass it is wanted.
            continue
        if em is not None:
            if analysis.procedure_only or _nurse_visit_for_the_shot(analysis, em):
                continue  # bundled() leaves the visit unbilled: no 25 to add to it
            other = e.column2 if em == e.column1 else e.column1
            out.append(_em_modifier(analysis, global_of.get(other, "")))
            continue
        if why := integral(e):
            out.append(
                (
                    "",
                    f"{e.column2} with {e.column1} at one encounter: "
                    f"{why}, so no modifier bypasses this edit there.",
                )
            )
            continue
        distinct = _distinct(analysis, e)
        if distinct:
            # The X modifier that says why; 59 only where a payer does not take X{EPSU}.
            out.append(
                (
                    distinct,
                    f"{distinct} on {e.column2} bypasses the {e.column1}/{e.column2} "
                    f"edit; use 59 instead only for a payer that does not accept {distinct}.",
                )
            )
            continue
        if _both_asked(analysis, e, {f.code for f in billed if f.named}):
            continue  # bundled() leaves the column 2 code unbilled and says when it would not be
        out.append(
            (
                "",
                f"{e.column2} is paid with {e.column1} only when it is distinct: a separate "
                f"site (XS), encounter (XE) or practitioner (XP), or a non-overlapping service "
                f"(XU); then append that modifier (59 only when none fits) to {e.column2}. "
                f"Done at the same site and session, {e.column2} is included in {e.column1}.",
            )
        )
    return out


_MAJOR_VISIT = (
    "An E/M the day before or the day of a major (90-day global) surgery is part of the "
    "surgical package unless it is the visit at which the decision to operate was made; "
    "then it takes modifier 57 (not 25)."
)


def _em_modifier(analysis: Analysis, procedure_global: str) -> tuple[str, str]:
    """25 beside a minor procedure; beside a major (90-day) one, 57 for the decision for
    surgery, else nothing: the visit is in the global package."""
    if procedure_global == "090":
        return ("57", "") if "57" in analysis.modifier_cues else ("", _MAJOR_VISIT)
    return "25", ""


def _visit_with_procedure(analysis: Analysis, billed: list[CodeFact]) -> tuple[str, str]:
    """The same rule when no PTP edit pairs the visit with the procedure (or none is loaded)."""
    if not any(is_em(f.code) for f in billed):
        return "", ""
    if preventive_visit([f.code for f in billed]) and any(_problem_visit(f.code) for f in billed):
        # CPT preventive medicine guidelines: a significant problem addressed at a preventive
        # visit is an office visit of its own, with 25 on it (not on the preventive code).
        return "25", ""
    # Imaging and lab tests are no procedure a visit needs 25 beside (an x-ray ordered at the
    # visit is paid with it, no NCCI edit between them).
    procedures = [
        f
        for f in billed
        if not is_em(f.code) and f.system == "CPT" and not _diagnostic_test(f.code)
    ]
    if not procedures:
        return "", ""
    if any(f.rvus is not None and f.rvus.global_days == "090" for f in procedures):
        return _em_modifier(analysis, "090")
    if any(f.rvus is None or f.rvus.global_days in ("000", "010", "XXX") for f in procedures):
        return "25", ""
    return "", ""


def _diagnostic_test(code: str) -> bool:
    """Radiology (CPT 70010-79999) and pathology and laboratory (80047-89398)."""
    return code.isdigit() and 70010 <= int(code) <= 89398


def _problem_visit(code: str) -> bool:
    """An office visit for a problem (99202-99215), the code 25 goes on at a preventive visit."""
    return code.isdigit() and 99202 <= int(code) <= 99215


def _repeat_and_global(analysis: Analysis, billed: list[CodeFact]) -> list[str]:
    """91 for a lab test repeated the same day, 76 for a repeated procedure (77 by another
    practitioner); in another service's global period 24 for an unrelated visit, 79 for an
    unrelated procedure, 58 for a staged one, 78 for a return to the OR."""
    out: list[str] = []
    labs = [f for f in billed if f.code.isdigit() and 80000 <= int(f.code) <= 89999]
    procedures = [f for f in billed if not is_em(f.code) and f not in labs]
    # A drug given again is counted in its units or by its own code (96376), never with 76.
    repeatable = [f for f in procedures if not (is_administration(f.code) or f.code[:1] in "JQ")]
    if analysis.repeated and labs:
        out.append("91")
    elif analysis.repeated and repeatable and "77" not in analysis.modifier_cues:
        out.append("76")
    # With no code billed, the question is about the modifier itself: the situation decides.
    surgery = bool(procedures) or not billed
    if analysis.global_period == "unrelated":
        out.append("24" if any(is_em(f.code) for f in billed) or not procedures else "79")
    elif analysis.global_period == "staged" and surgery:
        out.append("58")
    elif analysis.global_period == "complication" and surgery:
        out.append("78")
    return out


# Colorectal screening endoscopies that find and treat something become the therapeutic
# code (flexible sigmoidoscopy 45331-45350, colonoscopy 45379-45398); the screening intent
# keeps the patient's cost sharing waived through a modifier.
_SCREENING_TREATED = (range(45331, 45351), range(45379, 45399))


def _screening_became_treatment(analysis: Analysis, billed: list[CodeFact]) -> list[str]:
    """PT for Medicare (CMS MLN "Colorectal cancer screening"), 33 for other payers (ACA
    preventive services), on a screening that became a biopsy or polyp removal."""
    if not analysis.mentions("screening"):
        return []
    treated = any(
        f.code.isdigit() and any(int(f.code) in r for r in _SCREENING_TREATED) for f in billed
    )
    if not treated:
        return []
    return ["PT"] if analysis.payer == "Medicare" else ["33"]


# The therapy plan of care a service is under (CMS Claims Processing Manual ch. 5 s. 20.1:
# GP physical therapy, GO occupational therapy, GN speech-language pathology), by the
# evaluation billed or the words.
_DISCIPLINE_BY_CODE = {
    **dict.fromkeys(("97161", "97162", "97163", "97164"), "GP"),
    **dict.fromkeys(("97165", "97166", "97167", "97168"), "GO"),
    **dict.fromkeys(("92521", "92522", "92523", "92524"), "GN"),
}
_DISCIPLINE_WORDS = (
    (
        "GP",
        r"\bphysical therap\w*|\b(?:pt) (?:eval\w*|plan of care|visit|session|clinic)\b|"
        r"\boutpatient pt\b",
    ),
    ("GO", r"\boccupational therap\w*|\b(?:ot) (?:eval\w*|plan of care|visit|session)\b"),
    ("GN", r"\bspeech(?:[- ]language)? (?:therap\w*|patholog\w*)|\bslp\b"),
)


def _is_therapy(code: str) -> bool:
    """Physical medicine and rehabilitation (97010-97799)."""
    return code.isdigit() and "97010" <= code <= "97799"


def _therapy_discipline(analysis: Analysis, billed: list[CodeFact]) -> list[str]:
    """GP, GO or GN on therapy services (97010-97799, the evaluations), by the plan of care
    the evaluation billed or the words name."""
    if not any(_is_therapy(f.code) or f.code in _DISCIPLINE_BY_CODE for f in billed):
        return []
    by_code = {_DISCIPLINE_BY_CODE[f.code] for f in billed if f.code in _DISCIPLINE_BY_CODE}
    if len(by_code) == 1:
        return list(by_code)
    lowered = analysis.text.lower()
    said = [m for m, words in _DISCIPLINE_WORDS if re.search(words, lowered)]
    return said if len(said) == 1 else []


def _component(analysis: Analysis, billed: list[CodeFact]) -> list[str]:
    """TC or 26 on a code split by modifier (PC/TC indicator 1) when the practice did only
    that part (rules.components); codes with their own part codes are corrected instead."""
    if not analysis.part_done:
        return []
    split = any(f.rvus is not None and f.rvus.pctc == "1" for f in billed)
    return [components.MODIFIER[analysis.part_done]] if split else []


def _anatomic(analysis: Analysis, billed: list[CodeFact]) -> list[str]:
    """50 or RT/LT by the fee schedule's bilateral indicator and the side the question names."""
    out: list[str] = []
    for fact in billed:
        indicator = fact.rvus.bilateral if fact.rvus else ""
        if analysis.bilateral and indicator in BILATERAL_ADVICE:
            out += BILATERAL_ADVICE[indicator].split("/")
        elif analysis.side and indicator in ("1", "3") and not analysis.digits:
            # A finger, toe or eyelid modifier (F8, T2, E3) already says the side.
            out.append(analysis.side)
    return out


def _resolve(
    session: Session, wanted: list[tuple[str, bool]], keep_all: bool = False
) -> list[ModifierFact]:
    recommended = {m for m, rec in wanted if rec}
    for first, second in EXCLUSIVE if not keep_all else ():
        if first in recommended:
            recommended.discard(second)
    out: list[ModifierFact] = []
    seen: set[str] = set()
    for code, _ in wanted:
        if code in seen:
            continue
        seen.add(code)
        row = lookup.modifier(session, code)
        if row is not None:
            out.append(
                ModifierFact(
                    code,
                    row.description,
                    row.instructions or row.information,
                    code in recommended,
                )
            )
    return out
