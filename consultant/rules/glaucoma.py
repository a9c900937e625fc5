"""Glaucoma by type, eye and stage, as eye-care notes write it ("POAG OU, mild OD, moderate
OS"), coded from H40 with the stage as the seventh character.

Sources: ICD-10-CM Official Guidelines I.C.7.a: as many H40 codes as needed for the type, the
eye and the stage (a.1); both eyes of the same type and stage: the bilateral code where there
is one (a.2); both eyes of the same type with different stages: a code for each eye where the
category has laterality (a.3); an indeterminate stage is the seventh character 4, not 0 (a.5).
The tabular's seventh characters: 0 stage unspecified, 1 mild, 2 moderate, 3 severe,
4 indeterminate; its sixth characters: 1 right, 2 left, 3 bilateral, 9 unspecified eye."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules.eyes import eyes_named, one_eye
from consultant.rules.icd10_codes import description, is_billable

# Type -> the category whose sixth character is the eye, or None with "X" for none.
_TYPES = (
    (r"\b(?:poag|primary open[- ]angle(?: glaucoma)?)\b", "H40.11", True),
    (r"\b(?:low|normal)[- ]tension glaucoma\b|\bntg\b", "H40.12", True),
    (r"\bpigmentary glaucoma\b", "H40.13", True),
    (
        r"\b(?:pseudo-?exfoliat\w*|pxf|pxe|pex|capsular)(?: glaucoma)?\b(?=[^.;]{0,40}glaucoma|"
        r"[^.;]{0,3}$)|\bpseudo-?exfoliation glaucoma\b",
        "H40.14",
        True,
    ),
    (
        r"\bchronic (?:primary )?(?:angle[- ]closure|narrow[- ]angle) glaucoma\b|\bcacg\b",
        "H40.22",
        True,
    ),
    (r"\b(?:primary )?angle[- ]closure glaucoma\b|\bpacg\b", "H40.20", False),
    (r"\bopen[- ]angle glaucoma\b|\boag\b", "H40.10", False),
)
_SUSPECT = re.compile(r"\bglaucoma suspect|\bsuspect(?:ed)? glaucoma|\bocular hypertension\b")
_STAGES = (
    (r"\bindeterminate\b", "4", "indeterminate"),
    (r"\b(?:severe|advanced|end[- ]stage)\b", "3", "severe"),
    (r"\bmoderate\b", "2", "moderate"),
    (r"\b(?:mild|early)\b", "1", "mild"),
)
_EYE_NAMES = {"1": "right eye", "2": "left eye", "3": "both eyes", "9": "eye not said"}
# One eye's findings per clause: "mild stage OD, moderate stage OS"; "OD: mild; OS: severe".
_CLAUSE = re.compile(r"[.;\n]|,|\band\b")


@dataclass(frozen=True)
class GlaucomaCoding:
    codes: tuple[str, ...]
    worked: tuple[str, ...]

    def covers(self, phrase: str) -> bool:
        """A condition phrase this coding holds (the term index would code it again)."""
        return glaucoma_words(phrase)


def glaucoma(lowered: str) -> GlaucomaCoding | None:
    """The H40 codes for the glaucoma the text documents, by type, eye and stage; None when
    it names no glaucoma of a staged type (a suspect is H40.0-, coded by its words)."""
    if _SUSPECT.search(lowered):
        return None
    found = next(((stem, sided) for p, stem, sided in _TYPES if re.search(p, lowered)), None)
    if found is None:
        return None
    stem, sided = found
    stages = _stage_by_eye(lowered)
    codes: list[str] = []
    worked: list[str] = []
    if not sided:
        digit = max(stages.values(), default="0", key=_severity)
        code = f"{stem}X{digit}"
        if is_billable(code):
            codes.append(code)
            worked.append(
                f"{_name(stem)}, {_stage_name(digit)} -> {code} (I.C.7.a.1; no eye in this category)"
            )
        return GlaucomaCoding(tuple(codes), tuple(worked)) if codes else None
    right, left = stages.get("1"), stages.get("2")
    if right is not None and left is not None and right != left:
        # I.C.7.a.3: different stages in each eye: a code for each eye.
        for eye, digit in (("1", right), ("2", left)):
            code = f"{stem}{eye}{digit}"
            if is_billable(code):
                codes.append(code)
                worked.append(
                    f"{_name(stem)}, {_EYE_NAMES[eye]}, {_stage_name(digit)} -> {code} "
                    "(I.C.7.a.3: different stages in each eye are coded for each eye, not with "
                    "the bilateral code)"
                )
    else:
        eye = _eye(lowered, stages)
        digit = stages.get(eye) or right or left or stages.get("3") or stages.get("") or "0"
        code = f"{stem}{eye}{digit}"
        if is_billable(code):
            codes.append(code)
            rule = (
                "I.C.7.a.2: the same stage in both eyes is the bilateral code"
                if eye == "3"
                else "I.C.7.a.1"
            )
            worked.append(
                f"{_name(stem)}, {_EYE_NAMES[eye]}, {_stage_name(digit)} -> {code} ({rule})"
            )
    return GlaucomaCoding(tuple(codes), tuple(worked)) if codes else None


def _stage_by_eye(lowered: str) -> dict[str, str]:
    """Each eye's stage ("1" right, "2" left, "3" both, "" not said) from the clauses that
    name a stage; a stage with no eye in its clause is the eye the note names elsewhere."""
    out: dict[str, str] = {}
    for clause in _CLAUSE.split(lowered):
        digit = next((d for p, d, _ in _STAGES if re.search(p, clause)), None)
        if digit is None:
            continue
        eyes = eyes_named(clause)
        for eye in ("3",) if "3" in eyes else tuple(eyes) or ("",):
            out[eye] = max(out.get(eye, "0"), digit, key=_severity)
    if "3" in out:  # both eyes at one stage, unless an eye is staged on its own
        out.setdefault("1", out["3"])
        out.setdefault("2", out["3"])
    return out


def _eye(lowered: str, stages: dict[str, str]) -> str:
    return one_eye(eyes_named(lowered) | {e for e in stages if e}) or "9"


def _severity(digit: str) -> int:
    """Stages by severity; indeterminate (4) only when nothing else is said."""
    return {"0": 0, "4": 1, "1": 2, "2": 3, "3": 4}[digit]


def _name(stem: str) -> str:
    return description(stem).lower()


def _stage_name(digit: str) -> str:
    return {
        "0": "stage not documented",
        "1": "mild stage",
        "2": "moderate stage",
        "3": "severe stage",
        "4": "indeterminate stage",
    }[digit]


def glaucoma_words(phrase: str) -> bool:
    """A condition phrase this rule codes (the term index would code it again)."""
    return bool(re.search(r"\bglaucoma\b|\bpoag\b|\bpacg\b|\bcacg\b|\bntg\b", phrase))
