"""ICD-10-CM: from the ``simple-icd-10-cm`` package (CDC tabular data) or a CDC order file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from consultant.codes.importers.base import ImportFileError, Progress
from consultant.codes.importers.codes_table import Row, upsert_codes
from consultant.models import Release

PACKAGE_SOURCE = "simple-icd-10-cm"


def package_version() -> str:
    from importlib.metadata import version

    return version("simple-icd-10-cm")


def load_package(session: Session, release: Release, progress: Progress | None) -> int:
    import simple_icd_10_cm as cm

    rows: list[Row] = []
    for code in cm.get_all_codes(False):
        if cm.is_chapter_or_block(code):
            continue
        status = "billable" if cm.is_leaf(code) else "header"
        rows.append((code.upper(), "", cm.get_description(code), status, None, None))
    if progress:
        progress(len(rows))
    return upsert_codes(session, "ICD-10-CM", release, rows)


def load_order_file(
    session: Session, path: Path, lines: list[str], release: Release, progress: Progress | None
) -> int:
    """icd10cm_order_YYYY.txt: order(5) code(7) header-flag(1) short(60) long, space separated."""
    rows: list[Row] = []
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) < 16 or not line[:5].strip().isdigit():
            raise ImportFileError(path, line_no, "not an ICD-10-CM order file record")
        code, flag = line[6:13].strip(), line[14:15]
        short, long = line[16:76].strip(), line[77:].strip()
        rows.append((code, short, long, "billable" if flag == "1" else "header", None, None))
    return upsert_codes(session, "ICD-10-CM", release, rows)


def fiscal_year_start(today: date) -> date:
    """ICD-10-CM releases take effect on October 1."""
    year = today.year if today.month >= 10 else today.year - 1
    return date(year, 10, 1)
