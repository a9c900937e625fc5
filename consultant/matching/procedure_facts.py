"""The measurements a procedure question gives: a lesion's size, margins, behaviour and site;
each wound's length, repair class and site; the minutes of each timed therapy service. The
arithmetic on them is consultant.rules' (excised diameter, repairs summed, 8-minute rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Body words by the site names of consultant.rules.skin.Site.
SITE_WORDS: list[tuple[str, str]] = [
    ("eyelid", r"eyelids?|lids?"),
    ("nose", r"nose|nasal|nostril"),
    ("lip", r"lips?|vermilion"),
    ("ear", r"ears?|earlobe|auricle"),
    ("forehead", r"forehead|brow"),
    ("cheek", r"cheeks?|malar"),
    ("chin", r"chin|jaw"),
    ("mouth", r"mouth"),
    ("face", r"face|facial|temple"),
    ("scalp", r"scalp"),
    ("neck", r"neck"),
    ("axilla", r"axilla|axillary|armpit"),
    ("genitalia", r"genitals?|genitalia|scrotum|penis|labia|vulva"),
    ("hand", r"hands?|fingers?|thumbs?|palm|knuckles?"),
    ("foot", r"feet|foot|toes?|heel|sole"),
    ("trunk", r"trunk|back|chest|abdomen|abdominal|flank|shoulder|buttocks?|torso|hip"),
    ("arm", r"arms?|forearms?|elbows?|wrists?|upper extremity"),
    ("leg", r"legs?|thighs?|knees?|shins?|calf|calves|ankles?|lower extremity"),
]
_SITE = [(name, re.compile(rf"\b(?:{words})\b")) for name, words in SITE_WORDS]
_MALIGNANT = re.compile(
    r"\bmalignan|\bbcc\b|\bscc\b|basal cell|squamous cell|melanoma|carcinoma|cancer|\bmets?\b"
)
_BENIGN = re.compile(r"\bbenign|cyst|lipoma|nevus|nevi|mole|seborrheic|keratosis|dermatofibroma")
_SIZE = r"(\d+(?:\.\d+)?)\s*(?:x\s*\d+(?:\.\d+)?\s*)?(cm|mm)\b"
_LESION = re.compile(
    rf"{_SIZE}[^.;]{{0,40}}?\b(?:lesion|bcc|scc|melanoma|carcinoma|cyst|lipoma|nevus|mole|tumou?r)"
    rf"|(?:lesion|bcc|scc|melanoma|carcinoma|cyst|lipoma|nevus|mole|tumou?r)[^.;]{{0,40}}?{_SIZE}"
)
_MARGIN = re.compile(rf"{_SIZE}\s*(?:\w+\s+){{0,2}}margins?|margins?\s*(?:of\s*)?{_SIZE}")
_REPAIR_CLASS = re.compile(r"\b(simple|intermediate|layered|layer closure|complex)\b")
_WOUND = re.compile(rf"{_SIZE}")
_EXCISION = re.compile(
    r"\bexcis|\bmargins?\b|\b11[46][0-4]\d\b"
    r"|\bremov(?:e|ed|al) (?:a |the )?(?:\w+ )?(?:lesion|cyst|lipoma|bcc|scc|mole)"
)
_REPAIR = re.compile(r"\brepair|lacerat|\bsutur|\bclosure|\bstitch")

# Timed therapy services by the words therapists write.
THERAPY_WORDS: list[tuple[str, str]] = [
    ("97110", r"therapeutic exercises?|ther ?ex"),
    ("97112", r"neuromuscular re-?education|neuro ?re-?ed|nmr"),
    ("97116", r"gait training"),
    ("97140", r"manual therapy|joint mobili[sz]ation|soft tissue mobili[sz]ation"),
    ("97530", r"therapeutic activit(?:y|ies)|ther ?act"),
    ("97535", r"self[- ]care|home management training|adl training"),
    ("97124", r"massage"),
    ("97035", r"ultrasound therapy|therapeutic ultrasound"),
    ("97032", r"attended e-?stim|electrical stimulation,? (?:manual|attended)"),
    ("97033", r"iontophoresis"),
    ("97750", r"physical performance test"),
]
_TIMED_CODES = {code for code, _ in THERAPY_WORDS} | {"97113", "97150", "97542", "97760", "97763"}
_MINUTES = r"(\d{1,3})\s*(?:min|mins|minutes)\b"


@dataclass(frozen=True)
class Lesion:
    behaviour: str  # "benign", "malignant" or ""
    size_cm: float
    margin_cm: float
    site: str


@dataclass(frozen=True)
class Wound:
    repair: str  # "simple", "intermediate", "complex"
    site: str
    length_cm: float


@dataclass(frozen=True)
class Quantity:
    """A number of things supplied: "100 test strips" (100, 0), "2 boxes of 100 lancets"
    (2, 100): ``package`` is how many each counted package holds, 0 for single items."""

    number: int
    package: int
    words: tuple[str, ...]  # the things counted, as written ("glucose", "test", "strips")
    at: int  # where the question says it


@dataclass(frozen=True)
class ProcedureFacts:
    lesion: Lesion | None = None
    wounds: tuple[Wound, ...] = ()
    timed: tuple[tuple[str, int], ...] = ()  # (code, minutes) of timed therapy services
    area_sq_cm: float | None = None  # a wound's surface area (debridement)
    shave: Lesion | None = None  # a lesion removed by shaving (not a shave biopsy)
    supplies: tuple[Quantity, ...] = ()  # numbers of supplies ("100 strips", "1 box of 100")
    # How lesions were taken at an endoscopy, in the order said: "snare", "hot forceps",
    # "biopsy" (cold forceps), "ablation", or "removed" (a polypectomy whose tool is unsaid).
    endoscopic: tuple[str, ...] = ()


_AREA = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:sq\.?\s*cm|cm2|cm\^2|cm²|square cm|square centimet(?:er|re)s?)"
    r"|(\d+(?:\.\d+)?)\s*(?:cm)?\s*x\s*(\d+(?:\.\d+)?)\s*cm\b[^.]{0,30}?(?:debrid|ulcer|wound)"
)


def procedure_facts(lowered: str) -> ProcedureFacts:
    shave = _shave(lowered)
    lesion = None if shave is not None else _lesion(lowered)
    return ProcedureFacts(
        lesion,
        _wounds(lowered),
        _timed(lowered),
        _area(lowered),
        shave,
        _supplies(lowered),
        _endoscopic(lowered),
    )


_ENDOSCOPY = re.compile(r"\b(?:colonoscop|sigmoidoscop|flex(?:ible)? sig|egd\b|endoscop)")
# Most specific first: a hot biopsy forceps is not a biopsy, a "snare polypectomy" is a snare.
_TECHNIQUES = [
    ("hot forceps", r"hot (?:biopsy )?forceps|hot bx"),
    ("snare", r"\bsnar(?:e|ed|es|ing)\b"),
    ("ablation", r"\bablat|argon plasma|\bapc\b"),
    ("biopsy", r"\bbiops|\bbx\b|\bbx'?d\b|cold forceps|forceps"),
    (
        "removed",
        r"polypectom|polyps?\b(?: \w+){0,4} (?:removed|excised)|remov(?:ed|al of) (?:\w+ )?polyps?",
    ),
]
# "no polyps removed", "without biopsy", "no bx taken": the technique was not used.
_NOT_DONE = re.compile(r"\b(?:no|not|without|nor|never|none)\b(?:\s+\w+){0,2}\s*$")


def _endoscopic(lowered: str) -> tuple[str, ...]:
    """The ways lesions were biopsied or removed at an endoscopy the question names."""
    if not _ENDOSCOPY.search(lowered):
        return ()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _TECHNIQUES:
        for m in re.finditer(pattern, lowered):
            if any(a <= m.start() < b for a, b in taken):
                continue  # part of a more specific technique already read
            if _NOT_DONE.search(lowered[max(0, m.start() - 40) : m.start()]):
                continue
            taken.append((m.start(), m.end()))
            if name not in [n for _, n in found]:
                found.append((m.start(), name))
    names = [name for _, name in sorted(found)]
    if len(names) > 1 and "removed" in names:
        names.remove("removed")  # the removal's tool is said elsewhere
    return tuple(names)


_PACKAGE = r"(?:box|boxes|pack|packs|packages?|bottles?|cases?|bags?|vials?|kits?)"
# A count, perhaps of packages of a size, then the words of what is counted up to the end of
# the phrase ("100 glucose test strips", "1 box of 100 lancets", "two boxes of 50 pads").
_QUANTITY = re.compile(
    rf"\b(\d{{1,5}})\s+(?:{_PACKAGE}\s+of\s+(\d{{1,5}})\s+)?"
    r"((?:(?!and\b|per\b|of\b|a\b|each\b|for\b|with\b|in\b)[a-z][a-z-]*\s*){1,4})"
)


def _supplies(lowered: str) -> tuple[Quantity, ...]:
    """Each number of things the question counts, with what they are."""
    found = []
    for m in _QUANTITY.finditer(lowered):
        words = tuple(m.group(3).split())
        if words and not re.fullmatch(
            r"(?:min|mins|minutes?|hours?|days?|units?|mg|ml|cm|mm)", words[0]
        ):
            found.append(Quantity(int(m.group(1)), int(m.group(2) or 0), words, m.start()))
    return tuple(found)


_SHAVE = re.compile(r"\bshav(?:e|ed|ing)\b")
_BIOPSY = re.compile(r"\bbiops|\bbx\b")


def _shave(lowered: str) -> Lesion | None:
    """A lesion shaved off, with its diameter and site; a shave biopsy is a biopsy, and an
    excision named beside the shave is the excision's."""
    if not _SHAVE.search(lowered) or _BIOPSY.search(lowered) or re.search(r"\bexcis", lowered):
        return None
    size = re.search(_SIZE, lowered)
    site = _site(lowered)
    if size is None or not site:
        return None
    return Lesion("", _cm(size.group(1), size.group(2)), 0.0, site)


def _area(lowered: str) -> float | None:
    """Surface area in sq cm: written so, or length x width of the wound debrided."""
    m = _AREA.search(lowered)
    if m is None:
        return None
    if m.group(1):
        return float(m.group(1))
    return float(m.group(2)) * float(m.group(3))


def _cm(value: str, unit: str) -> float:
    return float(value) / 10 if unit == "mm" else float(value)


def _site(text: str) -> str:
    hits = [(m.start(), name) for name, pattern in _SITE if (m := pattern.search(text))]
    return min(hits)[1] if hits else ""


def _lesion(lowered: str) -> Lesion | None:
    if not _EXCISION.search(lowered):
        return None
    size = _LESION.search(lowered)
    if size is None:
        return None
    value, unit = (
        (size.group(1), size.group(2)) if size.group(1) else (size.group(3), size.group(4))
    )
    margin = _MARGIN.search(lowered)
    margin_cm = 0.0
    if margin is not None:
        m_value, m_unit = (
            (margin.group(1), margin.group(2))
            if margin.group(1)
            else (margin.group(3), margin.group(4))
        )
        margin_cm = _cm(m_value, m_unit)
    behaviour = (
        "malignant" if _MALIGNANT.search(lowered) else ("benign" if _BENIGN.search(lowered) else "")
    )
    return Lesion(behaviour, _cm(value, unit), margin_cm, _site(lowered))


def _wounds(lowered: str) -> tuple[Wound, ...]:
    """Each length with the site and class its own clause names (else the question's)."""
    if not _REPAIR.search(lowered) or (
        _EXCISION.search(lowered)
        and not re.search(r"\b(?:intermediate|complex|layered) (?:repair|closure)", lowered)
    ):
        return ()
    classes = _REPAIR_CLASS.findall(lowered)
    overall = _class(classes[0]) if len(set(map(_class, classes))) == 1 and classes else ""
    wounds: list[Wound] = []
    # The repair of an excision closes the excision's own wound: "layered closure 3 cm" in a
    # clause of its own is at the site the excision names.
    excised = _EXCISION.search(lowered) is not None
    excised_at = _site(lowered) if excised else ""
    # A closure's class in a clause of its own belongs to the wound just before it that has
    # none ("R forearm 2.0 cm, layered closure"), else to the length that follows ("layered
    # closure, 1.5 cm").
    waiting = ""
    unclassed: tuple[str, float] | None = None  # (site, cm) of the wound before, no class
    for clause in re.split(r"[;\n]|,|\.\s|\band\b|\bplus\b", lowered):
        size = _WOUND.search(clause)
        own = _REPAIR_CLASS.search(clause)
        if own and size is None:
            if unclassed is not None:
                wounds.append(Wound(_class(own.group(1)), *unclassed))
            else:
                waiting = _class(own.group(1))
            unclassed = None
            continue
        repair = _class(own.group(1)) if own else waiting or overall
        closes_excision = excised and bool(own or waiting)
        waiting, unclassed = "", None
        site = _site(clause) or (excised_at if closes_excision else "")
        if size is None or not site or "margin" in clause:
            continue
        if excised and not own and _LESION.search(clause):
            continue  # the lesion's size ("nevus on the cheek: lesion 5 mm"), not a wound's
        if repair:
            wounds.append(Wound(repair, site, _cm(size.group(1), size.group(2))))
        else:
            unclassed = (site, _cm(size.group(1), size.group(2)))
    return tuple(wounds)


def _class(word: str) -> str:
    return "intermediate" if word in ("layered", "layer closure") else word


def _timed(lowered: str) -> tuple[tuple[str, int], ...]:
    """(code, minutes) for each timed service: a code or a service named beside its minutes."""
    found: list[tuple[int, str, int]] = []
    for clause in re.split(r"[;\n]|,|\band\b|\bplus\b", lowered):
        minutes = re.search(_MINUTES, clause)
        if minutes is None:
            continue
        code = next((c for c in re.findall(r"\b(97\d{3})\b", clause) if c in _TIMED_CODES), None)
        if code is None:
            code = next((c for c, words in THERAPY_WORDS if re.search(words, clause)), None)
        if code is not None:
            found.append((minutes.start(), code, int(minutes.group(1))))
    return tuple((code, m) for _, code, m in found)
