"""``consultant data status``: each product's loaded releases, where and when they were
fetched, and whether CMS is due to have published a newer one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.codes.update.catalogue import Product
from consultant.models import Release, ReleaseFetch


@dataclass(frozen=True)
class LoadedRelease:
    kind: str
    name: str
    effective_date: date
    rows: int
    imported_at: datetime
    # Set when ``data update`` fetched it; a release imported by hand has none.
    fetched_from: str = ""
    size: int | None = None
    sha256: str = ""


@dataclass
class ProductStatus:
    """One release kind: a catalogue product, or a kind only ``data import`` loads."""

    kind: str
    label: str
    releases: list[LoadedRelease] = field(default_factory=list)  # newest first
    next_due: date | None = None

    def due(self, today: date) -> bool:
        """Whether a newer release should exist by now (always, when none is loaded)."""
        return self.next_due is not None and today >= self.next_due

    def as_json(self, today: date) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "due": self.due(today),
            "releases": [
                {
                    "name": r.name,
                    "effective_date": r.effective_date.isoformat(),
                    "rows": r.rows,
                    "imported_at": r.imported_at.isoformat(),
                    "fetched_from": r.fetched_from,
                    "size": r.size,
                    "sha256": r.sha256,
                }
                for r in self.releases
            ],
        }


def data_status(
    session: Session, catalogue: dict[str, Product], today: date
) -> list[ProductStatus]:
    """Catalogue products first (in catalogue order), then the other loaded kinds."""
    fetches = {f.url: f for f in session.scalars(select(ReleaseFetch))}
    by_kind: dict[str, list[LoadedRelease]] = {}
    for release in session.scalars(
        select(Release).order_by(Release.kind, Release.effective_date.desc(), Release.id.desc())
    ):
        by_kind.setdefault(release.kind, []).append(_loaded(release, fetches))
    out = []
    for name, product in catalogue.items():
        releases = by_kind.pop(name, [])
        due = None
        if product.every_months:
            due = (
                add_months(releases[0].effective_date, product.every_months) if releases else today
            )
        out.append(ProductStatus(name, product.label, releases, due))
    for kind, releases in by_kind.items():
        out.append(ProductStatus(kind, releases[0].name.split(",")[0], releases))
    return out


def _loaded(release: Release, fetches: dict[str, ReleaseFetch]) -> LoadedRelease:
    # load_release writes the first archive's URL as the source, with "(+N)" for parts.
    fetch = fetches.get(release.source.split(" (+")[0])
    return LoadedRelease(
        kind=release.kind,
        name=release.name,
        effective_date=release.effective_date,
        rows=release.row_count,
        imported_at=release.imported_at,
        fetched_from=fetch.url if fetch else "",
        size=fetch.size if fetch else None,
        sha256=fetch.sha256 if fetch else "",
    )


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (CMS releases start on one)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
