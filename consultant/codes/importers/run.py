"""Import one file as one release: detect, check the checksum, load, record row counts.

The caller owns the transaction: a file that fails half-way leaves nothing behind."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.codes.importers import fee_schedule, hcpcs, icd10, ncci, reference
from consultant.codes.importers.base import (
    Imported,
    ImportFileError,
    Progress,
    checksum,
    date_from_name,
    existing_release,
    new_release,
    read_bytes,
    text_lines,
)
from consultant.codes.importers.detect import detect
from consultant.models import Release

# Lists CMS publishes without an edition date: in force from the day they are loaded.
UNDATED_KINDS = frozenset({"pos", "modifiers", "localities"})

# Kinds whose editions are named by their effective date: one release per date.
DATED_EDITIONS = frozenset({"pfs_rvu", "hcpcs", "ptp", "mue", "aoc", "gpci"})

Loader = Callable[[Session, Path, list[str], Release, Progress | None], int]

KINDS: dict[str, tuple[str, str, Loader]] = {
    # detected kind -> (release kind, label, loader)
    "pfs_rvu_csv": ("pfs_rvu", "Medicare PFS relative value file", fee_schedule.load_csv),
    "pfs_rvu_txt": ("pfs_rvu", "Medicare PFS relative value file", fee_schedule.load_txt),
    "hcpcs": ("hcpcs", "HCPCS Level II alpha-numeric file", hcpcs.load),
    "ptp": ("ptp", "NCCI PTP edits, practitioner", ncci.load_ptp),
    "mue": ("mue", "NCCI MUEs, practitioner", ncci.load_mue),
    "aoc": ("aoc", "NCCI add-on code edits", ncci.load_aoc),
    "pos": ("pos", "CMS place of service codes", reference.load_pos),
    "modifiers": ("modifiers", "CPT and HCPCS modifiers", reference.load_modifiers),
    "gpci": ("gpci", "Medicare GPCIs by locality", reference.load_gpci),
    "localities": ("localities", "Medicare localities and counties", reference.load_localities),
    "icd10_order": ("icd10", "ICD-10-CM order file", icd10.load_order_file),
}


def import_file(
    session: Session, path: Path, progress: Progress | None = None, effective: date | None = None
) -> Imported:
    """Load ``path`` unless the same file was loaded before. Raises ImportFileError."""
    if str(path) == icd10.PACKAGE_SOURCE:
        return import_icd10_package(session, progress, effective)
    return import_parts(session, [path], progress, effective)


def import_parts(
    session: Session,
    paths: Sequence[Path],
    progress: Progress | None = None,
    effective: date | None = None,
    source: str = "CMS",
) -> Imported:
    """Load the files of one release as one release: one file usually, several when CMS
    ships a release in parts (the NCCI PTP edits come as four files). Every part must be
    the same kind. Raises ImportFileError; the caller's transaction keeps all or nothing."""
    parts = []
    for path in paths:
        data = read_bytes(path)
        lines = text_lines(data)
        parts.append((path, lines, detect(path, lines[:40], data[:8]), checksum(data)))
    first_path, first_lines, kind, _digest = parts[0]
    for path, _lines, other, _ in parts[1:]:
        if other != kind:
            raise ImportFileError(path, 1, f"a {other} file among the parts of a {kind} release")
    release_kind, label, loader = KINDS[kind]
    # One file keeps its own checksum, so the same file imported by hand or fetched by
    # ``data update`` is recognised as the same release.
    digest = parts[0][3] if len(parts) == 1 else checksum("".join(p[3] for p in parts).encode())
    when = effective or _effective_date(first_path, first_lines, release_kind)
    name = f"{label}, {when.isoformat()}"
    shown = str(first_path) if len(parts) == 1 else f"{first_path} (+{len(parts) - 1} parts)"
    found = existing_release(session, release_kind, digest)
    if found is not None:
        return Imported(
            release_kind, found.name, shown, found.row_count, found.effective_date, skipped=True
        )
    same_edition = session.scalar(
        select(Release).where(Release.kind == release_kind, Release.effective_date == when)
    )
    if same_edition is not None and release_kind in DATED_EDITIONS:
        # The same edition in another format (CMS ships the RVU file as CSV and as TXT).
        return Imported(
            release_kind, same_edition.name, shown, same_edition.row_count, when, skipped=True
        )
    file_name = ", ".join(p[0].name for p in parts)[:300]
    release = new_release(session, release_kind, name, file_name, digest, when, source=source)
    release.row_count = sum(
        loader(session, path, lines, release, progress) for path, lines, _, _ in parts
    )
    return Imported(release_kind, name, shown, release.row_count, when)


def import_icd10_package(
    session: Session, progress: Progress | None, effective: date | None
) -> Imported:
    version = icd10.package_version()
    digest = f"{icd10.PACKAGE_SOURCE}=={version}"
    when = effective or icd10.fiscal_year_start(date.today())
    found = existing_release(session, "icd10", digest)
    name = f"ICD-10-CM tabular (CDC, via simple-icd-10-cm {version})"
    if found is not None:
        return Imported(
            "icd10", found.name, icd10.PACKAGE_SOURCE, found.row_count, found.effective_date, True
        )
    release = new_release(session, "icd10", name, icd10.PACKAGE_SOURCE, digest, when, source="CDC")
    release.row_count = icd10.load_package(session, release, progress)
    return Imported("icd10", name, icd10.PACKAGE_SOURCE, release.row_count, when)


def _effective_date(path: Path, lines: list[str], kind: str) -> date:
    fiscal = re.search(r"(20\d\d)", path.name)
    if kind == "icd10" and fiscal:
        # ICD-10-CM is named by fiscal year: FY2026 takes effect on 1 October 2025.
        return date(int(fiscal.group(1)) - 1, 10, 1)
    named = date_from_name(path.name)
    if named:
        return named
    head = " ".join(lines[:5])
    year = re.search(r"\b(20\d\d)\b", head)
    month = re.search(r"(January|April|July|October)", head, re.I)
    if year:
        months = {"january": 1, "april": 4, "july": 7, "october": 10}
        return date(int(year.group(1)), months[month.group(1).lower()] if month else 1, 1)
    if kind in UNDATED_KINDS:
        return date.today()
    raise ImportFileError(
        path, 1, "no effective date in the file name or title; pass --effective YYYY-MM-DD"
    )
