"""Stage 1, candidates: the services to bill and the neighbours a reviewer may prefer.

From the codes the asker wrote and the services their words describe (ranked by
consultant.matching.services); each code once, in the order a coder would list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.search import tokens
from consultant.codes.sections import is_em
from consultant.matching.analyse import Analysis
from consultant.matching.services import Candidate

ALTERNATIVES = 2

Scored = tuple[str, float]


@dataclass
class Selection:
    """What stage 1 chose; later stages move codes between its lists."""

    named: list[str]  # codes the asker wrote that exist in a loaded code set
    services: list[Scored]
    alternatives: list[Scored]
    system_of: dict[str, str]
    advice: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)  # units a rule computed per code
    by_rule: set[str] = field(default_factory=set)  # codes a payer rule put in (Medicare's)
    worked: dict[str, list[str]] = field(default_factory=dict)  # the arithmetic, per code

    def add_service(self, code: str, score: float, worked: list[str] | None = None) -> None:
        if code not in [c for c, _ in self.services]:
            self.services.append((code, score))
        if worked:
            self.worked.setdefault(code, []).extend(worked)

    def replace_service(self, old: str, new: str, worked: list[str]) -> None:
        """``new`` takes ``old``'s place; ``old`` is kept as an alternative."""
        replaced = [(new if c == old else c, s) for c, s in self.services]
        self.services = list(dict(reversed(replaced)).items())[::-1]  # each code once, first place
        if old != new:
            self.alternatives.insert(0, (old, 0.5))
        self.worked.setdefault(new, []).extend(worked)


def select_codes(session: Session, analysis: Analysis, candidates: list[Candidate]) -> Selection:
    named = [c for c in analysis.codes if _known(session, c) or c in analysis.written_codes]
    named += [c for c in analysis.icd_codes if _known(session, c)]
    # Each code is described from its own system: what the asker wrote as a diagnosis, or
    # the system the candidate was found in.
    system_of = {c.code: c.system for c in candidates}
    system_of.update({c: "ICD-10-CM" for c in analysis.icd_codes})
    # Tests the visit reviewed or ordered are data for its MDM, not services to bill.
    data_words = set(tokens(" ".join(analysis.em.data_terms)))
    performed = [c for c in candidates if not (c.matched and set(c.matched) <= data_words)]
    services, alternatives = _choose(named, _family_of(session, named), performed)
    selection = Selection(named, services, alternatives, system_of)
    if analysis.payer == "Medicare":
        _medicare(session, selection, analysis)
    _dedupe(selection)
    visit = _separate_visit(analysis, selection.services)
    if visit is not None:
        selection.services.append((visit, 0.8))
        if not analysis.level:
            selection.warnings.append(
                "The visit level is not in the question: choose it from the documented medical "
                f"decision making or total time; {visit} is shown so its edits can be checked."
            )
    return selection


def _dedupe(selection: Selection) -> None:
    """Each code once, first place kept; a service is never also an alternative."""
    selection.services = list(dict(reversed(selection.services)).items())[::-1]
    taken = {code for code, _ in selection.services}
    selection.alternatives = [
        (c, sc) for c, sc in dict(reversed(selection.alternatives)).items() if c not in taken
    ][::-1]


def _choose(
    named: list[str], named_families: dict[str, str], candidates: list[Candidate]
) -> tuple[list[Scored], list[Scored]]:
    """Services to bill (the asker's codes, then each service their words describe) and the
    neighbours worth ruling out."""
    services: list[Scored] = [(c, 1.0) for c in named]
    fresh = [c for c in candidates if c.code not in named]
    if not fresh:
        return services, []
    top = fresh[0].score or 1.0
    chosen: list[Candidate] = [] if named else [fresh[0]]
    for cand in fresh:
        if cand in chosen or not cand.phrase or not cand.family or cand.score < top * 0.5:
            continue
        # Another service described in the same question: a family not yet covered, and
        # words of the question that the services chosen so far do not account for.
        # A drug and the procedure that gives it are two services even when our notes file
        # them in one family (triamcinolone beside the joint injection).
        covered = {(f, _is_drug(c)) for c, f in named_families.items()}
        covered |= {(c.family, _is_drug(c.code)) for c in chosen}
        explained: set[str] = set()
        for done in chosen:
            explained |= set(tokens(done.title)) | done.matched
        if (cand.family, _is_drug(cand.code)) not in covered and cand.matched - explained:
            chosen.append(cand)
    services += [(c.code, c.score / top) for c in chosen]
    taken = {code for code, _ in services}
    lead = {c.family for c in candidates if c.code in taken and c.family}
    lead |= set(named_families.values())
    # Neighbours worth ruling out: the same family as what we chose, and close in score.
    alternatives = [
        (c.code, c.score / top)
        for c in fresh
        if c.code not in taken
        and c.score >= top * 0.5
        and (c.family in lead if c.family else not lead)
    ]
    return services, alternatives[:ALTERNATIVES]


def _is_drug(code: str) -> bool:
    """A HCPCS drug code (J codes: drugs given other than by mouth)."""
    return code[:1] == "J"


_LEVEL_CODES = {
    "established": {
        "straightforward": "99212",
        "low": "99213",
        "moderate": "99214",
        "high": "99215",
    },
    "new": {"straightforward": "99202", "low": "99203", "moderate": "99204", "high": "99205"},
}


def _separate_visit(analysis: Analysis, services: list[Scored]) -> str | None:
    """An office E/M the question describes beside a procedure ("the doctor saw him for a
    new rash"), at the level it states, else the usual level as a stand-in. The patient is
    established unless the question says new: a new problem is not a new patient."""
    if not services or not analysis.separate_visit:
        return None
    if any(is_em(code) for code, _ in services):
        return None
    status = "new" if analysis.patient_status == "new" else "established"
    return _LEVEL_CODES[status].get(analysis.level or "low", _LEVEL_CODES[status]["low"])


def _family_of(session: Session, codes: list[str]) -> dict[str, str]:
    notes = {code: lookup.note(session, code) for code in codes}
    return {code: note.family for code, note in notes.items() if note is not None and note.family}


def _medicare(session: Session, selection: Selection, analysis: Analysis) -> None:
    """Medicare's own codes where it wants them (G-codes, office visits for consults); the
    codes Medicare will not take become alternatives."""
    out: list[Scored] = []
    for code, score in selection.services:
        note = lookup.note(session, code)
        extra = (note.extra or {}) if note else {}
        if extra.get("medicare_note"):
            selection.advice.append(extra["medicare_note"])
        by_word = extra.get("medicare_by_word", {})
        word = next((w for w in by_word if analysis.mentions(w)), None)
        if word is not None:
            extra = {**extra, "medicare": by_word[word]}
        if extra.get("medicare"):
            out.append((extra["medicare"], score))
            selection.by_rule.add(extra["medicare"])
            selection.alternatives.insert(0, (code, score))
            selection.advice.append(
                f"Medicare does not accept {code} here: report {extra['medicare']} instead."
            )
        else:
            out.append((code, score))
    selection.services = out


def _known(session: Session, code: str) -> bool:
    return lookup.is_known(session, code)
