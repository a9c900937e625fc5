"""The facts an answer is drafted from, gathered once for the templates and the JSON CLI.

Nothing here is invented: every fact comes from an imported release or from the
project's own notes, and the confidence says how much of the question they cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.search import search
from consultant.matching.analyse import Analysis, analyse
from consultant.models import CodeNote


@dataclass
class CodeFact:
    code: str
    system: str
    description: str
    plain: str
    score: float
    named: bool  # the asker wrote this code; otherwise we matched it from their words
    rvus: lookup.Rvus | None = None
    mue: lookup.Mue | None = None
    note: CodeNote | None = None
    addon_primaries: list[str] = field(default_factory=list)


@dataclass
class ModifierFact:
    modifier: str
    description: str
    guidance: str


@dataclass
class Answer:
    analysis: Analysis
    codes: list[CodeFact]
    edits: list[lookup.Edit]
    modifiers: list[ModifierFact]
    warnings: list[str]
    confidence: float
    needs_expert: bool
    sources: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "question_type": self.analysis.question_type,
            "codes": [
                {
                    "code": c.code,
                    "system": c.system,
                    "description": c.description,
                    "score": round(c.score, 3),
                }
                for c in self.codes
            ],
            "edits": [
                {
                    "column1": e.column1,
                    "column2": e.column2,
                    "modifier_indicator": e.modifier_indicator,
                    "rationale": e.rationale,
                    "release": e.release,
                }
                for e in self.edits
            ],
            "mue": [
                {"code": c.mue.code, "units": c.mue.units, "mai": c.mue.mai}
                for c in self.codes
                if c.mue is not None
            ],
            "modifiers": [
                {"modifier": m.modifier, "description": m.description} for m in self.modifiers
            ],
            "warnings": self.warnings,
            "confidence": round(self.confidence, 2),
            "needs_expert": self.needs_expert,
            "sources": self.sources,
            "analysis": self.analysis.as_json(),
        }


MATCH_LIMIT = 3


def build_answer(session: Session, question: str) -> Answer:
    """Analyse redacted question text and gather the facts for a reply."""
    analysis = analyse(question)
    on = analysis.date_of_service
    facts: list[CodeFact] = [_fact(session, code, 1.0, True, on) for code in analysis.codes]
    facts += [_fact(session, code, 1.0, True, on) for code in analysis.icd_codes]
    facts += _described(session, question, analysis, on)
    procedure_codes = [f.code for f in facts if f.system in ("CPT", "HCPCS")]
    edits = lookup.active_edits_between(session, procedure_codes, on)
    modifiers = _modifier_facts(session, analysis, edits)
    warnings = _warnings(analysis, facts, procedure_codes)
    known = [f for f in facts if f.description]
    confidence = _confidence(analysis, facts, known)
    needs_expert = not known or confidence < 0.4
    sources = sorted(
        {e.release for e in edits}
        | {f.rvus.release for f in facts if f.rvus}
        | {f.mue.release for f in facts if f.mue}
        | (
            {"Consultant coding notes (our own plain-language guidance)"}
            if any(f.note for f in facts)
            else set()
        )
    )
    return Answer(analysis, facts, edits, modifiers, warnings, confidence, needs_expert, sources)


def _described(
    session: Session, question: str, analysis: Analysis, on: date | None
) -> list[CodeFact]:
    """Codes matched from the asker's words. When they also named codes, only matches
    carried by one of our lay terms are added (the named codes are the question)."""
    named = set(analysis.codes) | set(analysis.icd_codes)
    systems = ("ICD-10-CM",) if analysis.question_type == "diagnosis" else ("CPT", "HCPCS")
    words = re.sub(r"\b[0-9A-Z]{5}\b", " ", question)
    hits = [
        h
        for h in search(session, words, limit=MATCH_LIMIT + len(named), systems=systems)
        if h.code not in named
    ]
    if not hits:
        return []
    if named:
        hits = [h for h in hits if h.phrase][:1]
    top = hits[0].score if hits else 0.0
    return [
        _fact(session, h.code, h.score / top if top else 0.0, False, on)
        for h in hits[:MATCH_LIMIT]
        if h.score >= top * 0.5
    ]


def _fact(session: Session, code: str, score: float, named: bool, on: date | None) -> CodeFact:
    system, description, plain = lookup.describe(session, code)
    fact = CodeFact(code, system, description, plain, score, named)
    if system in ("CPT", "HCPCS"):
        fact.rvus = lookup.rvus(session, code, on)
        fact.mue = lookup.mue(session, code, on)
        fact.addon_primaries = lookup.addon_primaries(session, code, on)
    fact.note = session.get(CodeNote, code)
    return fact


def _modifier_facts(
    session: Session, analysis: Analysis, edits: list[lookup.Edit]
) -> list[ModifierFact]:
    wanted = list(analysis.modifiers)
    if any(e.modifier_indicator == "1" for e in edits):
        e_m = any(_is_em(e.column1) or _is_em(e.column2) for e in edits)
        wanted += ["25"] if e_m else ["59", "XU"]
    out: list[ModifierFact] = []
    for code in dict.fromkeys(wanted):
        row = lookup.modifier(session, code)
        if row is not None:
            out.append(ModifierFact(code, row.description, row.instructions or row.information))
    return out


def _is_em(code: str) -> bool:
    return code.isdigit() and 99202 <= int(code) <= 99499


def _warnings(analysis: Analysis, facts: list[CodeFact], procedure_codes: list[str]) -> list[str]:
    warnings: list[str] = []
    for fact in facts:
        if fact.addon_primaries and not set(fact.addon_primaries) & set(procedure_codes):
            warnings.append(
                f"{fact.code} is an add-on code: report it with its primary procedure "
                f"(for example {', '.join(sorted(fact.addon_primaries)[:4])})."
            )
        units = analysis.units.get(fact.code)
        if fact.mue and units and units > fact.mue.units:
            warnings.append(
                f"{units} units of {fact.code} exceeds the MUE of {fact.mue.units} "
                f"(MAI {fact.mue.mai}: {fact.mue.meaning})."
            )
        if fact.named and not fact.description:
            warnings.append(f"{fact.code} is not in the loaded code sets: check the number.")
    if analysis.place_of_service or " pos " in f" {analysis.text.lower()} ":
        warnings.append(
            "Place of service goes in the claim's POS field (item 24B); it is not a modifier."
        )
    return warnings


def _confidence(analysis: Analysis, facts: list[CodeFact], known: list[CodeFact]) -> float:
    if not facts:
        return 0.1
    base = len(known) / len(facts)
    matched = [f for f in facts if not f.named]
    if matched and not analysis.codes:
        # A descriptive match is as sure as the gap between the first and second hit.
        scores = sorted((f.score for f in matched), reverse=True)
        gap = scores[0] - (scores[1] if len(scores) > 1 else 0)
        base *= 0.5 + 0.5 * min(1.0, gap * 2)
    has_money = any(f.rvus for f in facts)
    return round(min(1.0, base * (0.85 + 0.15 * has_money)), 2)


def payment(amount: Decimal) -> str:
    return f"${amount:,.2f}"
