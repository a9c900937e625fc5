"""PPRRVU: the National Physician Fee Schedule Relative Value File, CSV or fixed width."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from consultant.codes.importers.base import (
    ImportFileError,
    Progress,
    bulk_insert,
    csv_reader,
    decimal_field,
)
from consultant.codes.importers.codes_table import Row, upsert_codes
from consultant.models import FeeScheduleRow, Release

COLUMNS = [
    "release_id",
    "code",
    "modifier",
    "status",
    "work_rvu",
    "nf_pe_rvu",
    "f_pe_rvu",
    "mp_rvu",
    "nf_total",
    "f_total",
    "pctc",
    "global_days",
    "mult_proc",
    "bilateral",
    "assistant",
    "co_surgeon",
    "team",
    "conv_factor",
]

# Fixed-width positions (1-based, inclusive) from the CMS RVU file layout.
TXT_FIELDS = {
    "code": (1, 5),
    "modifier": (6, 7),
    "description": (8, 57),
    "status": (58, 58),
    "work": (60, 65),
    "nf_pe": (67, 72),
    "f_pe": (76, 81),
    "mp": (85, 89),
    "nf_total": (91, 96),
    "f_total": (97, 102),
    "pctc": (103, 103),
    "global": (104, 106),
    "mult": (116, 116),
    "bilat": (117, 117),
    "asst": (118, 118),
    "co": (119, 119),
    "team": (120, 120),
    "cf": (133, 140),
}


def load_csv(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    header_at = next(
        (i for i, line in enumerate(lines[:20]) if line.startswith("HCPCS,MOD,")), None
    )
    if header_at is None:
        raise ImportFileError(path, 1, "no 'HCPCS,MOD,DESCRIPTION' header in the first 20 lines")
    parsed = []
    for line_no, fields in csv_reader(lines[header_at + 1 :]):
        line_no += header_at + 1
        if not fields or not fields[0].strip(" \x1a"):
            continue  # blank rows and the DOS end-of-file mark
        if len(fields) < 25:
            raise ImportFileError(path, line_no, f"expected 31 columns, found {len(fields)}")
        parsed.append(
            _row(
                path,
                line_no,
                {
                    "code": fields[0],
                    "modifier": fields[1],
                    "description": fields[2],
                    "status": fields[3],
                    "work": fields[5],
                    "nf_pe": fields[6],
                    "f_pe": fields[8],
                    "mp": fields[10],
                    "nf_total": fields[11],
                    "f_total": fields[12],
                    "pctc": fields[13],
                    "global": fields[14],
                    "mult": fields[18],
                    "bilat": fields[19],
                    "asst": fields[20],
                    "co": fields[21],
                    "team": fields[22],
                    "cf": fields[24],
                },
            )
        )
    return _store(session, release, parsed, progress)


def load_txt(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    parsed = []
    for line_no, line in enumerate(lines, 1):
        if line.startswith("HDR") or not line.strip():
            continue
        if len(line) < 140:
            raise ImportFileError(
                path, line_no, f"record is {len(line)} characters, expected at least 140"
            )
        parsed.append(_row(path, line_no, {k: line[a - 1 : b] for k, (a, b) in TXT_FIELDS.items()}))
    return _store(session, release, parsed, progress)


def _row(path: Path, line_no: int, f: dict[str, str]) -> tuple[object, ...]:
    code = f["code"].strip().upper()
    if not (len(code) == 5 and code.isalnum()):
        raise ImportFileError(path, line_no, f"HCPCS code {code!r} is not 5 characters")
    status = f["status"].strip()
    if len(status) != 1:
        raise ImportFileError(path, line_no, f"status code {status!r} is not one character")
    num = {
        k: decimal_field(f[k], path, line_no, k)
        for k in ("work", "nf_pe", "f_pe", "mp", "nf_total", "f_total", "cf")
    }
    return (
        code,
        f["modifier"].strip().upper(),
        f["description"].strip(),
        status,
        num["work"],
        num["nf_pe"],
        num["f_pe"],
        num["mp"],
        num["nf_total"],
        num["f_total"],
        f["pctc"].strip(),
        f["global"].strip(),
        f["mult"].strip(),
        f["bilat"].strip(),
        f["asst"].strip(),
        f["co"].strip(),
        f["team"].strip(),
        num["cf"],
    )


def _store(
    session: Session, release: Release, parsed: list[tuple[object, ...]], progress: Progress | None
) -> int:
    rows = [(release.id, r[0], r[1], *r[3:]) for r in parsed]
    count = bulk_insert(session, FeeScheduleRow, COLUMNS, rows, progress)
    codes: dict[str, Row] = {}
    for r in parsed:
        code, modifier, description, status = str(r[0]), str(r[1]), str(r[2]), str(r[3])
        if not modifier and code[:1].isdigit():
            codes[code] = (code, description, "", status, None, None)
    upsert_codes(session, "CPT", release, list(codes.values()))
    return count
