"""Smaller CMS reference files: places of service, modifiers, GPCIs by locality."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from consultant.codes.importers.base import ImportFileError, Progress, bulk_insert, csv_reader
from consultant.models import GpciLocality, LocalityCounty, Modifier, PlaceOfService, Release


def _named_rows(
    path: Path, lines: list[str], required: list[str]
) -> list[tuple[int, dict[str, str]]]:
    rows = csv_reader(lines)
    header: list[str] | None = None
    out = []
    for line_no, fields in rows:
        if header is None:
            lowered = [f.strip().lower() for f in fields]
            if all(r in lowered for r in required):
                header = lowered
            continue
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise ImportFileError(
                path, line_no, f"expected {len(header)} columns, found {len(fields)}"
            )
        out.append((line_no, dict(zip(header, (f.strip() for f in fields), strict=True))))
    if header is None:
        raise ImportFileError(path, 1, f"no header with {', '.join(required)}")
    return out


def load_pos(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    rows = _named_rows(path, lines, ["pos_code", "pos_name"])
    session.execute(delete(PlaceOfService))
    for line_no, r in rows:
        code = r["pos_code"].zfill(2)
        if not (len(code) == 2 and code.isdigit()):
            raise ImportFileError(path, line_no, f"place of service {code!r} is not two digits")
        session.add(
            PlaceOfService(
                code=code,
                setting=r.get("pos_type", ""),
                name=r["pos_name"],
                description=r.get("pos_description", ""),
            )
        )
    return len(rows)


def load_modifiers(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    rows = _named_rows(path, lines, ["mod_code", "mod_description"])
    for line_no, r in rows:
        code = r["mod_code"].upper()
        if len(code) != 2:
            raise ImportFileError(path, line_no, f"modifier {code!r} is not two characters")
        row = session.get(Modifier, code) or Modifier(code=code)
        row.kind, row.category, row.description = (
            r.get("mod_type", ""),
            r.get("mod_category", ""),
            r["mod_description"],
        )
        row.information = r.get("mod_information", "")
        row.instructions = r.get("mod_instructions", "") or row.instructions
        row.correct_use, row.incorrect_use = (
            r.get("mod_correct_use", ""),
            r.get("mod_incorrect_use", ""),
        )
        row.resources, row.release_id = r.get("mod_resources", ""), release.id
        session.add(row)
    return len(rows)


def load_gpci(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    out = []
    header_seen = False
    for line_no, f in csv_reader(lines):
        if not header_seen:
            header_seen = bool(f) and "locality number" in " ".join(x.lower() for x in f)
            continue
        if len(f) < 7 or not f[0].strip():
            continue
        mac, state, locality, name = f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip()
        if not mac.isdigit():
            continue  # footnotes under the table
        try:
            pw, pe, mp = float(f[4]), float(f[5]), float(f[6])
        except ValueError as exc:
            raise ImportFileError(path, line_no, f"GPCI values {f[4:7]} are not numbers") from exc
        out.append(
            (release.id, mac, locality.zfill(2), state, name.rstrip("*").strip(), pw, pe, mp)
        )
    if not out:
        raise ImportFileError(path, 1, "no GPCI rows after a 'Locality Number' header")
    return bulk_insert(
        session,
        GpciLocality,
        ["release_id", "mac", "locality", "state", "name", "pw_gpci", "pe_gpci", "mp_gpci"],
        out,
        progress,
    )


def load_localities(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    merged: dict[tuple[str, str], list[str]] = {}
    header_seen = False
    for line_no, f in csv_reader(lines):
        if not header_seen:
            header_seen = "locality number" in " ".join(x.lower() for x in f)
            continue
        if len(f) < 5 or not f[0].strip():
            continue
        if not f[0].strip().isdigit() and not any(x.strip() for x in f[1:]):
            continue  # a footnote under the table ("* Payment locality is serviced by ...")
        if not f[0].strip().isdigit() or not f[1].strip().isdigit():
            raise ImportFileError(
                path, line_no, f"MAC {f[0]!r} / locality {f[1]!r} are not numbers"
            )
        key = (f[0].strip().zfill(5), f[1].strip().zfill(2))
        if key in merged:  # a locality whose county list continues on another row
            merged[key][2] += ", " + f[4].strip()
        else:
            merged[key] = [f[2].strip(), f[3].strip(), f[4].strip()]
    out = [(release.id, *key, *values) for key, values in merged.items()]
    if not out:
        raise ImportFileError(path, 1, "no locality rows after a 'Locality Number' header")
    return bulk_insert(
        session,
        LocalityCounty,
        ["release_id", "mac", "locality", "state", "area", "counties"],
        out,
        progress,
    )
