"""Import one file as one release: detect, check the checksum, load, record row counts.

The caller owns the transaction: a file that fails half-way leaves nothing behind."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    data = read_bytes(path)
    lines = text_lines(data)
    kind = detect(path, lines[:40], data[:8])
    release_kind, label, loader = KINDS[kind]
    digest = checksum(data)
    when = effective or _effective_date(path, lines, release_kind)
    name = f"{label}, {when.isoformat()}"
    found = existing_release(session, release_kind, digest)
    if found is not None:
        return Imported(
            release_kind, found.name, str(path), found.row_count, found.effective_date, skipped=True
        )
    same_edition = session.scalar(
        select(Release).where(Release.kind == release_kind, Release.effective_date == when)
    )
    if same_edition is not None and release_kind in DATED_EDITIONS:
        # The same edition in another format (CMS ships the RVU file as CSV and as TXT).
        return Imported(
            release_kind, same_edition.name, str(path), same_edition.row_count, when, skipped=True
        )
    release = new_release(session, release_kind, name, path, digest, when, source="CMS")
    release.row_count = loader(session, path, lines, release, progress)
    return Imported(release_kind, name, str(path), release.row_count, when)


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
    release = new_release(
        session, "icd10", name, Path(icd10.PACKAGE_SOURCE), digest, when, source="CDC"
    )
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
