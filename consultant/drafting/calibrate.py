"""Stage 5, calibrate: how sure the draft is, and whether an expert must look at it.

Confidence is built from evidence, not from the score alone: codes the asker wrote and we
verified, a match carried by one of our lay terms or by a cue that fits (minutes, size,
age), the margin over the next candidate, and what the data could check (RVUs, edits). A
draft below ``EXPERT_BELOW`` is routed to an expert; the calibration table of ``make eval``
shows how often drafts at each level are right.
"""

from __future__ import annotations

import re

from consultant.codes.search import tokens
from consultant.drafting.facts import CodeFact
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate, coverage

EXPERT_BELOW = 0.9
# A sibling the words rank at least this close to the code chosen is a real rival. Measured
# on seventy questions written blind and drafted before this rule: the three drafts at 0.9+
# it holds were all wrong (73020, 10060, 20610 proposed for 73030, 10061, 20611); on the
# questions tuned on it holds 3 of about 200 right drafts at 0.9+.
RIVAL = 0.8
# Titles that agree on this many leading words name one service; what follows is the
# qualifier that tells the codes apart ("X-ray of the shoulder", "1 view" / "2 or more views").
SHARED_STEM = 3
_WORD = re.compile(r"[a-z0-9]+")


def weak_match(named: list[str], candidates: list[Candidate], analysis: Analysis) -> bool:
    """Nothing named, and the best match is carried neither by one of our lay terms, nor by
    a cue that fits it, nor by most of the words (ICD-10-CM titles are precise)."""
    best = candidates[0] if candidates else None
    return not named and (
        best is None or not (best.phrase or best.cued or coverage(best, analysis.text) >= 0.5)
    )


def same_stem(title: str, other: str) -> bool:
    """Two titles that name one service and differ only by what follows it: views, simple or
    complicated, with or without guidance, new or established, how many muscles."""
    a, b = _WORD.findall(title.lower()), _WORD.findall(other.lower())
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return shared >= SHARED_STEM and (shared < len(a) or shared < len(b))


def undecided_sibling(lead: CodeFact, candidates: list[Candidate], billed: set[str]) -> str:
    """A sibling of the code that leads (its title the same up to the qualifier) that the
    question's words rank about as high, with nothing but the words' ranking choosing between
    them: the qualifier the question's facts did not decide. Empty when there is none.

    Not for a code a rule derived (a visit level from the MDM, a size from the arithmetic):
    the rule decided it. A cue of the question that fits the lead and not the sibling (count,
    minutes, size, contrast...) decides it, except the site: siblings share their site words,
    and a site cue that favours one of them only says whose lay terms name the site."""
    if lead.worked or lead.system not in ("CPT", "HCPCS"):
        return ""
    own = next((c for c in candidates if c.code == lead.code), None)
    title = own.title if own is not None else lead.description
    # matching.services records a site cue as a reason "site ..."; other cues set ``cued``.
    decided_by_cue = (
        own is not None and own.cued and not any(r.startswith("site") for r in own.reasons)
    )
    for other in candidates:
        if other.code == lead.code or other.code in billed or other.system != lead.system:
            continue
        if not same_stem(title, other.title):
            continue
        if own is not None and other.score < own.score * RIVAL:
            continue  # the words chose the lead by a clear margin
        if decided_by_cue and not other.cued:
            continue
        return other.code
    return ""


def recovering_from(lead: CodeFact, candidates: list[Candidate], analysis: Analysis) -> bool:
    """The code that leads is the surgery the question places before today ("3 weeks s/p lap
    chole"): its words are only those of a prior procedure, so it is the global period's
    context, not a service of this encounter."""
    own = next((c for c in candidates if c.code == lead.code), None)
    earlier = set(tokens(" ".join(analysis.prior_procedures)))
    return bool(own is not None and own.matched and earlier and set(own.matched) <= earlier)


def confidence(
    facts: list[CodeFact],
    weak: bool,
    candidates: list[Candidate],
    corrected: bool,
    analysis: Analysis,
    warnings: list[str],
    diagnosis_fit: float = 1.0,
    chosen_by_words: frozenset[str] | set[str] = frozenset(),
) -> float:
    """How sure the draft is, from 0.1 to 1.0; ``chosen_by_words`` are the replacements for
    the asker's codes that the words chose (drafting.verify.chosen_by_words)."""
    billed = [f for f in facts if f.billed]
    if not billed:
        return 0.1
    known = [f for f in billed if f.description]
    base = len(known) / len(billed)
    lead = billed[0]
    if weak:
        base *= 0.35
    elif candidates and not any(f.named for f in billed) and len(candidates) > 1:
        gap = (candidates[0].score - candidates[1].score) / (candidates[0].score or 1)
        base *= 0.6 + 0.4 * min(1.0, gap * 3)
    # A replacement a rule chose from a fact (the patient is established, 16 warts, a deleted
    # code) or from NCCI edits (the whole service the asker's codes are parts of) is decided;
    # the asker's own code, a match, or a neighbour the words chose are only as sure as the
    # words that separate them from their siblings.
    by_rule = lead.named and lead.code not in analysis.codes and lead.code not in chosen_by_words
    if not by_rule and undecided_sibling(lead, candidates, {f.code for f in billed}):
        # The asker's code or the best match has a sibling the words fit as well (73020 and
        # 73030 for three shoulder views, 20610 and 20611 for a guided injection, 10060 and
        # 10061 for two abscesses): the qualifier is for the reviewer to decide.
        base *= 0.85
    if recovering_from(lead, candidates, analysis):
        base *= 0.5  # the surgery already done leads: the draft answers another question
    if corrected:
        base *= 0.95  # a correction is evidence-based, but the reviewer should see it
    described = {c.code for c in candidates[:5]}
    echoed = [f for f in billed if f.named and f.code not in described and not f.worked]
    if echoed and candidates and not corrected:
        # The asker's code, which nothing in their words points to: it is confirmed only by
        # being named, and a wrong code repeated back is the costliest mistake.
        base *= 0.8
    services = len([f for f in billed if f.system in ("CPT", "HCPCS")])
    if services >= 2:
        # Several services: their order and completeness can each be wrong. On questions
        # written after the code that drafted them (this round's new dev questions, drafted
        # by the previous round's code), drafts at 0.9+ billing one service were right 10
        # times in 11, those billing two or more 5 times in 9.
        base *= 0.88
    if services >= 3:
        base *= 0.9
    if len(analysis.sub_questions) >= 2:
        base *= 0.9
    if warnings:
        base *= 0.85
    if not any(f.rvus for f in billed if f.system in ("CPT", "HCPCS")) and any(
        f.system in ("CPT", "HCPCS") for f in billed
    ):
        base *= 0.9
    if diagnosis_fit < 1.0 and any(f.system == "ICD-10-CM" for f in billed):
        # ICD-10-CM codes whose titles add words to what was written (or miss some) are
        # held below the expert line, not pushed down to "unanswered".
        base = min(base, 0.6 + 0.3 * diagnosis_fit)
    if analysis.uncertain and any(f.system == "ICD-10-CM" for f in billed):
        base *= 0.8  # an uncertain diagnosis: the symptoms are coded, the reviewer checks
    return round(min(1.0, base), 2)


def needs_expert(confidence_value: float, facts: list[CodeFact], modifiers: int) -> bool:
    known = [f for f in facts if f.description]
    return (not known and not modifiers) or confidence_value < EXPERT_BELOW
