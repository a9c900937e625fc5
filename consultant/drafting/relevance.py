"""What of our own notes bears on a question: the lines a reviewer would keep in the reply.

The notes are written per family of codes and shared by its members, and several families say
the same thing in other words. Shown unfiltered, a reply about an EGD carries colonoscopy notes,
a visit with no procedure carries modifier 25 lines, and one documentation tip comes three
times. The rules here are the reviewer's: a line that names codes is about one of the codes in
play or its close neighbours (the same three-character block: 99291 beside 99284, not 45385
beside 43239), a line about a visit beside a procedure needs both, and a thing is said once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from consultant.codes.sections import is_em
from consultant.drafting.facts import Answer, CodeFact

# CPT (five digits, or four and F/T/U), HCPCS Level II (a letter and four digits), and
# ICD-10-CM written with its dot; a range such as 11102-11107 stands for every code inside it.
_CODE = r"(?:\d{5}|\d{4}[FTU]|[A-V]\d{4}|[A-Z]\d{2}\.[0-9A-Z]{1,4})"
_RANGE = re.compile(rf"\b({_CODE})\s*[-\u2013]\s*({_CODE})\b")
_SINGLE = re.compile(rf"\b{_CODE}\b")

_STOP = frozenset(
    {"a", "an", "and", "the", "of", "or", "for", "to", "in", "on", "with", "by", "is", "are"}
    | {"be", "it", "its", "as", "at", "when", "that", "this", "than", "per", "from", "any"}
    | {"each", "not", "no", "without", "only"}
)
# Share of the shorter line's words the longer one must hold for the two to say one thing;
# lines shorter than FEWEST_WORDS say too little to be judged the same by their words.
SAME_THING = 0.8
FEWEST_WORDS = 4


def codes_in_play(answer: Answer) -> set[str]:
    """The codes a line may name and still bear on the question: those billed, those the
    asker wrote, and those of the edits reported."""
    codes = {c.code for c in answer.billed}
    codes |= set(answer.analysis.codes) | set(answer.analysis.icd_codes)
    for edit in answer.edits:
        codes |= {edit.column1, edit.column2}
    return {c.upper() for c in codes} | {c.upper().replace(".", "") for c in codes}


def names_code_in(line: str, codes: set[str]) -> bool | None:
    """Whether ``line`` names one of ``codes`` or a code of the same block (directly or inside
    a range it gives); None when it names no code at all."""
    blocks = {code[:3] for code in codes}
    named = False
    for low, high in _RANGE.findall(line):
        named = True
        if {low[:3], high[:3]} & blocks or any(_within(code, low, high) for code in codes):
            return True
    for token in _SINGLE.findall(_RANGE.sub(" ", line)):
        named = True
        if token[:3].upper() in blocks:
            return True
    return False if named else None


def bears_on(line: str, answer: Answer, codes: set[str] | None = None) -> bool:
    """A line bears on the question unless it is about codes none of which are in play, or
    about modifier 25 on a visit beside a procedure when the answer is not such a pair."""
    codes = codes_in_play(answer) if codes is None else codes
    if names_code_in(line, codes) is False:
        return False
    return not (_about_visit_beside_procedure(line) and not _visit_with_procedure(answer))


def say_once(lines: Iterable[str]) -> list[str]:
    """The lines in order, without those that repeat an earlier one in other words."""
    kept: list[tuple[str, set[str]]] = []
    for line in lines:
        words = _words(line)
        if any(_same_thing(words, seen) for _, seen in kept):
            continue
        kept.append((line, words))
    return [line for line, _ in kept]


def key_notes(fact: CodeFact, answer: Answer, limit: int = 2) -> list[str]:
    """A code's distinctions that bear on the question, those naming the code first."""
    if fact.note is None:
        return []
    codes = codes_in_play(answer)
    notes = [n for n in fact.note.distinctions if bears_on(n, answer, codes)]
    # Not said-once: a code's own "1 mg = 10 units" reads like the family's general rule.
    return sorted(notes, key=lambda n: fact.code not in n)[:limit]


def documentation(answer: Answer) -> list[str]:
    """What the record must show, from the notes of the billed codes (two each at most)."""
    return _tips(answer, lambda c: c.note.documentation if c.note else [])


def denials(answer: Answer) -> list[str]:
    """The denials to avoid, from the notes of the billed codes (two each at most)."""
    return _tips(answer, lambda c: c.note.denials if c.note else [])


def _tips(answer: Answer, of: Callable[[CodeFact], list[str]]) -> list[str]:
    codes = codes_in_play(answer)
    lines: list[str] = []
    for fact in answer.billed:
        lines += [t for t in of(fact)[:2] if bears_on(t, answer, codes)]
    return say_once(lines)


def _within(code: str, low: str, high: str) -> bool:
    """``code`` lies in the range low-high of the same shape (99217 in 99217-99226)."""
    if len(code) != len(low) or code[:1].isdigit() != low[:1].isdigit():
        return False
    if not code[:1].isdigit() and code[:1] != low[:1]:
        return False
    return low <= code <= high


def _about_visit_beside_procedure(line: str) -> bool:
    return bool(re.search(r"\bmodifier 25\b|\b25 modifier\b|needs 25\b", line, re.I))


def _visit_with_procedure(answer: Answer) -> bool:
    """An E/M billed beside another service, or modifier 25 asked about or recommended; not
    when 57 is (the decision for major surgery: 25's advice would contradict it)."""
    if any(m.modifier == "57" and m.recommended for m in answer.modifiers):
        return False
    services = [c.code for c in answer.billed if c.system in ("CPT", "HCPCS")]
    visits = [c for c in services if is_em(c)]
    if visits and len(visits) < len(services):
        return True
    asked = set(answer.analysis.modifiers) | {m.modifier for m in answer.modifiers}
    return "25" in asked


def _words(line: str) -> set[str]:
    tokens = re.findall(r"[a-z0-9/]+", line.lower())
    return {_stem(t) for t in tokens if t not in _STOP}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _same_thing(a: set[str], b: set[str]) -> bool:
    """Two lines say one thing when the shorter's codes and numbers are all in the longer
    (J1020 and J1030, 40 mg and 60 mg stay apart) and most of its words are."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < FEWEST_WORDS:
        return False
    if not {w for w in short if any(ch.isdigit() for ch in w)} <= long:
        return False
    return len(short & long) / len(short) >= SAME_THING
