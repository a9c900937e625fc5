"""Pressure ulcers by site, side and stage, as wound notes write them: the stage named
("stage 3 sacral decubitus") or described ("full thickness, subQ fat visible, no bone or
tendon exposed"), unstageable under eschar or slough, a deep tissue injury.

Sources: ICD-10-CM Official Guidelines I.C.12.a (the stage documented; unstageable when it
cannot be determined clinically, as under eschar; unspecified stage only when none is
documented; a healing ulcer at its documented stage; the highest stage when it changes) and
I.B.14 (the stage may come from other clinicians' notes, such as the wound nurse's; the
pressure ulcer itself from the patient's provider); the tabular's L89 sixth characters:
0 unstageable, 1-4 stage, 6 pressure-induced deep tissue damage, 9 unspecified stage; the
Index: "Ulcer, pressure, stage 3 (full thickness skin loss involving damage or necrosis of
subcutaneous tissue)", stage 4 ("necrosis of soft tissues through to underlying muscle,
tendon, or bone"), stage 2 ("abrasion, blister, partial thickness skin loss"), stage 1
("pre-ulcer skin changes limited to persistent focal edema" or erythema)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules.icd10_codes import description, is_billable

_PRESSURE = re.compile(
    r"\bpressure (?:ulcers?|injur\w*|sores?|wounds?)\b|\bdecubit\w*|\bbed ?sores?\b|\bpu\b"
)
_ULCER = re.compile(
    r"\bulcers?\b|\bpressure (?:injur\w*|sores?|wounds?)\b|\bdecubit\w*|\bbed ?sores?\b"
)
# Site -> the L89 fifth character stem for right, left and unspecified side.
_SITES = (
    (r"\bsacr\w*|\bcoccy\w*|\btailbone\b", ("L89.15", "L89.15", "L89.15")),
    (r"\bheels?\b", ("L89.61", "L89.62", "L89.60")),
    (r"\bankles?\b|\bmalleol\w*", ("L89.51", "L89.52", "L89.50")),
    (r"\bhips?\b|\btrochant\w*", ("L89.21", "L89.22", "L89.20")),
    (r"\bbuttocks?\b|\bgluteal\b", ("L89.31", "L89.32", "L89.30")),
    (r"\belbows?\b", ("L89.01", "L89.02", "L89.00")),
    (r"\bupper back\b|\bscapul\w*|\bshoulder blade", ("L89.11", "L89.12", "L89.10")),
    (r"\blower back\b", ("L89.13", "L89.14", "L89.10")),
    (r"\b(?:head|occiput|occipital)\b", ("L89.81", "L89.81", "L89.81")),
)
_RIGHT = re.compile(r"\b(?:right|rt|r)\b")
_LEFT = re.compile(r"\b(?:left|lt|l)\b")
_NUMBER = {"1": "1", "2": "2", "3": "3", "4": "4", "i": "1", "ii": "2", "iii": "3", "iv": "4"}
_STAGE = re.compile(r"\bstage\s*(1|2|3|4|iv|iii|ii|i)\b")
_UNSTAGEABLE = re.compile(
    r"\bunstageable\b|\bun-?stag\w*|\bunable to (?:be )?stage|\bcannot (?:be )?stage|"
    r"\bcan'?t (?:be )?stage|\b(?:covered|obscured|filled) (?:w/|with|by) (?:\w+ )?(?:eschar|slough)|"
    r"\beschar\b"
)
_DEEP_TISSUE = re.compile(r"\bdeep tissue (?:injury|damage|pressure injury)\b|\bdti\b")
_BONE_SHOWN = re.compile(
    r"\b(?:bone|tendon|muscle)s?\b[^.;]{0,20}\b(?:exposed|visible|palpable)\b|\bexposed (?:bone|tendon|muscle)\b"
)
_BONE_DENIED = re.compile(
    r"\bno (?:exposed )?(?:bone|tendon|muscle)|\bwithout (?:exposed )?(?:bone|tendon|muscle)"
)
_FULL_THICKNESS = re.compile(
    r"\bfull[- ]thickness\b|\bsub-?q\b|\bsubcutaneous\b|\bsubcut\b|\b(?:adipose|fat) (?:visible|exposed)\b|\bfat\b"
)
_PARTIAL = re.compile(r"\bpartial[- ]thickness\b|\bblister\w*|\bshallow open\b|\babrasion\b")
_ERYTHEMA = re.compile(r"\bnon-?blanch\w*|\bintact skin\b")
_HEALED = re.compile(r"\b(?:fully |completely )?healed\b(?! over)")
# One wound per clause: a sentence, a quotation, "and" before a new site.
_SEGMENT = re.compile(
    r"[.;\n\"]|(?<!\w)'|'(?!\w)|\band\b(?=[^.;]{0,30}\b(?:ulcer|pressure|decubit))"
)
# An ulcer of another kind is coded by its own words (L97.-, I83.0-, E11.62-).
_OTHER_KIND = re.compile(r"\b(?:diabetic|venous|stasis|arterial|neuropathic|ischemic)\b")


@dataclass(frozen=True)
class UlcerCoding:
    codes: tuple[str, ...]
    worked: tuple[str, ...]
    sites: tuple[str, ...] = ()  # the site patterns coded here

    def covers(self, phrase: str) -> bool:
        """A condition phrase this rule coded (the term index would code it again): one
        naming a site coded here, or an ulcer's description naming no site."""
        if any(re.search(p, phrase) for p in self.sites):
            return True
        return not any(re.search(p, phrase) for p, _ in _SITES) and bool(_DESCRIBES.search(phrase))


_DESCRIBES = re.compile(
    r"\bulcer|\bpressure\b|\bdecubit|\beschar\b|\bstage\b|\bexposed\b|\bvisible\b|"
    r"\bthickness\b|\bslough\b|\bdebrid\w*"
)


def pressure_ulcers(lowered: str) -> UlcerCoding | None:
    """The L89 codes for the pressure ulcers the text documents, one per site and side at its
    highest stage; None when it names no pressure ulcer at a site this rule knows."""
    if not _PRESSURE.search(lowered):
        return None
    found: dict[str, tuple[str, str]] = {}  # stem -> stage digit, how it was read
    sites: list[str] = []
    segments = [s for s in _SEGMENT.split(lowered) if s.strip()]
    for i, segment in enumerate(segments):
        if not _ULCER.search(segment) or _OTHER_KIND.search(segment):
            continue
        site_pattern, site = next(
            ((p, stems) for p, stems in _SITES if re.search(p, segment)), ("", None)
        )
        if site is None:
            continue
        side = 0 if _RIGHT.search(segment) else 1 if _LEFT.search(segment) else 2
        stem = site[side]
        # The descriptions that follow the ulcer's clause, up to the next ulcer, are its own.
        following = []
        for later in segments[i + 1 :]:
            if _ULCER.search(later) or re.search(r"\b(?:note|says|wrote|documents?)\b", later):
                break
            following.append(later)
        digit, how = _stage_of(" ".join([segment, *following]))
        if _HEALED.search(segment):
            continue  # a healed pressure ulcer is not coded (I.C.12.a.3)
        sites.append(site_pattern)
        if stem in found and _rank(found[stem][0]) >= _rank(digit):
            continue
        found[stem] = (digit, how)
    codes, worked = [], []
    for stem, (digit, how) in found.items():
        code = f"{stem}{digit}"
        if not is_billable(code):
            continue
        codes.append(code)
        worked.append(f"{description(stem).lower()}, {how} -> {code} (I.C.12.a)")
    return UlcerCoding(tuple(codes), tuple(worked), tuple(sites)) if codes else None


def _stage_of(text: str) -> tuple[str, str]:
    """The stage digit and why: the stage written, else what the description shows."""
    written = _STAGE.search(text)
    if _DEEP_TISSUE.search(text):
        return "6", "pressure-induced deep tissue damage"
    if _UNSTAGEABLE.search(text) and not written:
        return "0", "unstageable: the base cannot be seen (eschar or slough) until debrided"
    if written:
        digit = _NUMBER[written.group(1)]
        return digit, f"stage {digit} as documented"
    if _BONE_SHOWN.search(text) and not _BONE_DENIED.search(text):
        return "4", "stage 4 by its description: bone, tendon or muscle exposed"
    if _FULL_THICKNESS.search(text):
        return (
            "3",
            "stage 3 by its description: full-thickness loss into the fat, no bone, tendon or muscle",
        )
    if _PARTIAL.search(text):
        return "2", "stage 2 by its description: partial-thickness loss or blister"
    if _ERYTHEMA.search(text):
        return "1", "stage 1 by its description: intact skin, non-blanchable redness"
    return (
        "9",
        "stage not documented (L89.--9 only when no stage is documented: ask the wound nurse's note, I.B.14)",
    )


def _rank(digit: str) -> int:
    return {"9": 0, "1": 1, "2": 2, "0": 3, "6": 3, "3": 4, "4": 5}[digit]


def stage_from_other_clinicians(lowered: str) -> str | None:
    """I.B.14: the answer to "can I take the stage from the nurse's note?"."""
    if not re.search(
        r"\b(?:rn|nurse|nursing|wound care|wocn|wound nurse|lpn|therapist)\b", lowered
    ):
        return None
    if not re.search(r"\bstag\w*|\bdepth\b", lowered):
        return None
    return (
        "The stage may be taken from the wound nurse's or another clinician's note (ICD-10-CM "
        "Official Guidelines I.B.14: the pressure ulcer stage is among the details other "
        "clinicians may document); the pressure ulcer itself must be documented by the "
        "patient's provider, and a conflict between them is a query to the provider."
    )
