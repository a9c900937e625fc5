"""A stroke in the past: its residual deficits are coded as sequelae (I69), a history
without deficits as Z86.73, and neither as a current stroke (I63).

Sources: ICD-10-CM Official Guidelines I.C.9.d (category I69 for deficits that remain after
a cerebrovascular disease, present at any time after the onset; Z86.73 for a history of
cerebral infarction without residual deficits; I63 is not used for a stroke in the past),
and the tabular note under I69 for hemiplegia and monoplegia (the side affected and whether
it is the dominant one; undocumented dominance: the right side is dominant, the left side
non-dominant, an ambidextrous patient's side is dominant)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules.icd10_codes import is_billable

STROKE = re.compile(
    r"\b(?:(?:ischemic |embolic |thrombotic |lacunar )?(?:stroke|cva)s?|"
    r"cerebral infarct\w*|cerebrovascular accident)\b"
)
# Words that put the stroke in the past; "acute" or "new" keep it current.
_PAST = re.compile(
    r"\b(?:had|history of|hx of|h/o|hx|prior|previous|old|remote|s/p|status post|ago|"
    r"last (?:year|month)|in (?:19|20)\d\d|(?:19|20)\d\d|residual|sequela\w*|late effects?)\b"
)
_CURRENT = re.compile(r"\b(?:acute|new|evolving|in progress|tpa|thrombectomy)\b")
_NO_DEFICIT = re.compile(
    r"\b(?:no|without|denies) (?:residual|residuals|deficits?|lasting)\b|"
    r"\bfully recovered\b|\bno (?:residual )?(?:weakness|deficits?)\b"
)
# Deficits by the I69.3- characters after "I69.3" ("" + the side digit for hemiplegia and
# monoplegia), most specific first.
DEFICITS: tuple[tuple[str, str], ...] = (
    (r"\bhemipleg\w*|\bhemipare\w*|\bone[- ]sided weakness\b", "5"),
    (r"\bmonopleg\w* (?:of )?(?:the )?(?:\w+ )?(?:arm|upper)", "3"),
    (r"\bmonopleg\w* (?:of )?(?:the )?(?:\w+ )?(?:leg|lower)", "4"),
    (r"\baphasi\w*", "20"),
    (r"\bdysphasi\w*", "21"),
    (r"\bdysarthri\w*", "22"),
    (r"\bmemory (?:deficit|loss|problems?)", "11"),
    (r"\bcognitive (?:deficits?|impairment|decline)", "19"),
    (r"\bdysphagi\w*", "91"),
    (r"\bfacial (?:droop|weakness)|\bfacial palsy", "92"),
    (r"\bataxi\w*", "93"),
)
_SIDED = ("5", "3", "4")
HANDEDNESS = re.compile(r"\b(right|left)[- ]?hand(?:ed|edness)?\b|\bambidextrous\b")
_SIDE = re.compile(r"\b(r|right|l|left)\b")


@dataclass(frozen=True)
class StrokeCoding:
    codes: tuple[str, ...]  # I69.3- codes for the deficits, or Z86.73
    worked: tuple[str, ...]

    def covers(self, phrase: str) -> bool:
        """A condition phrase this coding holds: the stroke or a deficit it left."""
        return stroke_words(phrase)


def past_stroke(lowered: str) -> StrokeCoding | None:
    """The codes for a stroke the question places in the past, or None when it names none
    or the stroke is current."""
    said = STROKE.search(lowered)
    if said is None or _CURRENT.search(lowered) or not _PAST.search(lowered):
        return None
    handed = _handed(lowered)
    codes: list[str] = []
    worked: list[str] = []
    if not _NO_DEFICIT.search(lowered):
        for pattern, tail in DEFICITS:
            found = re.search(pattern, lowered)
            if found is None:
                continue
            side = _side_near(lowered, found.start(), found.end())
            code = f"I69.3{tail}{_side_digit(side, handed)}" if tail in _SIDED else f"I69.3{tail}"
            if not is_billable(code):
                continue
            codes.append(code)
            worked.append(_why(code, found.group(0), side, handed, tail in _SIDED))
    if not codes:
        codes.append("Z86.73")
        worked.append(
            "Z86.73: a stroke in the past with no residual deficit documented is a personal "
            "history, not a current stroke (I63 is for the acute episode) (ICD-10-CM I.C.9.d)"
        )
    return StrokeCoding(tuple(codes), tuple(worked))


def stroke_words(phrase: str) -> bool:
    """A condition phrase that names the stroke or one of the deficits it left."""
    return bool(STROKE.search(phrase)) or any(re.search(p, phrase) for p, _ in DEFICITS)


def _handed(lowered: str) -> str:
    said = HANDEDNESS.search(lowered)
    if said is None:
        return ""
    return said.group(1) or "ambidextrous"


def _side_near(lowered: str, start: int, end: int) -> str:
    """The side said just before the deficit ("R side hemiparesis") or just after it
    ("hemiparesis of the left side")."""
    before = [m.group(1) for m in _SIDE.finditer(lowered[max(0, start - 20) : start])]
    after = [m.group(1) for m in _SIDE.finditer(lowered[end : end + 25])]
    side = (before[-1:] or after[:1] or [""])[0]
    return "" if not side else ("right" if side.startswith("r") else "left")


def _side_digit(side: str, handed: str) -> str:
    """1 right dominant, 2 left dominant, 3 right non-dominant, 4 left non-dominant,
    9 unspecified side; undocumented handedness: right dominant, left non-dominant."""
    if side == "right":
        return "3" if handed == "left" else "1"
    if side == "left":
        return "2" if handed in ("left", "ambidextrous") else "4"
    return "9"


def _why(code: str, deficit: str, side: str, handed: str, sided: bool) -> str:
    line = (
        f"{code}: {deficit} remaining after a past stroke is a sequela (I69.3-, cerebral "
        "infarction), not a current stroke (I63) and not Z86.73, which is for a history with "
        "no deficit (ICD-10-CM I.C.9.d)"
    )
    if not sided or not side:
        return line
    dominant = _side_digit(side, handed) in ("1", "2")
    said = f"a {handed}-handed patient" if handed else "a patient whose dominance is not stated"
    return (
        f"{line}; the {side} side in {said} is the "
        f"{'dominant' if dominant else 'non-dominant'} side"
    )
