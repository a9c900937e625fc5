"""What every importer shares: reading (gzip too), errors with file:line, the release row,
and fast bulk inserts (COPY on Postgres, executemany on SQLite)."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.models import Base, Release

Progress = Callable[[int], None]


class ImportFileError(Exception):
    """A malformed file: names the file and line, and nothing of it is applied."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass
class Imported:
    kind: str
    name: str
    path: str
    rows: int
    effective_date: date
    skipped: bool = False  # the same file was imported before


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def text_lines(data: bytes) -> list[str]:
    """Decoded lines: UTF-8 with a BOM or not, else Latin-1 (CMS files use both)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # DOS-era CMS files end with a Ctrl-Z (0x1A) end-of-file mark.
    return text.rstrip("\x1a\r\n ").splitlines()


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def existing_release(session: Session, kind: str, digest: str) -> Release | None:
    return session.scalar(select(Release).where(Release.kind == kind, Release.checksum == digest))


def new_release(
    session: Session,
    kind: str,
    name: str,
    file_name: str,
    digest: str,
    effective: date,
    source: str,
) -> Release:
    release = Release(
        kind=kind,
        name=name,
        source=source,
        file_name=file_name,
        checksum=digest,
        effective_date=effective,
    )
    session.add(release)
    session.flush()
    return release


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def date_from_name(name: str) -> date | None:
    """Dates CMS puts in file names: 2024-07-01, 20240701, 25_JAN, 2025_Oct, 2026_JAN."""
    lowered = name.lower()
    hit = re.search(r"(20\d\d)-(\d\d)-(\d\d)", lowered) or re.search(
        r"(20\d\d)(\d\d)(\d\d)", lowered
    )
    if hit:
        try:
            return date(int(hit.group(1)), int(hit.group(2)), int(hit.group(3)))
        except ValueError:
            pass
    hit = re.search(r"(20\d\d|\d\d)[_-]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", lowered)
    if hit:
        year = int(hit.group(1))
        return date(year if year > 100 else 2000 + year, _MONTHS[hit.group(2)], 1)
    hit = re.search(r"v(\d\d)(\d)r\d", lowered)  # NCCI ccipra-v303r0: version 30.3 -> quarter
    if hit:
        version, quarter = int(hit.group(1)), int(hit.group(2))
        return date(1994 + version, 1 + 3 * (quarter - 1), 1)
    return None


def parse_date(value: str, path: Path, line: int, field: str) -> date | None:
    """YYYYMMDD, YYYY-MM-DD, MM/DD/YYYY; '*', '' and 9999-12-31 mean none."""
    value = value.strip()
    if value in ("", "*") or value.startswith("9999"):
        return None
    try:
        if re.fullmatch(r"\d{8}", value):
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            m, d, y = value.split("/")
            return date(int(y), int(m), int(d))
    except ValueError:
        pass
    raise ImportFileError(path, line, f"{field}: {value!r} is not a date")


def decimal_field(value: str, path: Path, line: int, field: str) -> float:
    value = value.strip()
    if value in ("", "NA"):
        return 0.0
    try:
        return float(value)
    except ValueError as exc:
        raise ImportFileError(path, line, f"{field}: {value!r} is not a number") from exc


def bulk_insert(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Progress | None = None,
    chunk: int = 50_000,
) -> int:
    """Insert many rows fast, inside the session's transaction."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_postgres(connection, model.__tablename__, columns, rows, progress)
    raw = connection.connection.driver_connection
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) VALUES ({placeholders})"
    count = 0
    cursor = raw.cursor()  # type: ignore[union-attr]
    for batch in _chunks(rows, chunk):
        cursor.executemany(sql, batch)
        count += len(batch)
        if progress:
            progress(len(batch))
    return count


def _copy_postgres(
    connection: Any,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Progress | None,
) -> int:
    raw = connection.connection.driver_connection
    count = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for batch in _chunks(rows, 50_000):
            for row in batch:
                copy.write_row(row)
            count += len(batch)
            if progress:
                progress(len(batch))
    return count


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_reader(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, fields) for CSV lines."""
    import csv

    reader = csv.reader(io.StringIO("\n".join(lines)))
    for row in reader:
        yield reader.line_num, row
