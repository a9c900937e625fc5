"""Stage 5, calibrate: how sure the draft is, and whether an expert must look at it.

Confidence is built from evidence, not from the score alone: codes the asker wrote and we
verified, a match carried by one of our lay terms or by a cue that fits (minutes, size,
age), the margin over the next candidate, and what the data could check (RVUs, edits). A
draft below ``EXPERT_BELOW`` is routed to an expert; the calibration table of ``make eval``
shows how often drafts at each level are right.
"""

from __future__ import annotations

from consultant.drafting.facts import CodeFact
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate, coverage

EXPERT_BELOW = 0.9


def weak_match(named: list[str], candidates: list[Candidate], analysis: Analysis) -> bool:
    """Nothing named, and the best match is carried neither by one of our lay terms, nor by
    a cue that fits it, nor by most of the words (ICD-10-CM titles are precise)."""
    best = candidates[0] if candidates else None
    return not named and (
        best is None or not (best.phrase or best.cued or coverage(best, analysis.text) >= 0.5)
    )


def confidence(
    facts: list[CodeFact],
    weak: bool,
    candidates: list[Candidate],
    corrected: bool,
    analysis: Analysis,
    warnings: list[str],
    diagnosis_fit: float = 1.0,
) -> float:
    billed = [f for f in facts if f.billed]
    if not billed:
        return 0.1
    known = [f for f in billed if f.description]
    base = len(known) / len(billed)
    if weak:
        base *= 0.35
    elif candidates and not any(f.named for f in billed) and len(candidates) > 1:
        gap = (candidates[0].score - candidates[1].score) / (candidates[0].score or 1)
        base *= 0.6 + 0.4 * min(1.0, gap * 3)
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
