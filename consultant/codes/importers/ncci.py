"""NCCI: procedure-to-procedure edits, medically unlikely edits and add-on code edits,
in CMS's official layouts (copyright line, multi-row header, '*' fields, YYYYMMDD dates)
and in the tidy CSV layout with named columns."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from consultant.codes.importers.base import ImportFileError, Progress, bulk_insert, parse_date
from consultant.models import AddOnEdit, MueLimit, PtpCodeCount, PtpEdit, Release

_CODE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
_INDICATORS = frozenset({"0", "1", "9"})
PTP_COLUMNS = [
    "release_id",
    "column1",
    "column2",
    "effective_date",
    "deletion_date",
    "modifier_indicator",
    "rationale",
]


def _rows(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Rows of a comma- or tab-separated file with their line numbers."""
    sample = "\n".join(lines[:30])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    yield from enumerate(reader, 1)


def _is_code(value: str) -> bool:
    return bool(_CODE.match(value.upper()))


def _header(
    rows: Iterator[tuple[int, list[str]]], needs: set[str]
) -> tuple[dict[str, int] | None, list[tuple[int, list[str]]]]:
    """Find a header naming every column in ``needs`` (tidy layout), or else the first
    data row (official layout, whose multi-row header is skipped)."""
    skipped: list[tuple[int, list[str]]] = []
    for line_no, fields in rows:
        fields = [f.strip() for f in fields]
        # "Add-on Code" and "add_on_code" name the same column.
        lowered = [re.sub(r"[\s\-/]+", "_", f.lower()) for f in fields]
        if needs <= set(lowered):
            return {name: i for i, name in enumerate(lowered)}, []
        if fields and _is_code(fields[0]) and len(fields) > 1:
            return None, [(line_no, fields)]
        skipped.append((line_no, fields))
        if len(skipped) > 30:
            break
    return None, []


def load_ptp(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    rows = _rows(lines)
    header, first = _header(rows, {"column_1", "column_2", "deletion_date", "modifier_indicator"})
    if header is None and not first:
        raise ImportFileError(
            path, 1, "no PTP header (column_1) and no data row in the first 30 lines"
        )

    def parsed() -> Iterator[tuple[object, ...]]:
        # The hot loop of 2.5 million rows: plain string checks, no regex per field.
        if header is not None:
            try:
                i1, i2 = header["column_1"], header["column_2"]
                idel, imod = header["deletion_date"], header["modifier_indicator"]
            except KeyError as exc:
                raise ImportFileError(path, 1, f"PTP header lacks {exc}") from None
            irat, ieff = header.get("rationale"), header.get("effective_date")
            width = max(header.values()) + 1
        release_id = release.id
        for line_no, f in chain(first, rows):
            if len(f) < 2 and not any(f):
                continue
            if header is not None:
                if len(f) < width:
                    raise ImportFileError(
                        path, line_no, f"expected {len(header)} columns, found {len(f)}"
                    )
                col1, col2, deletion, indicator = (
                    f[i1].strip(),
                    f[i2].strip(),
                    f[idel].strip(),
                    f[imod].strip(),
                )
                rationale = f[irat] if irat is not None else ""
                effective = f[ieff] if ieff is not None else ""
            else:
                if len(f) < 6:
                    raise ImportFileError(path, line_no, f"expected 7 columns, found {len(f)}")
                col1, col2, _prior, effective, deletion, indicator = (x.strip() for x in f[:6])
                rationale = f[6].strip() if len(f) > 6 else ""
            if not (len(col1) == 5 and len(col2) == 5 and col1.isalnum() and col2.isalnum()):
                raise ImportFileError(path, line_no, f"{col1!r}/{col2!r} are not HCPCS/CPT codes")
            if indicator not in _INDICATORS:
                raise ImportFileError(
                    path, line_no, f"modifier indicator {indicator!r} is not 0, 1 or 9"
                )
            # Inline fast path for the common "none" and ISO forms; _date handles the rest.
            eff = None if not effective else _date(effective, path, line_no, "effective date")
            if not deletion or deletion[0] == "9" or deletion == "*":
                dele = None
            elif len(deletion) == 10 and deletion[4] == "-":
                dele = deletion
            else:
                dele = _date(deletion, path, line_no, "deletion date")
            if dele is None:
                as_column1[col1] += 1
                as_column2[col2] += 1
            yield (release_id, col1, col2, eff, dele, indicator, rationale[:200])

    as_column1: Counter[str] = Counter()
    as_column2: Counter[str] = Counter()
    count = bulk_insert(session, PtpEdit, PTP_COLUMNS, parsed(), progress)
    # An earlier part of the same release counted its own edits: add them up.
    earlier = session.execute(
        delete(PtpCodeCount)
        .where(PtpCodeCount.release_id == release.id)
        .returning(PtpCodeCount.code, PtpCodeCount.as_column1, PtpCodeCount.as_column2)
    ).all()
    for code, c1, c2 in earlier:
        as_column1[code] += c1
        as_column2[code] += c2
    # Counted while parsing (active edits only) so a code page need not count millions of rows.
    counts = [
        {
            "release_id": release.id,
            "code": c,
            "as_column1": as_column1[c],
            "as_column2": as_column2[c],
        }
        for c in as_column1.keys() | as_column2.keys()
    ]
    if counts:  # an empty list would insert one row of defaults
        session.execute(insert(PtpCodeCount), counts)
    return count


def _date(value: str, path: Path, line_no: int, field: str) -> str | None:
    # The hot path of 2.5 million rows: the common ISO and "none" forms skip parsing.
    if not value or value == "*" or value.startswith("9999"):
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        return value
    parsed = parse_date(value, path, line_no, field)
    return parsed.isoformat() if parsed else None


def load_mue(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    rows = _rows(lines)
    header, first = _header(rows, {"hcpcs_code", "mue_units", "mue_mai"})
    out = []
    for line_no, raw in chain(first, rows):
        f = [x.strip() for x in raw]
        if not f or not any(f):
            continue
        if header is not None:
            code, units, mai = f[header["hcpcs_code"]], f[header["mue_units"]], f[header["mue_mai"]]
            rationale = f[header["mue_rationale"]] if "mue_rationale" in header else ""
        else:
            if not _is_code(f[0]):
                continue  # the official file's trailing notes
            if len(f) < 3:
                raise ImportFileError(path, line_no, f"expected 4 columns, found {len(f)}")
            code, units, mai = f[0], f[1], f[2]
            rationale = f[3] if len(f) > 3 else ""
        if not _is_code(code):
            raise ImportFileError(path, line_no, f"{code!r} is not a HCPCS/CPT code")
        if not units.isdigit():
            raise ImportFileError(path, line_no, f"MUE units {units!r} is not a whole number")
        mai_digit = mai[:1]
        if mai_digit not in ("1", "2", "3"):
            raise ImportFileError(path, line_no, f"MAI {mai!r} is not 1, 2 or 3")
        out.append((release.id, code.upper(), int(units), mai_digit, rationale[:200]))
    if not out:
        raise ImportFileError(path, 1, "no MUE rows found")
    return bulk_insert(
        session,
        MueLimit,
        ["release_id", "code", "units", "mai", "rationale"],
        out,
        progress,
    )


def load_aoc(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    rows = _rows(lines)
    header, _first = _header(rows, {"add_on_code", "primary_code", "aoc_edit_type"})
    if header is None:
        # The official layout names its columns too, with spaces.
        raise ImportFileError(path, 1, "no add_on_code header found")
    out = []
    for line_no, raw in rows:
        f = [x.strip() for x in raw]
        if not f or not any(f):
            continue
        try:
            primary, addon, edit_type = (
                f[header["primary_code"]],
                f[header["add_on_code"]],
                f[header["aoc_edit_type"]],
            )
        except (IndexError, KeyError):
            raise ImportFileError(path, line_no, "missing add-on columns") from None
        if not _is_code(addon) or edit_type not in ("1", "2", "3"):
            raise ImportFileError(path, line_no, f"bad add-on row {addon!r} type {edit_type!r}")
        out.append((release.id, primary.upper(), addon.upper(), edit_type))
    return bulk_insert(
        session,
        AddOnEdit,
        ["release_id", "primary_code", "addon_code", "edit_type"],
        out,
        progress,
    )
