"""The facts an answer is drafted from, gathered once for the templates and the JSON CLI.

Nothing here is invented: every fact comes from an imported release or from the project's
own notes, and the confidence says how much of the question they cover. Codes come in two
groups: the services to bill (checked against each other for NCCI edits) and the
alternatives a reviewer may prefer (shown, not cross-checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.knowledge import modifier_cues
from consultant.codes.releases import release_in_force, release_label
from consultant.codes.search import tokens
from consultant.codes.sections import is_em
from consultant.drafting import checks
from consultant.drafting.units import DoseUnits, units_for
from consultant.matching.analyse import Analysis, analyse
from consultant.matching.services import Candidate, coverage, described_candidates
from consultant.models import CodeNote, CodeRecord

ALTERNATIVES = 2


@dataclass
class CodeFact:
    code: str
    system: str
    description: str
    plain: str
    score: float
    named: bool  # the asker wrote this code; otherwise we matched it from their words
    billed: bool = True  # a service to report, not just an alternative
    rvus: lookup.Rvus | None = None
    mue: lookup.Mue | None = None
    note: CodeNote | None = None
    addon_primaries: list[str] = field(default_factory=list)
    dose_units: DoseUnits | None = None

    @property
    def key_notes(self) -> list[str]:
        """Our distinctions for this code, those that name it first."""
        notes = self.note.distinctions if self.note else []
        return sorted(notes, key=lambda n: self.code not in n)[:2]


@dataclass
class ModifierFact:
    modifier: str
    description: str
    guidance: str
    recommended: bool  # suggested by the edits, not only asked about


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
    ptp_release: str | None = None  # the edit release the codes were checked against

    @property
    def billed(self) -> list[CodeFact]:
        return [c for c in self.codes if c.billed]

    @property
    def alternatives(self) -> list[CodeFact]:
        return [c for c in self.codes if not c.billed]

    def as_json(self) -> dict[str, Any]:
        return {
            "question_type": self.analysis.question_type,
            "codes": [
                {
                    "code": c.code,
                    "system": c.system,
                    "description": c.description,
                    "score": round(c.score, 3),
                    "billed": c.billed,
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
            "units": {c.code: c.dose_units.units for c in self.codes if c.dose_units},
            "warnings": self.warnings,
            "confidence": round(self.confidence, 2),
            "needs_expert": self.needs_expert,
            "sources": self.sources,
            "analysis": self.analysis.as_json(),
        }


def build_answer(session: Session, question: str) -> Answer:
    """Analyse redacted question text and gather the facts for a reply."""
    analysis = analyse(question)
    on = analysis.date_of_service
    named = [c for c in analysis.codes if _known(session, c) or _written_as_code(question, c)]
    named += [c for c in analysis.icd_codes if _known(session, c)]
    systems = ("ICD-10-CM",) if analysis.question_type == "diagnosis" else ("CPT", "HCPCS")
    candidates = described_candidates(session, analysis, systems)
    services, alternatives, warnings = _choose(
        named, _family_of(session, named), candidates, analysis
    )
    if analysis.payer == "Medicare":
        services, demoted, medicare_notes = _medicare(session, services, analysis.text)
        alternatives = demoted + alternatives
        warnings += medicare_notes
    services = list(dict(reversed(services)).items())[::-1]  # each code once, first place kept
    taken = {code for code, _ in services}
    alternatives = [(c, sc) for c, sc in dict(reversed(alternatives)).items() if c not in taken][
        ::-1
    ]
    visit = _separate_visit(session, analysis, services)
    if visit is not None:
        services.append((visit, 0.8))
        warnings.append(
            "The visit level is not in the question: choose it from the documented medical "
            f"decision making or total time; {visit} is shown so its edits can be checked."
        )
    facts = [_fact(session, code, score, code in named, True, on) for code, score in services]
    facts += [_fact(session, code, score, False, False, on) for code, score in alternatives]
    billed = [f.code for f in facts if f.billed and f.system in ("CPT", "HCPCS")]
    edits = lookup.active_edits_between(session, billed, on)
    facts = _order_by_edits(facts, edits)
    _dose_units(analysis, facts)
    units = {**{f.code: f.dose_units.units for f in facts if f.dose_units}, **analysis.units}
    billed_set = set(billed)
    warnings += checks.addon_without_primary(facts, billed_set)
    warnings += checks.units_over_mue(facts, units)
    warnings += checks.bilateral(analysis, [f for f in facts if f.billed])
    warnings += checks.global_period(analysis, [f for f in facts if f.billed])
    warnings += checks.terminated(session, [f for f in facts if f.named], on)
    warnings += checks.place_of_service(session, analysis)
    warnings += checks.payer_caveat(analysis)
    modifiers = _modifier_facts(session, analysis, edits, facts)
    known = [f for f in facts if f.description]
    # Weak: nothing named, and the best match is carried neither by one of our lay terms,
    # nor by a cue that fits it, nor by most of the words (ICD-10-CM titles are precise).
    best = candidates[0] if candidates else None
    weak = not named and (
        best is None or not (best.phrase or best.cued or coverage(best, analysis.text) >= 0.5)
    )
    confidence = _confidence(facts, known, weak, candidates)
    needs_expert = (not known and not modifiers) or confidence < 0.4
    if needs_expert and not named and not analysis.modifiers:
        analysis.question_type = "other"
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
    ptp = release_in_force(session, "ptp", on)
    return Answer(
        analysis,
        facts,
        edits,
        modifiers,
        warnings,
        confidence,
        needs_expert,
        sources,
        release_label(ptp) if ptp else None,
    )


def _choose(
    named: list[str],
    named_families: dict[str, str],
    candidates: list[Candidate],
    analysis: Analysis,
) -> tuple[list[tuple[str, float]], list[tuple[str, float]], list[str]]:
    """Services to bill and alternatives to show, and any mismatch worth saying."""
    warnings: list[str] = []
    services: list[tuple[str, float]] = [(c, 1.0) for c in named]
    replaced: list[tuple[str, float]] = []
    fresh = [c for c in candidates if c.code not in named]
    if not fresh:
        return services, [], warnings
    top = fresh[0].score or 1.0
    chosen: list[Candidate] = [] if named else [fresh[0]]
    for cand in fresh:
        if cand in chosen or not cand.phrase or not cand.family or cand.score < top * 0.5:
            continue
        proposed = [c for c, fam in named_families.items() if fam == cand.family]
        if proposed and cand is fresh[0] and analysis.question_type == "compare":
            # The asker's code and their words disagree within one family of codes: their
            # code becomes an alternative, never billed beside the one that fits.
            warnings.append(
                f"What you describe matches {cand.code} ({cand.title}); "
                f"{', '.join(proposed)} may not fit it."
            )
            replaced = [item for item in services if item[0] in proposed]
            services = [(cand.code, 1.0)] + [item for item in services if item[0] not in proposed]
            continue
        # Another service described in the same question: a family not yet covered, and
        # words of the question that the services chosen so far do not account for.
        covered = set(named_families.values()) | {c.family for c in chosen}
        explained: set[str] = set()
        for done in chosen:
            explained |= set(tokens(done.title)) | done.matched
        if cand.family not in covered and cand.matched - explained:
            chosen.append(cand)
    services += [(c.code, c.score / top) for c in chosen]
    taken = {code for code, _ in services} | {code for code, _ in replaced}
    lead = {c.family for c in candidates if c.code in taken and c.family}
    lead |= set(named_families.values())
    # Neighbours worth ruling out: the same family as what we chose, and close in score.
    alternatives = replaced + [
        (c.code, c.score / top)
        for c in fresh
        if c.code not in taken
        and c.score >= top * 0.5
        and (c.family in lead if c.family else not lead)
    ]
    return services, alternatives[:ALTERNATIVES], warnings


_VISIT = re.compile(
    r"\b(?:doctor|physician|provider|np|pa|dr\.?)\s+(?:also\s+)?(?:saw|sees|seen|evaluated|examined)\b"
    r"|\b(?:saw|seen|evaluated|examined)\s+(?:him|her|them|the patient|the pt)\s+for\b"
    r"|\bseparate (?:e/m|visit|problem)\b",
    re.I,
)
_LEVEL_CODES = {
    "established": {
        "straightforward": "99212",
        "low": "99213",
        "moderate": "99214",
        "high": "99215",
    },
    "new": {"straightforward": "99202", "low": "99203", "moderate": "99204", "high": "99205"},
}


def _separate_visit(
    session: Session, analysis: Analysis, services: list[tuple[str, float]]
) -> str | None:
    """An office E/M the question describes beside a procedure ("the doctor saw him for a
    new rash"), at the level it states, else the usual level as a stand-in."""
    if not services or not _VISIT.search(analysis.text):
        return None
    if any(is_em(code) for code, _ in services):
        return None
    status = "new" if re.search(r"\bnew patient\b", analysis.text, re.I) else "established"
    return _LEVEL_CODES[status].get(analysis.level or "low", _LEVEL_CODES[status]["low"])


def _family_of(session: Session, codes: list[str]) -> dict[str, str]:
    notes = {code: session.get(CodeNote, code) for code in codes}
    return {code: note.family for code, note in notes.items() if note is not None and note.family}


def _medicare(
    session: Session, services: list[tuple[str, float]], text: str
) -> tuple[list[tuple[str, float]], list[tuple[str, float]], list[str]]:
    """Medicare's own codes where it wants them (G-codes, office visits for consults).
    Returns the services, the codes Medicare will not take (now alternatives), and notes."""
    out: list[tuple[str, float]] = []
    demoted: list[tuple[str, float]] = []
    notes: list[str] = []
    for code, score in services:
        note = session.get(CodeNote, code)
        extra = (note.extra or {}) if note else {}
        if extra.get("medicare_note"):
            notes.append(extra["medicare_note"])
        by_word = extra.get("medicare_by_word", {})
        word = next((w for w in by_word if re.search(rf"\b{re.escape(w)}", text, re.I)), None)
        if word is not None:
            extra = {**extra, "medicare": by_word[word]}
        if extra.get("medicare"):
            out.append((extra["medicare"], score))
            demoted.append((code, score))
            notes.append(
                f"Medicare does not accept {code} here: report {extra['medicare']} instead."
            )
        else:
            out.append((code, score))
    return out, demoted, notes


def _known(session: Session, code: str) -> bool:
    return (
        session.get(CodeNote, code) is not None
        or session.query(CodeRecord.code).filter(CodeRecord.code == code).first() is not None
        or lookup.rvus(session, code) is not None
    )


def _written_as_code(text: str, code: str) -> bool:
    """An unknown number counts as a code only when the asker calls it one (not a zip code)."""
    return bool(
        re.search(rf"(?:cpt|hcpcs|code|billed|bill)\W{{1,12}}{re.escape(code)}", text, re.I)
    )


def _fact(
    session: Session, code: str, score: float, named: bool, billed: bool, on: date | None
) -> CodeFact:
    system, description, plain = lookup.describe(session, code)
    fact = CodeFact(code, system, description, plain, score, named, billed)
    if system in ("CPT", "HCPCS"):
        fact.rvus = lookup.rvus(session, code, on)
        fact.mue = lookup.mue(session, code, on)
        fact.addon_primaries = lookup.addon_primaries(session, code, on)
    fact.note = session.get(CodeNote, code)
    return fact


def _order_by_edits(facts: list[CodeFact], edits: list[lookup.Edit]) -> list[CodeFact]:
    """The code that is paid (column 1) before the one an edit bundles into it."""
    rank = {f.code: i for i, f in enumerate(facts)}
    for edit in edits:
        a, b = rank.get(edit.column1), rank.get(edit.column2)
        if a is not None and b is not None and a > b:
            rank[edit.column1], rank[edit.column2] = b, a
    return sorted(facts, key=lambda f: (not f.billed, rank[f.code]))


def _dose_units(analysis: Analysis, facts: list[CodeFact]) -> None:
    drugs = [f for f in facts if f.billed and f.system == "HCPCS" and f.code[:1] in "JQ"]
    if len(drugs) != 1 or not analysis.doses:
        return
    drug = drugs[0]
    descriptor = drug.description or (drug.note.title if drug.note else "")
    for dose, unit in analysis.doses:
        converted = units_for(drug.code, descriptor, dose, unit)
        if converted is not None:
            drug.dose_units = converted
            return


def _modifier_facts(
    session: Session, analysis: Analysis, edits: list[lookup.Edit], facts: list[CodeFact]
) -> list[ModifierFact]:
    """Modifiers asked about, then those the edits, the situation and the codes call for."""
    wanted: list[tuple[str, bool]] = [(m, False) for m in analysis.modifiers]
    if analysis.question_type in ("modifier", "documentation", "same_day_pair"):
        wanted += [(m, False) for m in _named_modifier_tokens(session, analysis.text)]
    bypassable = [e for e in edits if e.modifier_indicator == "1"]
    if bypassable:
        if any(is_em(e.column2) or is_em(e.column1) for e in bypassable):
            wanted.append(("25", True))
        else:
            wanted += [(_distinct_modifier(analysis.text), True), ("59", True)]
    elif _em_with_minor_procedure(facts):
        wanted.append(("25", True))
    lowered = f" {analysis.text.lower()} "
    for modifier, cue_sets in modifier_cues().items():
        if any(all(cue in lowered for cue in cue_set) for cue_set in cue_sets):
            wanted.append((modifier, True))
    out: list[ModifierFact] = []
    seen: set[str] = set()
    for code, recommended in wanted:
        if code in seen:
            continue
        seen.add(code)
        row = lookup.modifier(session, code)
        if row is not None:
            out.append(
                ModifierFact(
                    code, row.description, row.instructions or row.information, recommended
                )
            )
    return out


def _named_modifier_tokens(session: Session, text: str) -> list[str]:
    """Two-character modifiers written bare in a modifier question ("GA or GZ?", "XS or 59")."""
    found = re.findall(r"\b([A-Z][A-Z0-9])\b", text)
    found += re.findall(r"\b(\d{2})\s+(?:or|vs\.?|and)\s+(?:X[ESPU]|[A-Z]{2}|\d{2})\b", text)
    found += re.findall(r"\b(?:X[ESPU]|[A-Z]{2}|\d{2})\s+(?:or|vs\.?|and)\s+(\d{2})\b", text)
    return [
        m for m in dict.fromkeys(found) if m not in _NOT_MODIFIERS and lookup.modifier(session, m)
    ]


_NOT_MODIFIERS = {
    "OR",
    "ER",
    "ED",
    "PT",
    "IV",
    "IM",
    "CT",
    "MR",
    "PA",
    "NP",
    "MD",
    "DO",
    "RN",
    "US",
    "UA",
}


def _em_with_minor_procedure(facts: list[CodeFact]) -> bool:
    """An E/M beside a procedure with no or a short global period (or whose global period
    is not loaded): the visit needs 25 to be paid separately."""
    billed = [f for f in facts if f.billed]
    return any(is_em(f.code) for f in billed) and any(
        not is_em(f.code)
        and f.system == "CPT"
        and (f.rvus is None or f.rvus.global_days in ("000", "010", "XXX"))
        for f in billed
    )


def _distinct_modifier(text: str) -> str:
    """The X{EPSU} modifier the question's own words point to."""
    lowered = re.sub(r"\bsep[ae]rate\b", "separate", text.lower())
    if any(
        w in lowered
        for w in (
            "different site",
            "separate site",
            "different lesion",
            "separate lesion",
            "different structure",
            "separate structure",
            "other side",
            "different area",
        )
    ):
        return "XS"
    if any(
        w in lowered
        for w in (
            "separate encounter",
            "different encounter",
            "later that day",
            "separate session",
            "different session",
        )
    ):
        return "XE"
    if any(
        w in lowered
        for w in (
            "different practitioner",
            "another provider",
            "different provider",
            "different doctor",
            "another physician",
        )
    ):
        return "XP"
    return "XU"


def _confidence(
    facts: list[CodeFact], known: list[CodeFact], weak: bool, candidates: list[Candidate]
) -> float:
    if not facts:
        return 0.1
    base = len(known) / len(facts)
    if weak:
        base *= 0.35
    elif candidates and not any(f.named for f in facts) and len(candidates) > 1:
        gap = (candidates[0].score - candidates[1].score) / (candidates[0].score or 1)
        base *= 0.6 + 0.4 * min(1.0, gap * 3)
    if not any(f.rvus for f in facts):
        base *= 0.9
    return round(min(1.0, base), 2)
