"""HCPCS Level II alpha-numeric file (ANWEB), fixed width, 320 characters a record.

Procedure records (RIC 3, continued by 4) and modifier records (RIC 7, continued by 8);
long descriptions continue across records and are joined."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from consultant.codes.importers.base import ImportFileError, Progress, parse_date
from consultant.codes.importers.codes_table import Row, upsert_codes
from consultant.models import Modifier, Release


def load(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    codes: dict[str, list[object]] = {}
    modifiers: dict[str, list[str]] = {}
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) < 293:
            raise ImportFileError(path, line_no, f"record is {len(line)} characters, expected 320")
        ric = line[10]
        long_part = line[11:91].rstrip()
        if ric in "34":
            code = line[0:5].strip().upper()
            if len(code) != 5:
                raise ImportFileError(path, line_no, f"HCPCS code {code!r} is not 5 characters")
            if ric == "3":
                codes[code] = [
                    code,
                    line[91:119].strip(),
                    long_part,
                    line[229:230].strip(),
                    parse_date(line[276:284], path, line_no, "action effective date"),
                    parse_date(line[284:292], path, line_no, "termination date"),
                ]
            elif code in codes:
                codes[code][2] = f"{codes[code][2]} {long_part}".strip()
            else:
                raise ImportFileError(
                    path, line_no, f"continuation record for {code} before its first record"
                )
        elif ric in "78":
            mod = line[3:5].strip().upper()
            if ric == "7":
                modifiers[mod] = [line[91:119].strip(), long_part]
            elif mod in modifiers:
                modifiers[mod][1] = f"{modifiers[mod][1]} {long_part}".strip()
        else:
            raise ImportFileError(path, line_no, f"unknown record identification code {ric!r}")
    if not codes:
        raise ImportFileError(path, 1, "no HCPCS procedure records found")
    if progress:
        progress(len(lines))
    rows: list[Row] = [tuple(v) for v in codes.values()]  # type: ignore[misc]
    count = upsert_codes(session, "HCPCS", release, rows)
    for mod, (short, long) in modifiers.items():
        row = session.get(Modifier, mod)
        if row is None:
            session.add(
                Modifier(code=mod, kind="HCPCS", description=long or short, release_id=release.id)
            )
        elif row.kind in ("", "HCPCS"):
            row.description = long or short
            row.release_id = release.id
    return count + len(modifiers)
