"""The ICD-10-CM tabular list as one compact table, read from the tabular XML that the
simple-icd-10-cm package ships, with that package's names and answers for the questions
drafting asks (a code's title, parent, children, notes, seventh characters).

Why not the package itself: importing it parses the whole XML into an object per code with a
dozen lists and dicts each, about 170 MB that every worker process holds. Here the XML is read
as a stream (each element cleared once read) into flat arrays in pre-order, one dict from code
to row, and the notes only where a code has them: about a tenth of that. The codes formed by a
seventh character (S52.521A) are built exactly as the package builds them (the placeholder X,
the CDC code list deciding which exist) and their titles composed when asked for.

The answers are the package's, code for code (tests/rules/test_icd10_table.py compares every
code); the admin's import (consultant.codes.importers.icd10) still uses the package."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Container, Iterator
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

# The package's data folder holds the tabular list and the list of every code that exists (a
# seventh character is added only where the code it forms is listed). It is found, not
# imported: importing any part of the package parses the whole tabular list.
PACKAGE = "simple_icd_10_cm"

CHAPTER, SECTION, CATEGORY, SUBCATEGORY, EXTENDED = range(5)
_NODE_TAGS = {"chapter": CHAPTER, "section": SECTION, "diag": SUBCATEGORY}
# Notes that are lists of lines, and notes joined into one text whose nearest holder among a
# code's ancestors answers for it (search_in_ancestors).
_LISTS = ("excludes1", "excludes2", "includes", "inclusionTerm")
_TEXTS = ("useAdditionalCode", "codeFirst", "codeAlso", "notes")


class UnknownCode(ValueError):
    """The code is not in the tabular list (the package raises ValueError too)."""


class Icd10Table:
    """Rows in pre-order (a code, then its descendants), so a code's descendants are the rows
    up to its subtree's end and its children are found by jumping from subtree to subtree."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.titles: list[str] = []  # "" for seventh-character codes: composed when asked
        self.kinds = array("b")
        self.parents = array("i")
        self.ends = array("i")  # one past the last row of the code's subtree
        self.rows: dict[str, int] = {}  # the first code registered under a name wins
        self.lists: dict[str, dict[int, tuple[str, ...]]] = {k: {} for k in _LISTS}
        self.texts: dict[str, dict[int, str]] = {k: {} for k in _TEXTS}
        self.seventh: dict[int, dict[str, str]] = {}  # rows with a sevenChrDef element
        self.seventh_notes: dict[int, str] = {}

    # -- lookups, named and answering as simple_icd_10_cm's functions do --

    def is_valid_item(self, code: str) -> bool:
        return code in self.rows or (len(code) >= 4 and f"{code[:3]}.{code[3:]}" in self.rows)

    def _row(self, code: str) -> int:
        if len(code) >= 4 and code[3] != "." and f"{code[:3]}.{code[3:]}" in self.rows:
            code = f"{code[:3]}.{code[3:]}"  # E1122 is E11.22
        row = self.rows.get(code)
        if row is None:
            raise UnknownCode(f'The code "{code}" does not exist.')
        return row

    def is_leaf(self, code: str) -> bool:
        row = self._row(code)
        return self.ends[row] == row + 1

    def is_chapter_or_block(self, code: str) -> bool:
        if not self.is_valid_item(code):
            return False
        row = self._row(code)
        kind, parent = self.kinds[row], self.parents[row]
        # A section holding a single category has that category's name (B99).
        return kind in (CHAPTER, SECTION) or (parent >= 0 and self.names[parent] == self.names[row])

    def is_extended_subcategory(self, code: str) -> bool:
        return self.is_valid_item(code) and self.kinds[self._row(code)] == EXTENDED

    def is_category(self, code: str) -> bool:
        return self.is_valid_item(code) and self.kinds[self._row(code)] == CATEGORY

    def get_description(self, code: str) -> str:
        return self._title(self._row(code))

    def _title(self, row: int) -> str:
        if self.kinds[row] != EXTENDED:
            return self.titles[row]
        parent = self.parents[row]
        return f"{self.titles[parent]}, {self._extensions(parent)[self.names[row][-1]]}"

    def _extensions(self, row: int) -> dict[str, str]:
        """The seventh characters that formed a leaf's extended codes: its own, else those
        of its nearest ancestor with a sevenChrDef."""
        if own := self.seventh.get(row):
            return own
        holder = self._holder(row, self.seventh)
        return self.seventh[holder] if holder is not None else {}

    def _holder(self, row: int, notes: Container[int]) -> int | None:
        """The nearest strict ancestor carrying a note of this kind."""
        row = self.parents[row]
        while row >= 0:
            if row in notes:
                return row
            row = self.parents[row]
        return None

    def get_parent(self, code: str) -> str:
        parent = self.parents[self._row(code)]
        return self.names[parent] if parent >= 0 else ""

    def get_children(self, code: str) -> list[str]:
        return [self.names[r] for r in self._children(self._row(code))]

    def _children(self, row: int) -> Iterator[int]:
        child, end = row + 1, self.ends[row]
        while child < end:
            yield child
            child = self.ends[child]

    def get_ancestors(self, code: str) -> list[str]:
        found = []
        row = self.parents[self._row(code)]
        while row >= 0:
            found.append(self.names[row])
            row = self.parents[row]
        return found

    def get_descendants(self, code: str) -> list[str]:
        row = self._row(code)
        return self.names[row + 1 : self.ends[row]]

    def get_all_codes(self, with_dots: bool = True) -> list[str]:
        if with_dots:
            return list(self.names)
        return [n[:3] + n[4:] if len(n) > 4 and n[3] == "." else n for n in self.names]

    def get_excludes1(self, code: str) -> list[str]:
        return list(self.lists["excludes1"].get(self._row(code), ()))

    def get_excludes2(self, code: str) -> list[str]:
        return list(self.lists["excludes2"].get(self._row(code), ()))

    def get_includes(self, code: str) -> list[str]:
        return list(self.lists["includes"].get(self._row(code), ()))

    def get_inclusion_term(self, code: str) -> list[str]:
        return list(self.lists["inclusionTerm"].get(self._row(code), ()))

    def get_seven_chr_def(self, code: str, search_in_ancestors: bool = False) -> dict[str, str]:
        row = self._row(code)
        own = self.seventh.get(row, {})
        if search_in_ancestors and not own:
            holder = self._holder(row, self.seventh)
            if holder is not None:
                return dict(self.seventh[holder])
        return dict(own)

    def get_seven_chr_note(self, code: str, search_in_ancestors: bool = False) -> str:
        return self._text(self.seventh_notes, code, search_in_ancestors)

    def get_use_additional_code(self, code: str, search_in_ancestors: bool = False) -> str:
        return self._text(self.texts["useAdditionalCode"], code, search_in_ancestors)

    def get_code_first(self, code: str, search_in_ancestors: bool = False) -> str:
        return self._text(self.texts["codeFirst"], code, search_in_ancestors)

    def get_code_also(self, code: str, search_in_ancestors: bool = False) -> str:
        return self._text(self.texts["codeAlso"], code, search_in_ancestors)

    def get_notes(self, code: str, search_in_ancestors: bool = False) -> str:
        return self._text(self.texts["notes"], code, search_in_ancestors)

    def _text(self, notes: dict[int, str], code: str, search_in_ancestors: bool) -> str:
        row = self._row(code)
        own = notes.get(row, "")
        if search_in_ancestors and not own:
            holder = self._holder(row, notes)
            if holder is not None:
                return notes[holder]
        return own


def _text(element: Element) -> str | None:
    return sys.intern(element.text) if element.text is not None else None


class _Reader:
    """Fills a table from the tabular XML's events, as simple_icd_10_cm reads its tree."""

    def __init__(self, table: Icd10Table, existing: set[str]) -> None:
        self.t = table
        self.existing = existing
        self.open: list[int] = []  # rows of the chapters, sections and diags being read

    def start(self, element: Element) -> None:
        t = self.t
        row = len(t.names)
        t.names.append(element.attrib.get("id", ""))  # a diag's <name> comes in data()
        t.titles.append("")
        t.kinds.append(_NODE_TAGS[element.tag])
        t.parents.append(self.open[-1] if self.open else -1)
        t.ends.append(row + 1)
        self.open.append(row)

    def data(self, element: Element) -> None:
        """A child element of the innermost open code, read whole."""
        t, row, tag = self.t, self.open[-1], element.tag
        if tag == "name":
            if element.text is None:
                raise ValueError("Found <name> XML element containing no text.")
            t.names[row] = sys.intern(element.text)
        elif tag == "desc":
            if element.text is not None:
                t.titles[row] = element.text
        elif tag in _LISTS:
            lines = tuple(x for n in element if (x := _text(n)) is not None)
            t.lists[tag][row] = t.lists[tag].get(row, ()) + lines
        elif tag in _TEXTS:
            joined = [x for n in element if (x := _text(n)) is not None]
            before = t.texts[tag].get(row)
            t.texts[tag][row] = "\n".join(([before] if before else []) + joined)
        elif tag == "sevenChrDef":
            defs = t.seventh.setdefault(row, {})
            last = None
            for n in element:
                if n.tag == "extension":
                    last = n.attrib["char"]
                    defs[last] = n.text if n.text is not None else ""
                elif n.tag == "note" and last is not None and n.text is not None:
                    defs[last] = f"{defs[last]}/{n.text}"
        elif tag == "sevenChrNote" and len(element) and element[0].text is not None:
            t.seventh_notes[row] = element[0].text

    def end(self) -> None:
        t = self.t
        row = self.open.pop()
        name = t.names[row]
        if t.kinds[row] == SUBCATEGORY and len(name) == 3:
            t.kinds[row] = CATEGORY
        t.ends[row] = len(t.names)
        # Children were registered as they ended, so a category wins over its one-category
        # section of the same name.
        t.rows.setdefault(name, row)
        if t.ends[row] == row + 1:
            self._extend(row)

    def _extend(self, row: int) -> None:
        """A leaf under a sevenChrDef gets the codes its seventh characters form."""
        t = self.t
        if not t.seventh.get(row) and t._holder(row, t.seventh) is None:
            return
        extensions = t._extensions(row)
        name = t.names[row]
        stem = (name + "." if len(name) == 3 else name).ljust(7, "X")
        for char in extensions:
            if stem[:3] + stem[4:] + char in self.existing:
                child = len(t.names)
                t.names.append(sys.intern(stem + char))
                t.titles.append("")
                t.kinds.append(EXTENDED)
                t.parents.append(row)
                t.ends.append(child + 1)
                t.rows.setdefault(t.names[child], child)
        t.ends[row] = len(t.names)


def read_table(tabular: IO[bytes], code_list: str) -> Icd10Table:
    """The table from a tabular XML stream and the text of the list of existing codes (one
    code a line, as the package ships them)."""
    existing = {line.split(" ")[0].replace(".", "") for line in code_list.split("\n")}
    table = Icd10Table()
    reader = _Reader(table, existing)
    depth = 0  # elements open, the root's included
    node_depths: list[int] = []  # depths of the open codes' elements
    for event, element in iterparse(tabular, events=("start", "end")):
        if event == "start":
            depth += 1
            if element.tag in _NODE_TAGS and (
                depth == 2  # the root's children: chapters (after the version and introduction)
                if element.tag == "chapter"
                else bool(node_depths) and depth == node_depths[-1] + 1
            ):
                node_depths.append(depth)
                reader.start(element)
            continue
        if node_depths and depth == node_depths[-1]:
            reader.end()
            node_depths.pop()
            element.clear()
        elif node_depths and depth == node_depths[-1] + 1:
            reader.data(element)
            element.clear()
        depth -= 1
    return table


@lru_cache(maxsize=1)
def table() -> Icd10Table:
    """The installed release's table, read once per process (built before the worker's pool
    forks, so its children share it)."""
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    (xml,) = data.glob("*.xml")
    (codes,) = data.glob("code-list*.txt")
    with xml.open("rb") as stream:
        # Text mode, as the package reads it: the list's lines end in CR LF.
        return read_table(stream, codes.read_text(encoding="utf-8"))


# The package's functions, answered from the installed release's table: the rules call them by
# the package's names.


def is_valid_item(code: str) -> bool:
    return table().is_valid_item(code)


def is_leaf(code: str) -> bool:
    return table().is_leaf(code)


def is_category(code: str) -> bool:
    return table().is_category(code)


def is_chapter_or_block(code: str) -> bool:
    return table().is_chapter_or_block(code)


def is_extended_subcategory(code: str) -> bool:
    return table().is_extended_subcategory(code)


def get_description(code: str) -> str:
    return table().get_description(code)


def get_parent(code: str) -> str:
    return table().get_parent(code)


def get_children(code: str) -> list[str]:
    return table().get_children(code)


def get_ancestors(code: str) -> list[str]:
    return table().get_ancestors(code)


def get_descendants(code: str) -> list[str]:
    return table().get_descendants(code)


def get_all_codes(with_dots: bool = True) -> list[str]:
    return table().get_all_codes(with_dots)


def get_excludes1(code: str) -> list[str]:
    return table().get_excludes1(code)


def get_excludes2(code: str) -> list[str]:
    return table().get_excludes2(code)


def get_includes(code: str) -> list[str]:
    return table().get_includes(code)


def get_inclusion_term(code: str) -> list[str]:
    return table().get_inclusion_term(code)


def get_seven_chr_def(code: str, search_in_ancestors: bool = False) -> dict[str, str]:
    return table().get_seven_chr_def(code, search_in_ancestors)


def get_seven_chr_note(code: str, search_in_ancestors: bool = False) -> str:
    return table().get_seven_chr_note(code, search_in_ancestors)


def get_use_additional_code(code: str, search_in_ancestors: bool = False) -> str:
    return table().get_use_additional_code(code, search_in_ancestors)


def get_code_first(code: str, search_in_ancestors: bool = False) -> str:
    return table().get_code_first(code, search_in_ancestors)


def get_code_also(code: str, search_in_ancestors: bool = False) -> str:
    return table().get_code_also(code, search_in_ancestors)


def get_notes(code: str, search_in_ancestors: bool = False) -> str:
    return table().get_notes(code, search_in_ancestors)
