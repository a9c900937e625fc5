"""Basal and squamous cell carcinoma of the skin as dermatology notes write them ("SCC upper
back", "BCC L nasal ala"), coded by cell type, site and side.

Sources: the ICD-10-CM tabular list, C44 (other and unspecified malignant neoplasm of skin):
the fourth character is the site (0 lip, 2 ear, 3 face, 4 scalp and neck, 5 trunk, 6 upper
limb and shoulder, 7 lower limb and hip), the fifth the cell type (1 basal cell, 2 squamous
cell), and the sixth the part of the face or trunk (nose, breast, anal skin, other) or the
side of an ear or limb (2 right, 9 left, 1 unspecified); the Neoplasm Table sends the skin of
the back, chest, abdomen, flank and buttock to the trunk. Carcinoma in situ (D04) and the
eyelid's codes (C44.1-, by upper and lower lid) are left to the term index; a history of skin
cancer (Z85.828), a lesion only suspected and a squamous cell carcinoma of a mucosa or an organ
are not this rule's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules.icd10_codes import is_billable

_TYPE = re.compile(
    r"\b(?:(?P<bcc>bcc|basal cell (?:carcinoma|ca|cancer|epithelioma))|"
    r"(?P<scc>c?scc|squamous cell (?:carcinoma|ca|cancer)))\b"
)
# Not an invasive carcinoma of the skin the note confirms today, said just before it.
_NOT_THIS = re.compile(
    r"\b(?:hx|history|h/o|r/o|rule out|suspicious|suspected|suspect|possible|probable|"
    r"concern(?:ing)? for|no|not|negative for)\b(?:\W+\w+){0,3}\W*$"
)
_IN_SITU = re.compile(r"^\W*in situ|\bvs\.?\b|\bsccis\b|\bbowen")
# A squamous cell carcinoma of a mucosa or an organ is no skin cancer (C00-C80 by site).
_NOT_SKIN = re.compile(
    r"\b(?:tongue|oral|mouth|larynx|laryngeal|tonsils?|oropharyn\w*|pharyn\w*|lungs?|"
    r"esophag\w*|cervix|vulva\w*|vagina\w*|anal canal|head and neck|metasta\w*|bladder|"
    r"bronch\w*|vermilion|mucosa\w*)\b"
)
_EYELID = re.compile(r"\b(?:eyelid|lid|canthus|canthal)\b")
# (site words, fourth character, sixth character for that part or None when the side is)
_SITES: tuple[tuple[str, str, str | None], ...] = (
    (r"lips?", "0", ""),
    (r"ears?|auricle|helix|earlobe|pinna|external auditory canal", "2", None),
    (r"nose|nasal|ala|alar|nasal tip|dorsum of (?:the )?nose", "3", "1"),
    (r"cheek|forehead|temple|chin|jaw|jawline|brow|eyebrow|face|facial|malar|glabella|"
     r"preauricular|mandible", "3", "9"),
    (r"scalp|neck", "4", ""),
    (r"breast", "5", "1"),
    (r"anal skin|perianal|anal margin", "5", "0"),
    (r"back(?!\s+of\b)|upper back|lower back|chest|abdomen|abdominal wall|flank|trunk|buttock|scapula|"
     r"shoulder blade|groin|axilla", "5", "9"),
    (r"arm|forearm|upper arm|shoulder|hand|finger|thumb|wrist|elbow|upper extremity|"
     r"dorsal hand", "6", None),
    (r"leg|lower leg|thigh|calf|shin|knee|foot|toe|ankle|hip|lower extremity|pretibial",
     "7", None),
)  # fmt: skip
_RIGHT = re.compile(r"\b(?:right|rt|r)\b")
_LEFT = re.compile(r"\b(?:left|lt|l)\b")
_CLAUSE = re.compile(r"[.;\n]")


@dataclass(frozen=True)
class SkinCancerCoding:
    codes: tuple[str, ...]
    worked: tuple[str, ...]

    def covers(self, phrase: str) -> bool:
        """A condition phrase this coding holds (the term index would code it again)."""
        named = _TYPE.search(phrase) or re.search(r"\b(?:basal|squamous) cell\b", phrase)
        # A history, an in-situ or an eyelid carcinoma is not this rule's: the index codes it.
        return bool(named) and not re.search(r"histor|in situ|eyelid|\blid\b", phrase)


def skin_cancers(lowered: str) -> SkinCancerCoding | None:
    """The C44 codes of the basal and squamous cell carcinomas the text documents, one per
    type, site and side; None when it names none this rule codes."""
    codes: list[str] = []
    worked: list[str] = []
    for clause in _CLAUSE.split(lowered):
        kinds = list(_TYPE.finditer(clause))
        for n, kind in enumerate(kinds):
            # Each carcinoma's words run to the next one's ("BCC R forearm and SCC L temple").
            end = kinds[n + 1].start() if n + 1 < len(kinds) else len(clause)
            start = kinds[n - 1].end() if n else 0
            before, after = clause[start : kind.start()], clause[kind.end() : end]
            if _NOT_THIS.search(before) or _IN_SITU.search(after) or _NOT_SKIN.search(clause):
                continue
            # The site is named next to the carcinoma: a few words after it, else just before.
            after = " ".join(after.split()[:12])
            before = " ".join(before.split()[-6:])
            if _EYELID.search(after):
                continue
            found = _site(after) or (None if n else _site(before))
            if found is None:
                continue
            name, fourth, part = found
            fifth = "1" if kind["bcc"] else "2"
            if part is None:
                where = after if _site(after) else before
                right, left = bool(_RIGHT.search(where)), bool(_LEFT.search(where))
                part = "2" if right and not left else "9" if left and not right else "1"
            code = f"C44.{fourth}{fifth}{part}"
            if is_billable(code) and code not in codes:
                codes.append(code)
                cell = "basal" if fifth == "1" else "squamous"
                worked.append(f"{cell} cell carcinoma of the skin, {name} -> {code} (C44, by site)")
    if not codes:
        return None
    return SkinCancerCoding(tuple(codes), tuple(worked))


def _site(words: str) -> tuple[str, str, str | None] | None:
    """The site ``words`` name first."""
    best: tuple[int, tuple[str, str, str | None]] | None = None
    for names, fourth, part in _SITES:
        match = re.search(rf"\b(?:{names})\b", words)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), (match.group(0), fourth, part))
    return best[1] if best else None
