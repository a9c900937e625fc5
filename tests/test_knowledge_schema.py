"""The bundled coding notes (consultant/knowledge/codes_*.json) keep to one schema.

Matching reads the ranges in ``extra`` to choose among neighbours (an excision of 1.5 cm,
a 35-minute visit), so a malformed or overlapping range picks the wrong code silently.
When the shared CMS files are present, every note's code must also exist in them.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.codes.knowledge import KNOWLEDGE_DIR, load_bundled_knowledge
from consultant.models import CodeNote

SHARED_CMS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cms"
PFS_FILE = SHARED_CMS / "pfs_rvu_2025" / "PPRRVU2025_Oct.csv"
HCPCS_FILE = SHARED_CMS / "hcpcs_2026" / "HCPC2026_JAN_ANWEB_01122026.txt"

REQUIRED: dict[str, type] = {
    "code": str,
    "system": str,
    "title": str,
    "plain": str,
    "synonyms": list,
    "family": str,
    "related": list,
    "distinctions": list,
    "documentation": list,
    "denials": list,
}
RANGE_KINDS = ("minutes", "ages", "cm", "count")
EXTRA_KEYS = {
    *RANGE_KINDS,
    "medicare",
    "medicare_note",
    "medicare_by_word",
    "instead_by_word",
    "with_by_word",  # companions billed when the words name them (G0101 with Q0091)
    "needs_words",  # a delivery the question must name (telemedicine codes)
    "not_with_words",  # words that rule the code out (a video visit "from home")
}
CPT_SHAPE = re.compile(r"^\d{5}$|^\d{4}[FTU]$")
HCPCS_SHAPE = re.compile(r"^[A-V]\d{4}$")
# Words that only state a range; a title without them names the series a note belongs to.
_RANGE_WORDS = re.compile(
    r"\b(\d+(\.\d+)?|to|or|less|more|over|under|up|cm|sq|minutes?|views?|years?|months?|"
    r"days?|and|than|fewer|lesions?|regions?|first|each|extra|a|an|the|of|from|skin|"
    r"excised|diameter|total|length)\b|[-,;()/%]"
)


def _notes() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(KNOWLEDGE_DIR.glob("codes_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"codes"}, path.name
        out += [(path.name, note) for note in data["codes"]]
    return out


NOTES = _notes()


def test_bundle_has_at_least_2000_notes() -> None:
    assert len(NOTES) >= 2000


def test_every_note_has_the_required_fields_and_types() -> None:
    for name, note in NOTES:
        where = f"{name}:{note.get('code')}"
        for field, kind in REQUIRED.items():
            assert isinstance(note.get(field), kind), f"{where} {field}"
        for field in ("synonyms", "related", "distinctions", "documentation", "denials"):
            assert all(isinstance(item, str) and item for item in note[field]), where
        assert note["title"].strip() and note["plain"].strip(), where
        assert note["family"].strip(), where
        # The columns' sizes (code_notes.title is 300, family 100).
        assert len(note["title"]) <= 300 and len(note["family"]) <= 100, where
        assert note["code"] not in note["related"], where
        assert set(note.get("extra", {})) <= EXTRA_KEYS, where


def test_codes_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for name, note in NOTES:
        assert note["code"] not in seen, f"{note['code']} in {seen.get(note['code'])} and {name}"
        seen[note["code"]] = name


def test_system_matches_the_code_shape() -> None:
    for _, note in NOTES:
        shape = CPT_SHAPE if note["system"] == "CPT" else HCPCS_SHAPE
        assert note["system"] in ("CPT", "HCPCS"), note["code"]
        assert shape.match(note["code"]), f"{note['code']} is not {note['system']}"


def test_ranges_are_low_high_pairs() -> None:
    for _, note in NOTES:
        for kind in RANGE_KINDS:
            bounds = note.get("extra", {}).get(kind)
            if bounds is None:
                continue
            assert isinstance(bounds, list) and len(bounds) == 2, note["code"]
            low, high = bounds
            assert all(isinstance(b, int | float) for b in bounds), note["code"]
            assert 0 <= low <= high, f"{note['code']} {kind} {bounds}"


def _series(note: dict[str, Any]) -> str:
    return " ".join(_RANGE_WORDS.sub(" ", note["title"].lower()).split())


def test_neighbours_in_a_series_do_not_overlap() -> None:
    """Notes of one family whose titles differ only in their range (the excision sizes of
    one site, the views of one x-ray) must not claim the same minutes, size or count."""
    groups: dict[tuple[str, str, str], list[tuple[str, list[float]]]] = defaultdict(list)
    for _, note in NOTES:
        for kind in RANGE_KINDS:
            bounds = note.get("extra", {}).get(kind)
            if bounds:
                groups[(note["family"], _series(note), kind)].append((note["code"], bounds))
    for key, members in groups.items():
        members.sort(key=lambda m: m[1][0])
        for (code_a, (_, high_a)), (code_b, (low_b, _)) in itertools.pairwise(members):
            assert high_a < low_b, f"{code_a} and {code_b} overlap in {key}"


def test_related_codes_look_like_codes() -> None:
    for _, note in NOTES:
        for code in note["related"]:
            assert CPT_SHAPE.match(code) or HCPCS_SHAPE.match(code), (note["code"], code)


def test_bundle_loads_into_the_database_once(session: Session) -> None:
    """Every note lands in code_notes in one load, and a second load of the same bundle does
    nothing. (How long the load takes is measured by `make bench`, not asserted here: a
    timed assertion fails on a busy machine, not on slow code.)"""
    loaded = load_bundled_knowledge(session)
    session.flush()
    assert loaded == len(NOTES)
    assert session.scalar(select(func.count()).select_from(CodeNote)) == len(NOTES)
    assert load_bundled_knowledge(session) == 0


def _pfs_codes() -> dict[str, str]:
    """Fee schedule code -> short descriptor (the row without a modifier)."""
    codes: dict[str, str] = {}
    with PFS_FILE.open(newline="", encoding="latin-1") as handle:
        for row in csv.reader(handle):
            is_code = len(row) > 3 and len(row[0]) == 5 and row[0] != "HCPCS"
            if is_code and (not row[1] or row[0] not in codes):
                codes[row[0]] = row[2]
    return codes


def _hcpcs_active() -> dict[str, str]:
    """HCPCS Level II code -> termination date ('' when active), from the record layout:
    code in columns 1-5, record id in 11 (3 = first line), termination date in 285-292."""
    out: dict[str, str] = {}
    with HCPCS_FILE.open(encoding="latin-1") as handle:
        for line in handle:
            if line[10:11] == "3":
                out[line[0:5]] = line[284:292].strip()
    return out


@pytest.mark.skipif(not PFS_FILE.exists() or not HCPCS_FILE.exists(), reason="no CMS files")
def test_every_code_exists_in_the_cms_files_and_is_not_terminated() -> None:
    """A terminated HCPCS code may stay only as a note that says so in its title."""
    pfs, hcpcs = _pfs_codes(), _hcpcs_active()
    for _, note in NOTES:
        code = note["code"]
        if note["system"] == "CPT":
            assert code in pfs, f"{code} is not in the fee schedule"
        else:
            assert code in hcpcs or code in pfs, f"{code} is in no CMS file"
            if hcpcs.get(code):
                # A retired code keeps its note only to say so and name its successor.
                assert "terminated" in note["title"], f"{code} is terminated ({hcpcs[code]})"


@pytest.mark.skipif(not PFS_FILE.exists(), reason="no CMS files")
def test_titles_are_not_the_fee_schedule_descriptors() -> None:
    """Our titles are our own words; none may be a copy of the CMS short descriptor.
    A plain name of three words or fewer ("Lipid panel") is common language, not a copy."""
    pfs = _pfs_codes()
    for _, note in NOTES:
        short = pfs.get(note["code"], "").strip().lower()
        title = note["title"].strip().lower()
        assert len(title.split()) <= 3 or title != short, note["code"]


def test_a_notes_distinctions_are_about_its_own_service() -> None:
    """Bug: the perianal abscess note (46050) carried the hernia repair notes' distinctions
    and documentation, so nothing told an abscess at the anus from one of the skin."""
    note = next(n for _, n in NOTES if n["code"] == "46050")
    text = " ".join(note["distinctions"] + note["documentation"]).lower()
    assert "abscess" in text and "hernia" not in text
