"""Reply text from answer facts, through the reply templates (subject, text, HTML)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from consultant.codes.sections import is_em
from consultant.drafting.facts import Answer, CodeFact, ModifierFact
from consultant.drafting.modifiers import BYPASS
from consultant.rules.em import PREVENTIVE
from consultant.templating import render

QUESTION_LABELS = {
    "lookup": "Code lookup",
    "same_day_pair": "Codes reported together",
    "units": "Units and limits",
    "modifier": "Modifier question",
    "payment": "Payment and RVUs",
    "compare": "Comparing codes",
    "documentation": "Documentation",
    "diagnosis": "Diagnosis coding",
    "place_of_service": "Place of service",
    "other": "Coding question",
}


@dataclass(frozen=True)
class RenderedReply:
    subject: str
    text: str
    html: str


def render_reply(answer: Answer, subject: str, case_ref: str) -> RenderedReply:
    context = {
        "a": answer,
        "kind": answer.analysis.question_type,
        "kind_label": QUESTION_LABELS.get(answer.analysis.question_type, "Coding question"),
        "case_ref": case_ref,
        "summary": summary_line(answer),
    }
    kind = (
        answer.analysis.question_type
        if answer.analysis.question_type in QUESTION_LABELS
        else "other"
    )
    text = render(f"reply/{kind}.txt.j2", **context)
    return RenderedReply(
        subject=subject,
        text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
        html=render(f"reply/{kind}.html.j2", **context),
    )


def summary_line(answer: Answer) -> str:
    """The one-line answer that opens the reply, shaped by the kind of question; units the
    asker proposes beyond a policy limit are answered first, as they were asked, and a
    bypass modifier asked about beside another question ("how many units, and does it still
    need a 59?") is answered after it."""
    limit = _units_beyond_policy(answer)
    line = _summary(answer)
    bypass = _bypass_not_needed(answer)
    if bypass and bypass not in line:
        line = f"{line} {bypass}"
    return f"{limit} {line}" if limit else line


def _bypass_not_needed(answer: Answer) -> str:
    """The bypass modifier asked about, when no active edit pairs the billed procedures: it
    has nothing to bypass."""
    procedures = [c for c in answer.billed if c.system in ("CPT", "HCPCS")]
    asked = [m for m in answer.analysis.modifiers if m in BYPASS]
    if not asked or len(procedures) < 2 or answer.edits or not answer.ptp_release:
        return ""
    return (
        f"Modifier {asked[0]} is not needed: no active NCCI edit pairs "
        f"{' and '.join(c.code for c in procedures)}, so each is reported on its own "
        f"documentation; {asked[0]} only bypasses an edit, and appended without "
        "one it invites review."
    )


def _units_beyond_policy(answer: Answer) -> str:
    """ "Report 43239 once (1 unit), not x 3: ...": for a billed code whose units no rule computed, when
    the asker's units exceed an MUE with MAI 2 (a date-of-service policy limit that no appeal
    raises), the limit decides the units the asker asked about."""
    for fact in answer.billed:
        asked = answer.analysis.units.get(fact.code)
        mue = fact.mue
        if asked is None or mue is None or fact.billing_units is not None:
            continue
        if mue.mai == "2" and asked > mue.units:
            times = "once (1 unit)" if mue.units == 1 else f"x {mue.units}"
            return (
                f"Report {fact.code} {times}, not x {asked}: its MUE is {mue.units} per day "
                "with MAI 2, a policy limit that no appeal raises."
            )
    return ""


def _summary(answer: Answer) -> str:
    if answer.corrections:
        return answer.corrections[0]
    if answer.needs_expert and not answer.billed:
        # A guideline that keeps a diagnosis from being coded is the answer itself.
        ruling = [a for a in answer.advice if "(I." in a or "Guidelines" in a]
        if ruling:
            return ruling[0]
        return (
            "We could not match this question to a code with confidence; a senior "
            "coder will review it before we answer."
        )
    kind = answer.analysis.question_type
    billed = answer.billed
    first = billed[0] if billed else (answer.codes[0] if answer.codes else None)
    if kind == "payment" and first is not None and first.rvus is not None:
        r = first.rvus
        line = (
            f"Medicare's {r.release_year} national payment for {first.code} is "
            f"{r.nf_payment:,.2f} USD in a non-facility setting and {r.f_payment:,.2f} USD in a "
            f"facility ({r.nf_total} / {r.f_total} total RVUs at a conversion factor of {r.conv_factor})."
        )
        if first.split:
            pc, tc = first.split
            line += (
                f" Split by component: the professional component (modifier 26) "
                f"{pc.nf_total} RVUs, {pc.nf_payment:,.2f} USD; the technical component "
                f"(modifier TC) {tc.nf_total} RVUs, {tc.nf_payment:,.2f} USD."
            )
        asked = set(answer.analysis.modifiers) | {m.modifier for m in answer.modifiers}
        if "50" in asked and r.bilateral == "1":
            # Bilateral indicator 1: one line with 50, paid at 150% of the fee schedule amount.
            both = [
                (p * Decimal("1.5")).quantize(Decimal("0.01"), ROUND_HALF_UP)
                for p in (r.nf_payment, r.f_payment)
            ]
            line += (
                f" With modifier 50 (both sides, bilateral indicator 1) it is paid at 150%: "
                f"{both[0]:,.2f} USD non-facility, {both[1]:,.2f} USD facility."
            )
        return line
    counted = next((c for c in billed if c.billing_units), None)
    several = [c for c in billed if c.billing_units]
    if kind == "units" and len(several) > 1:
        shown = next((c for c in several if c.worked), several[0])
        lines = " and ".join(_claim_lines(c) for c in several)
        return f"Bill {lines}: {shown.worked[0]}." if shown.worked else f"Bill {lines}."
    if kind == "units" and counted is not None and not counted.dose_units:
        why = f" ({counted.worked[-1]})" if counted.worked else ""
        host = next((c for c in billed if c.worked and c is not counted), None)
        why = why or (f" ({host.worked[-1]})" if host else "")
        n = counted.billing_units
        return f"Bill {counted.code} x {n} unit{'s' if n != 1 else ''}{why}."
    if kind == "units" and first is not None and (first.mue or first.dose_units):
        parts = []
        repeat = next(
            (
                m.modifier
                for m in answer.modifiers
                if m.recommended and m.modifier in _REPEATS and _target(m.modifier, [first.code])
            ),
            None,
        )
        if repeat:
            # "2nd 84132 denied as a duplicate ... is there a limit?": how to bill the repeat
            # first, then the limit.
            parts.append(f"Report the repeat as {first.code}-{repeat}, on a line of its own")
        if first.dose_units:
            parts.append(f"Bill {first.dose_units.explain()}")
        if first.mue:
            parts.append(
                f"the MUE for {first.code} is {first.mue.units} per day (MAI {first.mue.mai})"
            )
        line = "; ".join(parts)
        return line[:1].upper() + line[1:] + "."
    instead = _modifier_instead(answer)
    if instead:
        return instead
    if answer.unbilled and kind in ("same_day_pair", "modifier", "lookup", "compare", "units"):
        why = next(iter(answer.unbilled.values()))
        # Every code asked about is answered in the first line: the others left off too.
        rest = list(answer.unbilled)[1:]
        if rest:
            verb = "is" if len(rest) == 1 else "are"
            why += f" {' and '.join(rest)} {verb} not billed beside it either (see below)."
        paid = [c for c in billed if c.system in ("CPT", "HCPCS")]
        lead = f"Report {' and '.join(c.code for c in paid)}; " if paid else ""
        return lead + continued(why) if lead else why
    edit_line = _edit_line(answer)
    if edit_line and kind in ("same_day_pair", "modifier", "lookup", "compare"):
        return edit_line
    procedures = [c for c in billed if c.system in ("CPT", "HCPCS")]
    bypass = _bypass_not_needed(answer)
    if kind in ("modifier", "same_day_pair", "lookup", "compare") and bypass:
        return bypass
    recommended = [m for m in answer.modifiers if m.recommended]
    if kind == "modifier" and recommended:
        m = recommended[0]
        codes = [c.code for c in billed if c.system in ("CPT", "HCPCS")]
        wasted = next((c for c in billed if c.dose_units and c.dose_units.modifiers), None)
        if m.modifier in ("JW", "JZ") and wasted is not None and wasted.dose_units:
            # The waste modifier is a claim line of the drug: show the lines and the sum.
            others = [c for c in codes if c != wasted.code]
            beside = f", with {' and '.join(others)}" if others else ""
            return f"Bill {wasted.dose_units.explain()}{beside}."
        meaning = m.description[:1].lower() + m.description[1:].rstrip(".")
        if len(codes) >= 2:
            target = _target(m.modifier, codes) or codes[-1]
            line = f"Report {' and '.join(codes)}, with modifier {m.modifier} on {target}"
            return f"{line} ({meaning}){_first_diagnosis(answer)}."
        if codes:
            # "How do we code the CPT, modifier and dx?": the code the modifier goes on.
            return f"Report {codes[0]}-{m.modifier} ({meaning}){_first_diagnosis(answer)}."
        return f"Modifier {m.modifier} applies: {m.description}."
    if kind == "modifier" and answer.modifiers and procedures and procedures[0].worked:
        # The modifier asked about does not apply, and a rule says why on the code billed
        # ("both sides: 69210 is priced for one or both ..., without modifier 50").
        return f"Report {_code_phrase(procedures[0])}: {procedures[0].worked[-1]}."
    if kind == "modifier" and answer.modifiers:
        m = answer.modifiers[0]
        return f"Modifier {m.modifier}: {m.description}."
    if len(procedures) >= 2 and kind == "same_day_pair" and answer.ptp_release:
        return (
            f"No active NCCI edit pairs {', '.join(c.code for c in procedures)}: "
            "they can be reported together when each is documented."
        )
    if first is not None:
        verb = "Code" if first.named and len(billed) <= 1 else "Report"
        phrases = [_code_phrase(c) for c in (billed or [first])[:3]]
        if kind == "diagnosis" and len(phrases) >= 2:
            # Diagnoses are listed in the order the guidelines sequence them: say so.
            return f"{verb} {phrases[0]} first, then " + ", then ".join(phrases[1:]) + "."
        line = f"{verb} " + "; with ".join(phrases)
        return line + _modifiers_on(answer) + "."
    return "See the details below."


def _modifier_instead(answer: Answer) -> str:
    """ "Do we use 59 or 76 on the second?" when neither applies and another modifier goes on
    the asker's code: "Append 91 to the repeated 84132, not 59 or 76: ..."."""
    analysis = answer.analysis
    asked = [m for m in analysis.modifiers if m in analysis.named_modifiers]
    if analysis.question_type != "modifier" or not asked:
        return ""
    recommended = [m for m in answer.modifiers if m.recommended]
    if any(m.modifier in asked for m in recommended):
        return ""
    named = [c.code for c in answer.billed if c.named and c.system in ("CPT", "HCPCS")]
    for m in recommended:
        target = _target(m.modifier, named)
        if target:
            meaning = m.description[:1].lower() + m.description[1:].rstrip(".")
            return (
                f"Append modifier {m.modifier} to {target} ({meaning}), not "
                f"{' or '.join(asked)}{_reason(m)}."
            )
    return ""


def _reason(modifier: ModifierFact) -> str:
    """The usage note's first sentence, after a colon ("": none)."""
    guidance = modifier.short_guidance.split(". ")[0].rstrip(".")
    return f": {continued(guidance)}" if guidance else ""


def _first_diagnosis(answer: Answer) -> str:
    """ "; Z12.11 first as the diagnosis": when the question asks the diagnosis as well as
    the procedure, the first line names the first-listed one too."""
    if not answer.analysis.asks_diagnosis_too:
        return ""
    dx = next((c for c in answer.billed if c.system == "ICD-10-CM"), None)
    return f"; {_code_phrase(dx)} first as the diagnosis" if dx else ""


# Modifiers of a service repeated the same day.
_REPEATS = ("91", "76", "77")
# Where a recommended modifier goes: visit modifiers on the visit, drug-amount modifiers on
# the drug, 91 on the lab test, the rest on the procedure.
_ON_VISIT = {"24", "25", "57", "95", "93", "FT"}
_ON_DRUG = {"JW", "JZ", "JG", "JB"}


def _modifiers_on(answer: Answer) -> str:
    """ ", with modifier 24 on 99213": the recommended modifiers, each on its code."""
    codes = [c.code for c in answer.billed if c.system in ("CPT", "HCPCS")]
    placed = [
        f"modifier {m.modifier} on {target}"
        for m in answer.modifiers
        if m.recommended and (target := _target(m.modifier, codes))
    ]
    return (", with " + " and ".join(placed[:3])) if placed else ""


def _target(modifier: str, codes: list[str]) -> str:
    """The code a modifier goes on, or "" when none of its kind is billed."""
    visits = [c for c in codes if is_em(c)]
    drugs = [c for c in codes if c[0] in "JQ" and c[1:].isdigit()]
    labs = [c for c in codes if c.isdigit() and 80000 <= int(c) <= 89999]
    procedures = [c for c in codes if c not in visits + drugs]
    if modifier in _ON_VISIT:
        # Beside a preventive visit, 25 marks the problem visit, not the preventive one.
        problem = [c for c in visits if c not in PREVENTIVE]
        return (problem or visits or [""])[0]
    if modifier in _ON_DRUG:
        return drugs[0] if drugs else ""
    if modifier == "91":
        return labs[0] if labs else ""
    return procedures[-1] if procedures else ""


def _code_phrase(fact: CodeFact) -> str:
    """ "J0696 x 4 units (Injection, ceftriaxone sodium, per 250 mg)"."""
    label = fact.note.title if fact.note else _shortened(fact.description or fact.plain)
    n = fact.billing_units
    units = f" x {n} unit{'s' if n != 1 else ''}" if n else ""
    return f"{fact.code}{units}" + (f" ({label.rstrip('.')})" if label else "")


def _edit_line(answer: Answer) -> str:
    billed = {f.code for f in answer.billed}
    blocking = [e for e in answer.edits if e.modifier_indicator == "0"]
    if blocking:
        e = blocking[0]
        line = (
            f"{e.column2} is bundled into {e.column1}: they are not paid together on the same "
            "day, and no modifier changes that (NCCI modifier indicator 0)."
        )
        # The asker's other codes under the same code, left off the claim too, said here
        # with it: the first line answers for every code asked about.
        others = [
            x.column2
            for x in answer.edits
            if x.column1 == e.column1 and x.column2 != e.column2 and x.column2 not in billed
        ]
        if others:
            line += (
                f" {' and '.join(dict.fromkeys(others))} {'is' if len(others) == 1 else 'are'}"
                f" included in {e.column1} too, and not billed beside it."
            )
        return line
    # Only edits whose column 2 is billed: one on a code the draft does not bill explains why.
    bypassable = [e for e in answer.edits if e.modifier_indicator == "1" and e.column2 in billed]
    if not bypassable:
        return ""
    e = bypassable[0]
    em = next((c for c in (e.column1, e.column2) if is_em(c)), None)
    if em and any(m.modifier == "57" and m.recommended for m in answer.modifiers):
        # A 90-day surgery: the visit paid beside it is the decision to operate, not 25's.
        return (
            f"{e.column1} and {e.column2} can both be paid when {em} is the visit at which "
            f"the decision for the major surgery was made: append modifier 57 to {em}, not 25."
        )
    if em:
        return (
            f"{e.column1} and {e.column2} can both be paid when the visit is significant and "
            f"separately identifiable: append modifier 25 to {em}."
        )
    distinct = next(
        (m.modifier for m in answer.modifiers if m.recommended and m.modifier.startswith("X")),
        "",
    )
    if distinct:
        return (
            f"{e.column1} and {e.column2} can both be paid here because the services are "
            f"distinct: append {distinct} to {e.column2} (59 only for a payer that does not "
            f"accept {distinct})."
        )
    return (
        f"{e.column1} and {e.column2} can both be paid only when the services are distinct: "
        f"a separate site (XS), encounter (XE) or practitioner (XP), or a non-overlapping "
        f"service (XU), appended to {e.column2}; at the same site and session {e.column2} is "
        f"included in {e.column1}."
    )


def _shortened(text: str, limit: int = 90) -> str:
    """A long descriptor cut at a word before ``limit`` characters (HCPCS G codes run on)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;") + " ..."


def _claim_lines(fact: CodeFact) -> str:
    """A code with its units; a drug as its claim lines, JW or JZ on them ("J0897-JZ x 60")."""
    if fact.dose_units is None:
        return f"{fact.code} x {fact.billing_units}"
    return " and ".join(
        f"{line.code}{'-' + line.modifier if line.modifier else ''} x {line.units}"
        for line in fact.dose_units.lines
    )


def continued(sentence: str) -> str:
    """A sentence carried on after a semicolon: "The visit ..." in lower case, a code
    ("G0439 is bundled ...") or an acronym as written."""
    return sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence
