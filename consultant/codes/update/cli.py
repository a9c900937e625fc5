"""``consultant data update`` and ``data status`` on a terminal: progress bars and tables."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from consultant.codes.importers.base import Progress as ProgressFn
from consultant.codes.update.catalogue import CatalogueError, load_catalogue
from consultant.codes.update.discover import UpdateError
from consultant.codes.update.download import Advance, file_name
from consultant.codes.update.run import Hooks, Outcome, update
from consultant.codes.update.status import data_status
from consultant.config import get_settings
from consultant.db import transaction


class BarHooks(Hooks):
    """A byte bar per download, a row counter per import."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def downloading(self, url: str) -> Advance:
        task = self.bar.add_task(file_name(url), total=None)
        self.tasks[url] = task

        def advance(done: int, total: int | None) -> None:
            self.bar.update(task, completed=done, total=total)

        return advance

    def importing(self, name: str) -> ProgressFn:
        task = self.bar.add_task(f"loading {name}", total=None)
        self.tasks[name] = task
        return partial(self.bar.advance, task)

    def finished(self, handle: str) -> None:
        if handle in self.tasks:
            self.bar.remove_task(self.tasks.pop(handle))


def run_update(
    only: list[str], dry_run: bool, since: date | None = None, quiet: bool = False
) -> int:
    """The command: 0 when every product is up to date or loaded, 1 otherwise."""
    console = Console(stderr=True, quiet=quiet)
    settings = get_settings()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            outcomes = update(settings, only or None, dry_run, since, BarHooks(bar))
    except (UpdateError, CatalogueError) as exc:
        console.print(f"[red]data update: {exc}[/red]")
        return 1
    console.print(_table(outcomes, dry_run))
    failed = [o for o in outcomes if o.failed]
    for outcome in failed:
        console.print(f"[red]{outcome.product}: {outcome.detail}[/red]", soft_wrap=True)
    if failed:
        console.print("Nothing of a failed release was loaded; the others are in place.")
    return 1 if failed else 0


def _table(outcomes: list[Outcome], dry_run: bool) -> Table:
    table = Table("product", "release", "effective", "result")
    table.add_column("detail", overflow="fold")
    for o in outcomes:
        if o.result == "would fetch":
            detail = "\n".join(o.urls)
        elif o.result == "loaded":
            loaded = ", ".join(
                f"{i.kind} {i.rows:,} rows" + (" (already loaded)" if i.skipped else "")
                for i in o.imported
            )
            detail = f"{loaded}; {o.detail}"
        elif o.failed:
            detail = "REFUSED (see below)"
        else:
            detail = o.detail
        when = o.effective.isoformat() if o.effective else ""
        table.add_row(o.product, o.release, when, o.result, detail)
    if dry_run:
        table.caption = "dry run: nothing fetched"
    return table


def run_status(as_json: bool = False) -> int:
    """Print each product's releases and whether a newer one is due."""
    settings = get_settings()
    today = date.today()
    with transaction() as session:
        rows = data_status(session, load_catalogue(settings), today)
    if as_json:
        print(json.dumps([r.as_json(today) for r in rows]))
        return 0
    table = Table("kind", "effective", "rows", "imported", "from", "newer due")
    table.caption = "--json for release names, URLs, sizes and sha256"
    for row in rows:
        due = ""
        if row.next_due is not None:
            due = f"yes, since {row.next_due}" if row.due(today) else f"from {row.next_due}"
        if not row.releases:
            table.add_row(row.kind, "[red]none loaded[/red]", "", "", "", "yes" if due else "")
        for i, r in enumerate(row.releases):
            table.add_row(
                row.kind if i == 0 else "",
                r.effective_date.isoformat(),
                f"{r.rows:,}",
                r.imported_at.strftime("%Y-%m-%d"),
                file_name(r.fetched_from) if r.fetched_from else "local file",
                due if i == 0 else "",
            )
    Console().print(table)
    return 0
