"""Conditions of a pregnant patient (ICD-10-CM Official Guidelines I.C.15).

- I.C.15.a.1: a condition in a pregnant patient is presumed to complicate the pregnancy and is
  coded from chapter 15 first, unless the provider documents it as incidental (Z33.1); the
  chapter 15 category says when the condition's own code follows it ("use additional code").
- I.C.15.a.3: the final character of most chapter 15 codes is the trimester, counted from the
  first day of the last menstrual period: first trimester less than 14 weeks 0 days, second
  14 weeks 0 days to less than 28 weeks 0 days, third 28 weeks 0 days until delivery.
- I.C.15.b.1: Z34 (supervision of a normal pregnancy) is not used with a chapter 15 code.
- Z3A (weeks of gestation) is reported with chapter 15 codes when the weeks are documented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consultant.rules import icd10_table as icd
from consultant.rules.icd10_codes import description


@dataclass(frozen=True)
class Pregnancy:
    """What the question says of a pregnancy: weeks of gestation when documented, and
    whether the provider calls it incidental to the visit (Z33.1: nothing recoded)."""

    weeks: int | None = None
    incidental: bool = False
    routine: bool = False  # a routine prenatal visit: supervision of a normal pregnancy
    gravida: int | None = None  # how many pregnancies, this one included (G2P1: 2)


_PREGNANT = re.compile(
    r"\bpregnan(?:t|cy)\b(?! test)|\bprenatal\b|\bantepartum\b|\bantenatal\b|\bgravida\b|"
    r"\bg\d{1,2}\s?p\d{1,2}\b|\biup\b|\b(?:wks?|weeks?) (?:gestation|pregnant)|\bgestational age\b|\bob (?:visit|pt|patient|check|"
    r"appt|appointment|follow[- ]?up|f/u)\b|\b\d{1,2}\s?w\s?\d\s?d\b"
)
_NOT_PREGNANT = re.compile(r"\bnot pregnant\b|\bnon-?pregnant\b|\bpostpartum\b|\bpost-partum\b")
# "30w2d", "30 wks", "GA 30+2", "at 30 weeks", "30 weeks gestation": completed weeks.
_WEEKS = re.compile(
    r"\b(\d{1,2})\s?w\s?(?:\d\s?d)?\b|\b(?:ga|ega|iup at|at)\s+(\d{1,2})(?:\+\d|\s?(?:wks?|weeks?)\b)|"
    r"\b(\d{1,2})\s?(?:\+\d\s?)?(?:wks?|weeks?)\s+(?:\d\s?(?:d|days?)\s+)?(?:gestation|pregnant|ga\b|"
    r"ega\b|iup|along)|\b(?:ga|ega)\s+(\d{1,2})\b|"
    r"\b(?:pregnan\w*|prenatal|ob)(?: \w+){0,2}? (?:at )?(\d{1,2})\s?(?:wks?|weeks?)\b"
)
_ROUTINE = re.compile(
    r"\b(?:routine|normal|uncomplicated)\s+(?:prenatal|antenatal|ob|obstetric(?:al)?|pregnancy|"
    r"antepartum)(?:\s+(?:visit|care|check|exam|appt|appointment|f/u|follow[- ]?up))?\b"
)
_GRAVIDA = re.compile(r"\bg(\d{1,2})\s?p\d|\bgravida\s?(\d{1,2})\b|\b(first|1st) pregnancy\b")


# The provider documents that the pregnancy is not why the patient was seen (Z33.1).
_INCIDENTAL = re.compile(
    r"\bpregnan\w* (?:is |was )?incidental|\bincidental(?:ly)? pregnan|"
    r"\b(?:unrelated|incidental|not related) to (?:the |her )?pregnancy"
)


# "Never said the pregnancy was incidental", "didn't document it as incidental".
_DENIED = re.compile(
    r"\b(?:never|not|didn'?t|did not|doesn'?t|does not|nobody|no one)\b[^.;!?]{0,40}$"
)


def _incidental(lowered: str) -> bool:
    """The provider calls the pregnancy incidental, and the words do not deny it."""
    return any(
        not _DENIED.search(lowered[max(0, m.start() - 60) : m.start()])
        for m in _INCIDENTAL.finditer(lowered)
    )


def pregnancy(lowered: str) -> Pregnancy | None:
    """The pregnancy the question describes, or None when it describes none."""
    if not _PREGNANT.search(lowered) or _NOT_PREGNANT.search(lowered):
        return None
    found = _WEEKS.search(lowered)
    weeks = int(next(g for g in found.groups() if g)) if found else _bare_weeks(lowered)
    incidental = _incidental(lowered)
    gravida = _GRAVIDA.search(lowered)
    times = None
    if gravida:
        times = 1 if gravida.group(3) else int(gravida.group(1) or gravida.group(2))
    return Pregnancy(
        weeks if weeks is None or 1 <= weeks <= 45 else None,
        incidental,
        bool(_ROUTINE.search(lowered)),
        times,
    )


# "31 weeks" alone in a pregnancy's note is its age, unless it is an interval ("in 4 weeks",
# "every 2 weeks", "for 3 weeks") or in the past ("6 weeks ago", "2 weeks postpartum").
_BARE_WEEKS = re.compile(r"(\b\w+\s+)?\b(\d{1,2})\s?(?:wks?|weeks?)\b(\s+\w+)?")
_INTERVAL_BEFORE = {"in", "every", "for", "x", "q", "over", "within", "next", "last", "past"}
_INTERVAL_AFTER = {"ago", "later", "postpartum", "pp", "post", "prior", "before", "after"}


def _bare_weeks(lowered: str) -> int | None:
    for found in _BARE_WEEKS.finditer(lowered):
        before = (found.group(1) or "").strip()
        after = (found.group(3) or "").strip()
        if before not in _INTERVAL_BEFORE and after not in _INTERVAL_AFTER:
            return int(found.group(2))
    return None


def supervision(pregnancy: Pregnancy) -> str:
    """The Z34 subcategory of a routine prenatal visit: a first pregnancy, another, or the
    record does not say."""
    if pregnancy.gravida is None:
        return "Z34.9"
    return "Z34.0" if pregnancy.gravida == 1 else "Z34.8"


_TRIMESTER_NAMES = {1: "first trimester", 2: "second trimester", 3: "third trimester"}


@dataclass(frozen=True)
class InPregnancy:
    """The chapter 15 subcategory for a condition of another chapter, and whether the
    condition's own code is reported after it."""

    prefixes: tuple[str, ...]  # the condition's codes (categories or codes, no dot needed)
    category: str  # the chapter 15 subcategory whose trimester child is coded
    keep: bool  # "use additional code" to identify the condition


# The common conditions of other chapters and the chapter 15 code each takes in pregnancy.
IN_PREGNANCY = (
    InPregnancy(("I10",), "O10.01", False),  # O10.0 includes any I10 condition
    InPregnancy(("I11",), "O10.11", True),
    InPregnancy(("I12",), "O10.21", True),
    InPregnancy(("I13",), "O10.31", True),
    InPregnancy(("E10",), "O24.01", True),
    InPregnancy(("E11",), "O24.11", True),
    InPregnancy(("E00", "E01", "E02", "E03", "E04", "E05", "E06", "E07"), "O99.28", True),
    InPregnancy(("E66",), "O99.21", True),
    InPregnancy(
        ("D50", "D51", "D52", "D53", "D55", "D56", "D57", "D58", "D59", "D6"), "O99.01", True
    ),
    InPregnancy(("F17.2",), "O99.33", True),
    InPregnancy(("F2", "F3", "F40", "F41", "F42", "F43", "F5"), "O99.34", True),
    InPregnancy(("G40",), "O99.35", True),
    InPregnancy(("J45", "J44"), "O99.51", True),
    InPregnancy(("K21", "K58", "K59"), "O99.61", True),
    InPregnancy(("N39.0",), "O23.4", False),  # O23.4- is the urinary infection itself
    # Infections of the kidney, bladder and urethra in pregnancy: O23.0-, O23.1-, O23.2-.
    InPregnancy(("N10",), "O23.0", False),
    InPregnancy(("N30",), "O23.1", False),
    InPregnancy(("N34",), "O23.2", False),
)


def trimester(weeks: int) -> int:
    """The trimester of a week of gestation (I.C.15.a.3)."""
    return 1 if weeks < 14 else 2 if weeks < 28 else 3


def weeks_code(weeks: int) -> str:
    """The Z3A code for completed weeks of gestation: Z3A.01 under 8, Z3A.08-Z3A.42, Z3A.49
    over 42."""
    if weeks < 8:
        return "Z3A.01"
    if weeks > 42:
        return "Z3A.49"
    return f"Z3A.{weeks:02d}"


def in_pregnancy(code: str) -> InPregnancy | None:
    """The chapter 15 rule for a condition's code, if it has one."""
    bare = code.replace(".", "")
    return next(
        (r for r in IN_PREGNANCY if any(bare.startswith(p.replace(".", "")) for p in r.prefixes)),
        None,
    )


def by_trimester(category: str, which: int | None) -> str | None:
    """The child of a chapter 15 subcategory for the trimester (or for the unspecified
    trimester when the weeks are not documented); None when its children are not split by
    trimester."""
    children = icd.get_children(category)
    wanted = _TRIMESTER_NAMES.get(which or 0, "unspecified trimester")
    titled = [c for c in children if description(c).lower().endswith(wanted)]
    return titled[0] if len(titled) == 1 else None


def is_chapter_15(code: str) -> bool:
    return code[:1] == "O"


def by_trimester_sibling(code: str, which: int) -> str | None:
    """A code for the unspecified trimester, when the weeks say which: its sibling for it."""
    if not description(code).lower().endswith("unspecified trimester"):
        return None
    parent = icd.get_parent(code)
    return by_trimester(parent, which) if parent else None
