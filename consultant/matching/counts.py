"""How many of the things a code counts the question describes: lesions, muscles, views,
abscesses. Written as a number ("4 muscles", "warts x 20"), or as a list the coder counts
("AP, Y view and axillary": three views; "trapezius, rhomboid and infraspinatus": three
muscles), or by an ordinal ("a 2nd separate abscess"). The code's range then chooses among
neighbours (matching.services) or corrects the asker's code (drafting.verify)."""

from __future__ import annotations

import re

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUMBER = r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
_COUNTED = (
    r"lesions?|warts?|(?:toe|finger)?nails?|muscles?|tags?|regions?|injections?|keratoses|aks?|"
    r"calluses|corns|biops(?:y|ies)|bx|polyps?|sites?|views?|abscess(?:es)?|"
    r"(?:allergy |skin |prick |patch )?tests?|(?:allergen )?extracts?|allergens?"
)
_COUNT = re.compile(
    rf"(?<![\d.])\b({_NUMBER})(?:-|\s+)(?:\w+\s+){{0,3}}?({_COUNTED})\b",
    re.I,
)
# The count written after the thing counted: "tangential bx x3", "warts x 20".
_COUNT_AFTER = re.compile(
    r"\b(?:lesions?|warts?|biops(?:y|ies)|bx|tags?|aks?|polyps?|views?)\s*x\s*(\d{1,2})\b"
    r"(?!\s*units?)",
    re.I,
)
# Views abbreviated beside the film: "2V CXR", "3v xray of the ankle", "CXR 2 vw".
_VIEWS_SHORT = re.compile(
    r"\b([1-9])\s?(?:v|vw|vws)\b(?=\s*(?:\w+\s+)?(?:cxr|x-?rays?|xr|films?|radiographs?|"
    r"chest|series)\b)|\b(?:cxr|x-?rays?|xr)\s*,?\s*([1-9])\s?(?:v|vw|vws)\b",
    re.I,
)
# "A 2nd separate abscess", "a third lesion": at least that many.
_ORDINAL = re.compile(
    r"\b(2nd|second|3rd|third|4th|fourth)\s+(?:\w+\s+){0,2}?(?:abscess|lesion|cyst|wart|site)\b",
    re.I,
)
_ORDINALS = {"2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}

# Plain-film views by name. A radiograph is counted by the views taken.
_XRAY = re.compile(r"\bx-?rays?\b|\bxr\b|\bcxr\b|\bkub\b|\bradiograph|\bfilms?\b|\bviews?\b", re.I)
_VIEWS = {
    "ap": r"\bap\b|anteroposterior",
    "pa": r"\bpa\b|posteroanterior",
    # Not the side of a part ("lateral meniscus", "lateral epicondylitis").
    "lateral": r"\blat(?:eral)?\b(?!\s+(?:menisc|epicond|malleol|collateral|femoral|tibial|"
    r"aspect|side|wall|border|compartment|release|ankle|knee|foot|hip|rotation))",
    "oblique": r"\bobliques?\b",
    "y": r"\by[- ]view\b|scapular y\b|\by\b(?= and\b|,)",
    "axillary": r"\baxillary\b",
    "grashey": r"\bgrashey\b",
    "outlet": r"\boutlet\b",
    "frog": r"\bfrog[- ]?leg\b|\bfrog\b",
    "sunrise": r"\bsunrise\b|\bmerchant\b",
    "mortise": r"\bmortise\b",
    "tunnel": r"\btunnel\b|\bnotch view\b",
    "swimmers": r"\bswimmer'?s\b",
    "odontoid": r"\bodontoid\b|open[- ]mouth",
    "flexion": r"\bflexion(?=[\w\s,/]{0,20}\bviews?\b)",
    "extension": r"\bextension(?=[\w\s,/]{0,20}\bviews?\b)",
}
# Muscles injected or needled by name (trigger points, dry needling, chemodenervation).
_MUSCLE_PROCEDURE = re.compile(
    r"trigger ?points?|\btpis?\b|dry needl|chemodenervation|botox|needle insertion", re.I
)
_MUSCLES = (
    "trapezius",
    "levator scapula",
    "rhomboid",
    "infraspinatus",
    "supraspinatus",
    "teres",
    "latissimus",
    "deltoid",
    "pectoralis",
    "sternocleidomastoid",
    "scm",
    "scalene",
    "splenius",
    "semispinalis",
    "suboccipital",
    "multifidus",
    "erector spinae",
    "paraspinal",
    "quadratus lumborum",
    "gluteus medius",
    "gluteus maximus",
    "gluteus minimus",
    "piriformis",
    "iliopsoas",
    "psoas",
    "tensor fasciae latae",
    "tfl",
    "rectus femoris",
    "vastus lateralis",
    "vastus medialis",
    "hamstring",
    "gastrocnemius",
    "soleus",
    "masseter",
    "temporalis",
    "biceps",
    "triceps",
    "brachioradialis",
)


def counted(text: str) -> tuple[int | None, str]:
    """The number of counted things and what they are, plural ("views", "muscles"); the
    thing is "" when the number came without one."""
    said = _COUNT.search(text)
    if said:
        number = WORD_NUMBERS.get(said.group(1).lower()) or int(said.group(1))
        return number, _plural(said.group(2))
    after = _COUNT_AFTER.search(text)
    if after:
        return int(after.group(1)), ""
    short = _VIEWS_SHORT.search(text)
    if short:
        return int(short.group(1) or short.group(2)), "views"
    lowered = text.lower()
    for count, noun in (
        (_views(lowered), "views"),
        (_muscles(lowered), "muscles"),
        (_ordinal(lowered), ""),
    ):
        if count:
            return count, noun
    return None, ""


def _plural(noun: str) -> str:
    noun = noun.lower()
    if noun in ("bx", "keratoses", "calluses", "corns") or noun.endswith("s"):
        return {"bx": "biopsies"}.get(noun, noun)
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith("ss") else "s")


def _views(lowered: str) -> int:
    """Views named in a list ("AP, Y view and axillary"); two or more make a count."""
    best = 0
    for sentence in re.split(r"(?<=[.?!;])\s+|\n", lowered):
        if not _XRAY.search(sentence):
            continue  # views are named in the sentence that says an x-ray was taken
        named = [name for name, pattern in _VIEWS.items() if re.search(pattern, sentence)]
        if "oblique" in named and re.search(r"\bobliques\b", sentence):
            named.append("second oblique")
        best = max(best, len(named))
    return best if best >= 2 else 0


def _muscles(lowered: str) -> int:
    """Muscles named at a trigger point, dry needling or chemodenervation session, each
    counted once (and twice when "bilateral" or "both" goes before it)."""
    if not _MUSCLE_PROCEDURE.search(lowered):
        return 0
    count = 0
    for muscle in _MUSCLES:
        for m in re.finditer(rf"\b{muscle}", lowered):
            before = lowered[max(0, m.start() - 12) : m.start()]
            count += 2 if re.search(r"\b(?:bilateral|both|bilat|b/l)\s+$", before) else 1
            break
    return count if count >= 2 else 0


def _ordinal(lowered: str) -> int:
    said = _ORDINAL.search(lowered)
    return _ORDINALS[said.group(1).lower()] if said else 0
