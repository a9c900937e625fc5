"""ICD-10-CM code structure from the tabular list (consultant.rules.icd10_table, read from the
simple-icd-10-cm package's data): the dot, laterality among a code's children, the seventh
character with its placeholder X, and Excludes1 notes.

Sources: ICD-10-CM Official Guidelines for Coding and Reporting, Section I.A.4 (placeholder
X), I.A.5 (seventh characters), I.A.12.a (Excludes1), I.B.13 (laterality: a bilateral code
when there is one, otherwise right and left; unspecified side when not documented), I.C.19.a
and I.C.19.c.1 (A initial, D subsequent, S sequela; a fracture not stated as open or closed
is closed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from consultant.rules import icd10_table as icd


class Side(Enum):
    RIGHT = "right"
    LEFT = "left"
    BILATERAL = "bilateral"
    UNSPECIFIED = "unspecified"


class Encounter(Enum):
    INITIAL = "A"  # active treatment
    SUBSEQUENT = "D"  # routine care during healing or recovery
    SEQUELA = "S"
    # Subsequent care of a fracture that is not healing as expected.
    DELAYED_HEALING = "G"
    NONUNION = "K"
    MALUNION = "P"


SIDE_WORDS = {Side.RIGHT: "right", Side.LEFT: "left", Side.BILATERAL: "bilateral"}
# Open fractures: type I/II (and NOS) use B initially and E for routine healing afterwards.
OPEN_FRACTURE_CHARACTER = {"A": "B", "D": "E", "G": "H", "K": "M", "P": "Q"}


def with_dot(code: str) -> str:
    """E1122 -> E11.22, s52521a -> S52.521A; codes of three characters stay as they are."""
    bare = code.strip().upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def is_code(code: str) -> bool:
    return icd.is_valid_item(code)


def is_billable(code: str) -> bool:
    """A leaf of the tabular list: a complete, reportable code."""
    return icd.is_valid_item(code) and icd.is_leaf(code)


def description(code: str) -> str:
    """The code's title; empty for a code the tabular list does not hold (an asker's typo),
    which callers then treat as unknown rather than fail on."""
    return icd.get_description(code) if icd.is_valid_item(code) else ""


@dataclass(frozen=True)
class Completed:
    codes: tuple[str, ...]  # empty when more detail is needed
    worked: tuple[str, ...]


def complete(
    code: str,
    side: Side | None = None,
    encounter: Encounter | None = None,
    open_fracture: bool = False,
    sex: str = "",
) -> Completed:
    """A billable code from a category or subcategory: the patient's sex's child where the
    tabular splits by it (C50.91 female, C50.92 male), the side's child, then the seventh
    character after X placeholders. Stops (no code) where the record must say more."""
    worked: list[str] = []
    todo, done = [code], []
    while todo:
        current = todo.pop(0)
        if is_billable(current):
            done.append(current)
            continue
        definitions = _seventh_definitions(current)
        if definitions:
            if encounter is None:
                worked.append(
                    f"{current} needs a seventh character: say the encounter "
                    "(initial, subsequent or sequela)"
                )
                return Completed((), tuple(worked))
            if encounter.value not in definitions:
                # Not an injury's A/D/S axis (fetus 0-9, fracture healing G/K/P ...).
                choices = ", ".join(f"{k} {v}" for k, v in definitions.items())
                worked.append(f"{current} needs a seventh character from: {choices}")
                return Completed((), tuple(worked))
            done.append(_with_seventh(current, definitions, encounter, open_fracture, worked))
            continue
        sided = (
            _by_sex(current, sex, worked)
            or _by_side(current, side, worked)
            or _unspecified_part(current, side, worked)
        )
        if not sided:
            children = ", ".join(icd.get_children(current)[:8])
            worked.append(f"{current} is not a complete code; the record must choose: {children}")
            return Completed((), tuple(worked))
        todo = sided + todo
    return Completed(tuple(done), tuple(worked))


def _seventh_definitions(code: str) -> dict[str, str]:
    """The seventh characters that complete this code, when its children are exactly its
    seven-character forms (a category's own definitions apply to all its descendants)."""
    children = icd.get_children(code)
    if not children or any(len(c.replace(".", "")) != 7 for c in children):
        return {}
    for owner in [code, *icd.get_ancestors(code)]:
        if definitions := icd.get_seven_chr_def(owner):
            return definitions
    return {}


def _with_seventh(
    code: str,
    definitions: dict[str, str],
    encounter: Encounter,
    open_fracture: bool,
    worked: list[str],
) -> str:
    char = encounter.value
    has_open = "open fracture" in definitions.get("B", "")
    if open_fracture and has_open:
        char = OPEN_FRACTURE_CHARACTER.get(char, char)
    elif open_fracture:
        worked.append(f"{code} has no open-fracture seventh character")
    elif has_open:
        worked.append(f"{code}: a fracture not stated as open is coded as closed")
    bare = code.replace(".", "")
    full = with_dot(bare.ljust(6, "X") + char)
    placeholder = " after placeholder X" if len(bare) < 6 else ""
    worked.append(f"{code} + 7th character {char} ({definitions[char]}){placeholder} -> {full}")
    return full


def _by_sex(code: str, sex: str, worked: list[str]) -> list[str]:
    """The child for the patient's sex, where the children are split by it and nothing else
    ("..., female" and "..., male"); none when the record does not say."""
    children = icd.get_children(code)
    if not sex or len(children) != 2:
        return []
    named = {
        s: [c for c in children if re.search(rf"\b{s}\b", icd.get_description(c).lower())]
        for s in ("female", "male")
    }
    if len(named["female"]) != 1 or len(named["male"]) != 1 or sex not in named:
        return []
    worked.append(f"{code}: {sex} patient -> {named[sex][0]}")
    return named[sex]


def _by_side(code: str, side: Side | None, worked: list[str]) -> list[str]:
    children = icd.get_children(code)
    named = {
        s: [c for c in children if re.search(rf"\b{w}\b", icd.get_description(c).lower())]
        for s, w in SIDE_WORDS.items()
    }
    if not (named[Side.RIGHT] and named[Side.LEFT]):
        return []
    if side is None or side is Side.UNSPECIFIED:
        sided = [c for c in children if not any(c in found for found in named.values())]
        unspecified = [c for c in sided if "unspecified" in icd.get_description(c).lower()]
        if unspecified:
            worked.append(f"{code}: side not documented -> {unspecified[-1]} (unspecified side)")
            return unspecified[-1:]
        return []
    if named[side]:
        worked.append(f"{code}: {side.value} -> {named[side][0]}")
        return named[side][:1]
    # Bilateral without a bilateral code: one code for each side (I.B.13).
    pair = named[Side.RIGHT][:1] + named[Side.LEFT][:1]
    worked.append(f"{code}: no bilateral code -> right and left: {', '.join(pair)}")
    return pair


def _unspecified_part(code: str, side: Side | None, worked: list[str]) -> list[str]:
    """Where the side is known but the record does not say which part ("fracture of the
    right clavicle"), the child for the unspecified part, whose children carry the side."""
    if side is None or side is Side.UNSPECIFIED:
        return []
    unspecified = [
        c
        for c in icd.get_children(code)
        if re.search(r"\bunspecified (?!side)", icd.get_description(c).lower())
        and icd.get_children(c)
    ]
    if len(unspecified) != 1:
        return []
    worked.append(
        f"{code}: the part is not documented -> {unspecified[0]} "
        f"({icd.get_description(unspecified[0])}); a documented part is more specific"
    )
    return unspecified


def history_of_neoplasm(code: str) -> str | None:
    """The Z85 personal-history code for a malignant neoplasm: the one whose inclusion term
    "Conditions classifiable to ..." covers it most narrowly (C18.9 -> Z85.038)."""
    best: tuple[int, str] | None = None
    for leaf in _history_leaves():
        for term in icd.get_inclusion_term(leaf):
            if "classifiable to" not in term:
                continue
            for part in term.split("classifiable to", 1)[1].split(","):
                part = part.strip().upper()
                ranged = _RANGE.search(part)
                lo, hi = (
                    (ranged[1], ranged[2])
                    if ranged
                    else ((m := _SINGLE.search(part)) and (m[1], m[1])) or ("", "")
                )
                if lo and _within(code, lo, hi):
                    width = _width(lo, hi)
                    if best is None or width < best[0]:
                        best = (width, leaf)
    return best[1] if best else None


def _width(lo: str, hi: str) -> int:
    """How many categories a range spans, more for a shorter (wider) reference."""
    a, b = lo.replace(".", ""), hi.replace(".", "")
    span = int(b[1:3]) - int(a[1:3]) if a[1:3].isdigit() and b[1:3].isdigit() else 0
    return span * 100 + (7 - len(a))


@lru_cache(maxsize=1)
def _history_leaves() -> tuple[str, ...]:
    return tuple(c for c in icd.get_descendants("Z85") if icd.is_leaf(c))


_REFERENCE = re.compile(r"\(([^()]*\d[^()]*)\)")
_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_RANGE = re.compile(rf"({_CODE})[.-]*\s*-\s*-?({_CODE})")
_SINGLE = re.compile(rf"({_CODE})")


def excludes1_references(code: str) -> list[tuple[str, str, str]]:
    """(note, first, last) for each code or range named in the Excludes1 notes of the code and
    its ancestors; first == last for a single code or category ("E10.-" -> E10)."""
    refs: list[tuple[str, str, str]] = []
    for owner in [code, *icd.get_ancestors(code)]:
        for note in icd.get_excludes1(owner):
            for group in _REFERENCE.findall(note):
                for part in group.split(","):
                    part = part.strip().upper()
                    ranged = _RANGE.search(part)
                    if ranged:
                        refs.append((note, ranged[1], ranged[2]))
                    elif single := _SINGLE.search(part):
                        refs.append((note, single[1], single[1]))
    return refs


def _within(code: str, first: str, last: str) -> bool:
    bare, lo, hi = (c.replace(".", "") for c in (code, first, last))
    return lo <= bare[: len(lo)] and bare[: len(hi)] <= hi


def excludes1_conflict(a: str, b: str) -> str | None:
    """The Excludes1 note that forbids reporting a with b (either way round), if any; none
    for a code the tabular list does not hold (the asker's mistyped code)."""
    if not (is_code(a) and is_code(b)):
        return None
    for first, second in ((a, b), (b, a)):
        for note, lo, hi in excludes1_references(first):
            if _within(second, lo, hi):
                return f"{first} Excludes1 {note}"
    return None
