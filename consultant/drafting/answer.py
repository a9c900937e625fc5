"""Drafting as named stages over the facts analysis read from the question:

1. candidates (drafting.candidates): the services to bill and the neighbours to rule out;
2. verify (drafting.verify): the asker's codes that do not fit are corrected;
3. rules: a drug with its administration (drafting.drugs), the E/M level and prolonged
   services (drafting.visits), the codes and units numbers decide (drafting.arithmetic),
   diagnoses by the ICD-10-CM guidelines (drafting.diagnoses); data per code (RVUs, MUE, add-on pairs), PTP edits among the services, drug units
   (drafting.drugs), modifiers (drafting.modifiers), the coding checks (drafting.checks);
4. compose: the Answer the templates render (drafting.render);
5. calibrate (drafting.calibrate): confidence, and whether an expert must look.

Nothing here reads the question's text: every stage works from ``Analysis``. Every fact
comes from an imported release or from the project's own notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.lookup import display_code
from consultant.codes.releases import data_gaps, release_diff, release_in_force, release_label
from consultant.drafting import calibrate, checks
from consultant.drafting.addons import addon_first, is_addon, primary_described
from consultant.drafting.arithmetic import apply_arithmetic, once_a_day
from consultant.drafting.candidates import (
    Selection,
    collection_after_tests,
    lab_panels,
    procedure_first,
    select_codes,
)
from consultant.drafting.diagnoses import (
    add_encounter_reasons,
    add_indications,
    add_stated_diagnoses,
    code_diagnoses,
    side_corrections,
)
from consultant.drafting.drugs import (
    choose_strengths,
    declined_edits,
    dose_units,
    pair_drugs,
    superseded,
    supplies_included,
)
from consultant.drafting.endoscopy import endoscopy_by_technique
from consultant.drafting.facts import Answer, CodeFact
from consultant.drafting.modifiers import (
    bundled,
    meaning_line,
    modifier_facts,
    one_line_bilateral,
)
from consultant.drafting.others import anesthesia_elsewhere
from consultant.drafting.places import place_statement
from consultant.drafting.verify import Correction, Whole, chosen_by_words, verify_named
from consultant.drafting.visits import (
    care_management_time,
    choose_transitional_care,
    choose_visit,
    complexity_addon,
    facility_visit,
    postoperative_visit,
    with_visit_correction,
)
from consultant.matching.analyse import Analysis, analyse
from consultant.matching.services import described_candidates
from consultant.rules.icd10_codes import description

NOTES_SOURCE = "Consultant coding notes (our own plain-language guidance)"


def build_answer(session: Session, question: str) -> Answer:
    """Analyse redacted question text and gather the facts for a reply."""
    analysis = analyse(question)
    on = analysis.date_of_service
    systems = ("ICD-10-CM",) if analysis.question_type == "diagnosis" else ("CPT", "HCPCS")
    candidates = described_candidates(session, analysis, systems)
    selection = select_codes(session, analysis, candidates)
    corrections = verify_named(session, analysis, selection, candidates)
    sentences = [c.sentence for c in corrections] + side_corrections(analysis, selection)
    anesthesia_elsewhere(analysis, selection)
    drug_lines = pair_drugs(session, analysis, selection, candidates)
    drug_lines += choose_strengths(session, analysis, selection)
    drug_lines += supplies_included(analysis, selection)
    procedure_first(selection, analysis)
    sentences += lab_panels(selection)
    collection_after_tests(selection)
    sentences = [s for s in sentences if not superseded(s, selection)] + drug_lines
    visit_correction = choose_visit(analysis, selection)
    sentences = [_range_chosen(s, corrections, selection) for s in sentences]
    if visit_correction:
        sentences = with_visit_correction(sentences, visit_correction, selection)
    tcm_correction = choose_transitional_care(analysis, selection)
    sentences[:0] = [tcm_correction] if tcm_correction else []
    postoperative = postoperative_visit(session, analysis, selection)
    sentences[:0] = [postoperative] if postoperative else []
    addon_said = complexity_addon(analysis, selection)
    sentences[:0] = [addon_said] if addon_said else []
    care_management_time(analysis, selection)
    facility_visit(analysis, selection)
    endoscopy_said = endoscopy_by_technique(analysis, selection)
    primary_described(
        selection,
        candidates,
        lambda c: lookup.addon_primaries(session, c, analysis.date_of_service),
    )
    sentences[:0] = [endoscopy_said] if endoscopy_said else []
    sentences += apply_arithmetic(analysis, selection)
    place = place_statement(session, analysis)
    if place and (analysis.question_type == "place_of_service" or analysis.number_as_modifier):
        sentences.insert(0, place)  # the place is the answer, or corrects the asker
    elif place:
        selection.advice.insert(0, place)
    fit = 1.0
    if analysis.question_type == "diagnosis" or analysis.asks_diagnosis_too:
        said, fit = _diagnoses(session, analysis, selection)
        sentences += said
    add_encounter_reasons(analysis, selection)
    add_indications(analysis, selection)
    before = {c for c, _ in selection.services}
    add_stated_diagnoses(analysis, selection)
    _known_diagnoses_only(session, selection, before)

    facts = [
        _fact(
            session, code, score, code in selection.named, True, on, selection.system_of.get(code)
        )
        for code, score in selection.services
    ]
    facts += [
        _fact(session, code, score, False, False, on, selection.system_of.get(code))
        for code, score in selection.alternatives
    ]
    # The asker's procedure codes a rule took off the claim stay listed, not billed, with
    # their facts: the reader checks the correction against them (96376's MUE of 0).
    listed = {f.code for f in facts}
    facts += [
        _fact(session, code, 0.0, True, False, on)
        for code in analysis.codes
        if code not in listed and lookup.is_known(session, code)
    ]
    billed = [f.code for f in facts if f.billed and f.system in ("CPT", "HCPCS")]
    edits = lookup.active_edits_between(session, billed, on)
    edits += _whole_edits(corrections)
    edits += _replaced_edits(session, corrections, edits, on)
    edits += declined_edits(session, analysis, facts, on)
    edits += edits_that_deny(
        analysis, billed, edits, lambda codes: lookup.active_edits_between(session, codes, on)
    )
    facts = addon_first(analysis, _order_by_edits(facts, edits))
    # An edit whose column 1 is the asker's code the draft does not bill explains a denial;
    # it takes nothing billed off the claim.
    unbilled = bundled(
        analysis,
        [e for e in edits if e.column1 in billed or e.column2 not in billed],
        [f.code for f in facts if f.named],
    )
    for fact in facts:
        if fact.code in unbilled and fact.billed:
            fact.billed = False
            selection.advice.append(unbilled[fact.code])
    for fact in facts:
        fact.worked += selection.worked.get(fact.code, [])
        fact.units = selection.units.get(fact.code)
    dose_units(analysis, facts)
    once_a_day(analysis, facts)
    units = {
        **{f.code: u for f in facts if (u := f.billing_units) is not None},
        **analysis.units,
    }
    services = [f for f in facts if f.billed]
    sentences = _corrections_lead(sentences)
    advice = sentences[1:] + selection.advice
    # Billed now: a code an edit took off the claim needs no primary.
    advice += checks.addon_without_primary(facts, {f.code for f in services})
    advice += checks.units_over_mue(facts, units)
    advice += checks.never_paid_units(session, analysis, facts, on)
    advice += checks.bilateral(analysis, services)
    advice += checks.global_period(analysis, services)
    advice += checks.terminated(session, [f for f in facts if f.named], on)
    advice += checks.place_of_service(session, analysis)
    advice += checks.payer_caveat(analysis)
    advice += checks.record_not_final(analysis)
    modifiers, modifier_advice = modifier_facts(session, analysis, edits, facts)
    advice += modifier_advice
    meaning = meaning_line(analysis, modifiers)
    if meaning:
        sentences.insert(0, meaning)  # the modifiers are the answer; codes matched are not
        for fact in facts:
            fact.billed = False
    one_line_bilateral(modifiers, services)
    advice += _release_changes(session, on, [f.code for f in services if f.system != "ICD-10-CM"])
    gaps = data_gaps(session)
    if gaps and any(f.system in ("CPT", "HCPCS") for f in services):
        # For the reviewer only: the reply must not read as if edits had been checked.
        selection.warnings.append(
            f"Not checked against CMS data: {', '.join(gaps)} not loaded, so RVUs, payment, "
            "NCCI edits or MUEs may be missing from this draft."
        )

    # Codes a rule derived (arithmetic, a visit level, the ICD-10-CM guidelines) are not a
    # weak text match, whatever the search scored.
    derived = any(selection.worked.values()) or any(
        f.code in selection.worked for f in services if f.system == "ICD-10-CM"
    )
    weak = not derived and calibrate.weak_match(selection.named, candidates, analysis)
    confidence = calibrate.confidence(
        facts,
        weak,
        candidates,
        bool(sentences),
        analysis,
        selection.warnings,
        fit,
        chosen_by_words(corrections),
    )
    if analysis.record_not_final:
        # The record may still change: whatever matched is a reviewer's starting point.
        confidence = min(confidence, calibrate.EXPERT_BELOW - 0.3)
    needs_expert = calibrate.needs_expert(confidence, facts, len(modifiers))
    known = [f for f in facts if f.description]
    described = analysis.level or analysis.em.elements >= 2 or analysis.em.total_minutes
    if analysis.question_type == "place_of_service" and not selection.named and not described:
        for fact in facts:
            fact.billed = False  # the setting is the answer; codes matched are evidence only
    unanswered = (not known and not modifiers) or confidence < 0.4
    if unanswered and not selection.named and not analysis.modifiers:
        # Nothing matched well: the closest codes are evidence for the reviewer, not an answer.
        analysis = replace(analysis, question_type="other")
        for fact in facts:
            fact.billed = False
    return Answer(
        analysis,
        facts,
        edits,
        modifiers,
        selection.warnings,
        confidence,
        needs_expert,
        _sources(session, facts, edits),
        _ptp_label(session, on),
        list(dict.fromkeys(advice)),
        sentences,
        {c: why for c, why in unbilled.items() if any(f.code == c for f in facts)},
    )


def _corrections_lead(sentences: list[str]) -> list[str]:
    """The first line corrects every code of the asker's that a stage replaced, two at most:
    "is the J code wrong or the admin code?" when both are ("Report 96402, not 96372: ...
    Report J9217 x 3, not J1950 x 6: ...")."""
    replaced = [s for s in sentences if _REPLACED.match(s)]
    if len(replaced) < 2 or sentences[0] is not replaced[0]:
        return sentences
    second = replaced[1]
    one, two = _REPLACED.match(sentences[0]), _REPLACED.match(second)
    assert one is not None and two is not None
    if one["lead"] == two["lead"]:
        # One report for two of the asker's codes: said once ("Report 96365, 96361, 96375,
        # not 96360 or 96374: ...").
        why = one["why"] if one["why"] == two["why"] else f"{one['why']} {two['why']}"
        first = f"Report {one['lead']}, not {one['old']} or {two['old']}: {why}"
    else:
        first = f"{sentences[0]} {second}"
    return [first, *(s for s in sentences[1:] if s is not second)]


_REPLACED = re.compile(r"Report (?P<lead>[^:]+?), not (?P<old>[^:]+?): (?P<why>.*)", re.S)


def edits_that_deny(
    analysis: Analysis,
    billed: list[str],
    found: list[lookup.Edit],
    edits_between: Callable[[list[str]], list[lookup.Edit]],
) -> list[lookup.Edit]:
    """The edits with modifier indicator 0 that pair a billed code with one of the asker's
    codes the draft does not bill, either way round (11104 over 11102; 90834 over the 99214
    billed beside it): why that code was or would be denied. Only indicator 0, which no
    modifier bypasses, so none reads as an invitation to add one."""
    declined = [c for c in analysis.codes if c not in billed]
    if not declined or not billed:
        return []
    return [
        e
        for e in edits_between(billed + declined)
        if {e.column1, e.column2} & set(billed)
        and {e.column1, e.column2} & set(declined)
        and e.modifier_indicator == "0"
        and e not in found
    ]


_RANGE = re.compile(r"\b(\d{5})-(\d{5})\b")


def _range_chosen(sentence: str, corrections: list[Correction], selection: Selection) -> str:
    """A correction that sends the asker to a range of codes ("99318 was deleted: report
    subsequent nursing facility care, 99307-99310") names the one the question's facts chose
    in it: "Report 99309, not 99318: ..."."""
    for correction in corrections:
        if correction.replacement or correction.sentence != sentence:
            continue
        for low, high in _RANGE.findall(correction.reason.rsplit(":", 1)[-1]):
            chosen = next(
                (c for c, _ in selection.services if c.isdigit() and low <= c <= high), None
            )
            if chosen:
                return replace(correction, replacement=chosen).sentence
    return sentence


def _whole_edits(corrections: list[Correction]) -> list[lookup.Edit]:
    """The edits that make the asker's codes parts of the one code reported for the whole
    (93015 over 93018, 20611 over 20610 and 76942), found by the correction: its evidence.
    The parts are not billed, so an edit a modifier could bypass invites none here
    (``modifiers._from_edits`` and the reply's first line skip an unbilled column 2)."""
    return [e for whole in corrections if isinstance(whole, Whole) for e in whole.evidence]


def _replaced_edits(
    session: Session, corrections: list[Correction], known: list[lookup.Edit], on: date | None
) -> list[lookup.Edit]:
    """The edit between a replacement and the asker's code it replaces, column 1 the
    replacement (82962 over 82947): the reply shows that the two are not billed together.
    The asker's code is not billed, so the edit invites no modifier."""
    seen = {(e.column1, e.column2) for e in known}
    out = []
    for c in corrections:
        if not c.replacement or isinstance(c, Whole):
            continue
        for e in lookup.active_edits_between(session, [c.replacement, c.code], on):
            if e.column1 == c.replacement and (e.column1, e.column2) not in seen:
                out.append(e)
                seen.add((e.column1, e.column2))
    return out


def _diagnoses(
    session: Session, analysis: Analysis, selection: Selection
) -> tuple[list[str], float]:
    """ICD-10-CM codes by the guidelines in place of the single best title match; returns a
    correction when the asker's own diagnosis code is not among them, and how closely the
    codes' titles carry the conditions' words."""
    coded = code_diagnoses(session, analysis)
    selection.advice += coded.not_coded + coded.advice
    if not coded.codes and not coded.not_coded and not coded.advice:
        return [], 1.0  # nothing the guidelines decided: the best title matches stand
    icd = {c for c, s in selection.system_of.items() if s == "ICD-10-CM"}
    selection.services = [(c, s) for c, s in selection.services if c not in icd]
    # The diagnosis leads a diagnosis question; asked beside a service, it follows it.
    at = 0 if analysis.question_type == "diagnosis" else len(selection.services)
    selection.services[at:at] = [(code, 1.0) for code in coded.codes]
    # A coded diagnosis is not also a neighbour to rule out: listed twice, its order is lost.
    done = {c.replace(".", "") for c in coded.codes}
    selection.alternatives = [
        (c, s) for c, s in selection.alternatives if c.replace(".", "") not in done
    ]
    for code in coded.codes:
        selection.system_of[code] = "ICD-10-CM"
        selection.worked[code] = [w for w in coded.worked if code in w]
    bare = {c.replace(".", "") for c in coded.codes}
    wrong = [c for c in analysis.icd_codes if c not in bare]
    if wrong and coded.codes:
        dotted = [display_code(c, "ICD-10-CM") for c in wrong]
        # The reasoning that set the asker's code aside, when a rule wrote one; else the
        # codes' own lines below carry it.
        bilateral = next((c for c in coded.codes if "bilateral" in description(c).lower()), None)
        sided = all(re.search(r"\b(?:right|left)\b", description(d).lower()) for d in dotted)
        fallback = (
            f"{bilateral} is the condition on both sides; a right and a left code are not "
            "reported together where a bilateral code exists (I.B.13)"
            if bilateral and sided and len(dotted) > 1
            else "the conditions described are coded this way (see each code below)"
        )
        doubted = _uncertain_named(analysis, dotted)
        if doubted:
            fallback = (
                f"{doubted[0]} is the {doubted[1]} the note leaves uncertain (probable, "
                "suspected, rule out): outside the hospital an uncertain diagnosis is not "
                "coded; the signs and symptoms documented are (Guidelines IV.H)"
            )
        unknown = [d for d in dotted if not description(d)]
        if unknown:
            # A code the tabular list does not hold: say so, before any other reason.
            fallback = (
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                "in ICD-10-CM; the conditions described are coded this way"
            )
        why = next(
            (w for w in [*coded.worked, *coded.advice] if any(d in w for d in dotted)), fallback
        )
        return [
            f"Report {', '.join(coded.codes)}, not {', '.join(dotted)}: {why.rstrip('.')}."
        ], 1.0
    return [], coded.fit if coded.codes else 1.0


def _uncertain_named(analysis: Analysis, codes: list[str]) -> tuple[str, str] | None:
    """(code, phrase) when one of the asker's diagnosis codes names a condition the question
    qualifies as uncertain ("probable community acquired pneumonia": J18.9): a title word of
    the code is a word of the phrase."""
    for code in codes:
        title = set(re.findall(r"[a-z]{4,}", description(code).lower())) - _TITLE_FILLER
        for phrase in analysis.uncertain:
            if title & set(re.findall(r"[a-z]{4,}", phrase.lower())):
                return code, phrase
    return None


# Title words that name no condition ("E11.65 ... with hyperglycemia" shares "with" with any
# "rule out pneumonia with effusion").
_TITLE_FILLER = {
    "with", "without", "other", "unspecified", "acute", "chronic", "left", "right", "part",
    "parts", "site", "sites", "type", "specified", "due", "than", "both", "bilateral",
}  # fmt: skip


def _release_changes(session: Session, on: date | None, codes: list[str]) -> list[str]:
    """For a date of service answered from an older release: what the current one changed."""
    if on is None:
        return []
    out: list[str] = []
    for kind in ("pfs_rvu", "ptp", "mue"):
        then, now = release_in_force(session, kind, on), release_in_force(session, kind)
        if then is None or now is None or then.id == now.id:
            continue
        for code in codes:
            changes = release_diff(session, code, then, now)
            if changes:
                out.append(
                    f"Answered from {release_label(then)}, in force on {on.isoformat()}; "
                    f"since then ({now.name}) for {code}: {'; '.join(changes)}."
                )
    return out


def _sources(session: Session, facts: list[CodeFact], edits: list[lookup.Edit]) -> list[str]:
    """Every release a fact of the answer came from, code sets included."""
    sources = {e.release for e in edits}
    sources |= {f.rvus.release for f in facts if f.rvus}
    sources |= {f.mue.release for f in facts if f.mue}
    for kind, system in (("icd10", "ICD-10-CM"), ("hcpcs", "HCPCS")):
        if any(f.system == system and f.billed for f in facts):
            release = release_in_force(session, kind)
            if release is not None:
                sources.add(release.name)
    if any(f.note for f in facts):
        sources.add(NOTES_SOURCE)
    return sorted(sources)


def _ptp_label(session: Session, on: date | None) -> str | None:
    ptp = release_in_force(session, "ptp", on)
    return release_label(ptp) if ptp else None


def _fact(
    session: Session,
    code: str,
    score: float,
    named: bool,
    billed: bool,
    on: date | None,
    system: str | None = None,
) -> CodeFact:
    system, description, plain = lookup.describe(session, code, system)
    shown = lookup.display_code(code, system)
    fact = CodeFact(shown, system, description, plain, score, named, billed)
    if system in ("CPT", "HCPCS"):
        fact.rvus = lookup.rvus(session, code, on)
        fact.split = lookup.component_rvus(session, fact.rvus, on)
        fact.mue = lookup.mue(session, code, on)
        fact.addon_primaries = lookup.addon_primaries(session, code, on)
    fact.note = lookup.note(session, code) if system != "ICD-10-CM" else None
    return fact


def _known_diagnoses_only(session: Session, selection: Selection, before: set[str]) -> None:
    """A diagnosis the question states or names beside the services that the loaded code sets
    do not hold (ICD-10-CM not loaded) is left to the reviewer: an unknown code would send
    the whole draft to an expert. The reasons the guidelines give (Z12.11 with a screening)
    are not checked: they stand on the service itself."""
    unknown = [
        c
        for c, _ in selection.services
        if c not in before
        and selection.system_of.get(c) == "ICD-10-CM"
        and not lookup.is_known(session, c)
    ]
    if unknown:
        selection.services = [(c, s) for c, s in selection.services if c not in unknown]
        selection.warnings.append(
            f"Diagnosis not added: {', '.join(unknown)} (ICD-10-CM is not loaded); code the "
            "diagnosis from the record."
        )


def _order_by_edits(facts: list[CodeFact], edits: list[lookup.Edit]) -> list[CodeFact]:
    """The code that is paid (column 1) before the one an edit bundles into it."""
    # A code listed twice (a service, and again as a neighbour) ranks where it is billed.
    rank: dict[str, int] = {}
    for i, f in enumerate(facts):
        rank.setdefault(f.code, i)
    billed_codes = {f.code for f in facts if f.billed}
    for edit in edits:
        if edit.column1 not in billed_codes:
            continue  # the asker's code that explains a denial (90834 over 99214) ranks nothing
        a, b = rank.get(edit.column1), rank.get(edit.column2)
        if a is not None and b is not None and a > b:
            rank[edit.column1], rank[edit.column2] = b, a
    ordered = sorted(facts, key=lambda f: (not f.billed, rank[f.code]))
    billed = [f for f in ordered if f.billed]
    # An add-on code follows its primary (99205 then G2212), with the other services: the
    # diagnoses that follow the services stay after it.
    addons = [f for f in billed if f.system != "ICD-10-CM" and is_addon(f)]
    rest = [f for f in billed if all(f is not a for a in addons)]
    last = max((i for i, f in enumerate(rest) if f.system != "ICD-10-CM"), default=-1)
    return rest[: last + 1] + addons + rest[last + 1 :] + [f for f in ordered if not f.billed]
