"""``consultant data import``: each file in its own transaction, a progress bar, a summary."""

from __future__ import annotations

import re
import time
from datetime import date
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from consultant.codes.importers.base import Imported, ImportFileError
from consultant.codes.importers.base import Progress as ProgressFn
from consultant.codes.importers.detect import NotReferenceData
from consultant.db import transaction


def expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file())
        else:
            out.append(path)
    return out


# CMS ships the NCCI PTP edits in parts: ccipra-v313r0-f1.txt ... -f4.txt.
_PART = re.compile(r"^(?P<stem>.+?)[-_]f(?P<part>\d{1,2})(?P<ext>(\.[A-Za-z0-9]+)+)$", re.I)


def group_parts(paths: list[Path]) -> list[list[Path]]:
    """Files in the given order, the parts of one release (same folder, same name but
    for ``-fN``) gathered into one group, in part order."""
    groups: dict[tuple[object, ...], list[tuple[int, Path]]] = {}
    for path in paths:
        part = _PART.match(path.name)
        if part:
            key: tuple[object, ...] = (path.parent, part["stem"].lower(), part["ext"].lower())
            groups.setdefault(key, []).append((int(part["part"]), path))
        else:
            groups.setdefault((path,), []).append((0, path))
    return [[path for _, path in sorted(group)] for group in groups.values()]


def import_paths(paths: list[Path], quiet: bool = False, effective: date | None = None) -> int:
    console = Console(stderr=True, quiet=quiet)
    results: list[tuple[str, Imported | None, str, float]] = []
    failed = False
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        for group in group_parts(expand(paths)):
            path = group[0]
            label = path.name if len(group) == 1 else f"{path.name} (+{len(group) - 1} parts)"
            task = bar.add_task(label, total=None)
            started = time.perf_counter()
            try:
                done = import_group(group, partial(bar.advance, task), effective)
                results.append((label, done, "", time.perf_counter() - started))
            except NotReferenceData as exc:
                results.append((label, None, f"skipped: {exc}", 0.0))
            except (ImportFileError, ValueError, OSError, SQLAlchemyError) as exc:
                failed = True
                results.append((label, None, f"REFUSED: {exc}", 0.0))
            bar.remove_task(task)
    table = Table("file", "kind", "rows", "effective", "seconds", "result")
    for name, imported, note, seconds in results:
        if imported is None:
            table.add_row(name, "", "", "", "", note)
        else:
            table.add_row(
                name,
                imported.kind,
                f"{imported.rows:,}",
                imported.effective_date.isoformat(),
                f"{seconds:.1f}",
                "unchanged (already imported)" if imported.skipped else "imported",
            )
    console.print(table)
    return 1 if failed else 0


def import_group(
    paths: list[Path], progress: ProgressFn | None = None, effective: date | None = None
) -> Imported:
    """One file, or the parts of one release, in one transaction."""
    from consultant.codes.importers.run import import_parts

    if len(paths) == 1:
        return import_one(paths[0], progress, effective)
    with transaction() as session:
        return import_parts(session, paths, progress, effective)


def import_one(
    path: Path, progress: ProgressFn | None = None, effective: date | None = None
) -> Imported:
    """One file in its own transaction: all of it, or none of it."""
    from consultant.codes.importers.run import import_file

    with transaction() as session:
        return import_file(session, path, progress, effective)
