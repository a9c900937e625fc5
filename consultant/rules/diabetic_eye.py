"""Diabetic retinopathy as retina notes write it ("moderate NPDR OU", "PDR OD with DME"),
coded as the diabetes combination code of the patient's type, by severity, macular edema and
eye.

Sources: ICD-10-CM Official Guidelines I.A.15 ("with": retinopathy in a diabetic is presumed
diabetic) and I.C.4.a (as many E08-E13 codes as the complications need; type not documented
is type 2, I.C.4.a.2); the tabular list's E11.31-E11.35: unspecified, mild, moderate and
severe nonproliferative, and proliferative retinopathy, each with or without macular edema
(the Index's default is without), proliferative also with traction detachment or stable, and
a seventh character for the eye (1 right, 2 left, 3 both, 9 unspecified). A different severity
in each eye is a code for each eye."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules.eyes import eyes_named, one_eye
from consultant.rules.icd10_codes import is_billable

_RETINOPATHY = re.compile(r"\b(?:npdr|pdr|(?:non-?)?proliferative|retinopathy)\b")
_DIABETES = re.compile(
    r"\b(?:diabet\w*|dm ?[12]?|t[12]dm|iddm|niddm|npdr|pdr|type [12]|a1c|insulin|metformin)\b"
)
_TYPE_1 = re.compile(r"\b(?:type 1|type i|t1dm|dm ?1|iddm)\b")
_PROLIFERATIVE = re.compile(r"\bpdr\b|(?<!non)(?<!non-)\bproliferative\b")
_SEVERITY = (("severe", "4"), ("moderate", "3"), ("mild", "2"))
_EDEMA = re.compile(r"\b(?:dme|csme|ci-?dme|macular edema|macular oedema)\b")
_NO_EDEMA = re.compile(
    r"\b(?:no|without|w/o|neg(?:ative)? for|denies)\s+(?:\w+\s+){0,2}?"
    r"(?:dme|csme|ci-?dme|macular edema)\b"
)
_NOT_DIABETIC = re.compile(r"\b(?:no|not|without|denies|non)[- ]?$|\bno hx of $|\bno h/o $")
# Retinopathy of another cause is not diabetic.
_OTHER_CAUSE = re.compile(
    r"\b(?:hypertensive|of prematurity|rop|solar|radiation|sickle[- ]cell|sickle)\b[^.;]{0,20}"
    r"retinopathy|retinopathy (?:of prematurity|due to (?!diabet))"
)
_NONE = re.compile(
    r"\b(?:no|without|w/o|neg(?:ative)? for)\s+(?:\w+\s+)?(?:npdr|pdr|retinopathy)\b"
)
# A clause: retina notes put one eye's findings per sentence or after a semicolon.
_CLAUSE = re.compile(r"[.;\n]|,\s*(?=(?:and )?(?:mild|moderate|severe|pdr|npdr)\b)")


@dataclass(frozen=True)
class EyeCoding:
    codes: tuple[str, ...]
    worked: tuple[str, ...]

    def covers(self, phrase: str) -> bool:
        """A condition phrase this coding holds (the term index would code it again)."""
        return retinopathy_words(phrase)


def diabetic_retinopathy(lowered: str) -> EyeCoding | None:
    """The combination codes for the diabetic retinopathy the text documents, one per
    severity and eye; None when it names none (or no diabetes)."""
    if not _RETINOPATHY.search(lowered) or not any(
        not _NOT_DIABETIC.search(lowered[max(0, m.start() - 12) : m.start()])
        for m in _DIABETES.finditer(lowered)
    ):
        return None
    family = "E10" if _TYPE_1.search(lowered) else "E11"
    edema = bool(_EDEMA.search(lowered)) and not _NO_EDEMA.search(lowered)
    codes: list[str] = []
    worked: list[str] = []
    for clause in _CLAUSE.split(lowered):
        if not _RETINOPATHY.search(clause) or _NONE.search(clause) or _OTHER_CAUSE.search(clause):
            continue
        stage, name = _stage(clause)
        eye = _eye(clause) or _eye(lowered) or "9"
        code = _code(family, stage, edema, clause, eye)
        if code and code not in codes:
            codes.append(code)
            worked.append(
                f"{name} retinopathy in a diabetic{' with macular edema' if edema else ''}, "
                f"eye {eye} -> {code} (I.A.15 'with', I.C.4.a; the seventh character is the eye)"
            )
    if not codes:
        return None
    return EyeCoding(tuple(_one_per_eye(codes)), tuple(worked))


def _stage(clause: str) -> tuple[str, str]:
    if _PROLIFERATIVE.search(clause):
        return "5", "proliferative"
    for word, digit in _SEVERITY:
        if re.search(rf"\b{word}\b", clause):
            return digit, f"{word} nonproliferative"
    return "1", "unspecified"


def _eye(text: str) -> str:
    return one_eye(eyes_named(text))


def _code(family: str, stage: str, edema: bool, clause: str, eye: str) -> str | None:
    if stage == "1":
        code = f"{family}.31{'1' if edema else '9'}"
        return code if is_billable(code) else None
    sixth = "1" if edema else "9"
    if stage == "5":
        if re.search(r"\btraction\b", clause):
            sixth = "3" if re.search(r"\bnot involving|\bsparing\b", clause) else "2"
        elif re.search(r"\bstable\b|\bquiescent\b|\binactive\b", clause) and not edema:
            sixth = "5"
    code = f"{family}.3{stage}{sixth}{eye}"
    return code if is_billable(code) else None


def _one_per_eye(codes: list[str]) -> list[str]:
    """An eye coded twice (the bilateral mention and a one-eye one) keeps its more severe
    code; a one-eye code beside a bilateral one of the same stage is the bilateral one."""
    out: list[str] = []
    for code in codes:
        stem = code[:-1]
        if code.endswith(("1", "2")) and any(c == stem + "3" for c in codes):
            continue
        out.append(code)
    return out


def retinopathy_words(phrase: str) -> bool:
    """A condition phrase this rule codes (the term index would code it again)."""
    return bool(re.search(r"\bretinopathy|\bmacular edema\b|\bnpdr\b|\bpdr\b|\bdme\b", phrase))
