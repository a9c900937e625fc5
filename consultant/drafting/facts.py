"""The facts a draft is made of: the codes with their data, the modifiers, the edits, and
what the reviewer alone sees (warnings, alternatives, confidence)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from consultant.codes import lookup
from consultant.matching.analyse import Analysis
from consultant.models import CodeNote
from consultant.rules.drug_units import DrugUnits


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
    # The professional (26) and technical (TC) rows of a code whose PC/TC indicator is 1.
    split: tuple[lookup.Rvus, lookup.Rvus] | None = None
    mue: lookup.Mue | None = None
    note: CodeNote | None = None
    addon_primaries: list[str] = field(default_factory=list)
    dose_units: DrugUnits | None = None
    worked: list[str] = field(default_factory=list)  # arithmetic shown in the reply
    units: int | None = None  # units a rule computed (prolonged minutes, timed therapy ...)

    @property
    def billing_units(self) -> int | None:
        return self.dose_units.units if self.dose_units else self.units

    @property
    def plain_words(self) -> str:
        """Our plain-language description when it says more than the descriptor does."""
        if _bare(self.plain) == _bare(self.description):
            return ""
        return self.plain


@dataclass
class ModifierFact:
    modifier: str
    description: str
    guidance: str
    recommended: bool  # suggested by the edits, not only asked about

    @property
    def short_guidance(self) -> str:
        """The usage note cut to the sentences a reply needs: the first two, without those
        about retired code sets (CMS notes still name ICD-9) or other specialties' cases."""
        sentences = [
            s.strip()
            for s in re.split(r"(?<=[.;])\s+", self.guidance)
            if s.strip() and "ICD-9" not in s and "Ophthalmolog" not in s
        ]
        short = " ".join(sentences[:2]).rstrip(";, ")
        if len(short) > 320:
            return short[:320].rsplit(" ", 1)[0] + " ..."
        return short + ("." if short and not short.endswith(".") else "")


@dataclass
class Answer:
    """The drafted answer: what the reply says and what only the reviewer sees."""

    analysis: Analysis
    codes: list[CodeFact]
    edits: list[lookup.Edit]
    modifiers: list[ModifierFact]
    warnings: list[str]
    confidence: float
    needs_expert: bool
    sources: list[str]
    ptp_release: str | None = None  # the edit release the codes were checked against
    # What the reply tells the asker to watch for; ``warnings`` stay with the reviewer.
    advice: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)  # the asker's codes that do not fit
    unbilled: dict[str, str] = field(default_factory=dict)  # codes an edit keeps unpaid, why

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
                    "named": c.named,
                    "rvus": _rvus_json(c.rvus),
                    "worked": c.worked,
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
            "units": {c.code: u for c in self.codes if (u := c.billing_units) is not None},
            "warnings": self.warnings,
            "advice": self.advice,
            "corrections": self.corrections,
            "confidence": round(self.confidence, 2),
            "needs_expert": self.needs_expert,
            "sources": self.sources,
            "analysis": self.analysis.as_json(),
        }


def _rvus_json(r: lookup.Rvus | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "work": str(r.work),
        "nf_total": str(r.nf_total),
        "f_total": str(r.f_total),
        "nf_payment": str(r.nf_payment),
        "f_payment": str(r.f_payment),
        "conv_factor": str(r.conv_factor),
        "global_days": r.global_days,
        "release": r.release,
    }


def _bare(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
