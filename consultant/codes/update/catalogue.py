"""The CMS products ``data update`` knows: download page, link and member patterns.

The patterns are data (``catalogue.toml``) so that a changed CMS page is fixed by editing
a file (``CONSULTANT_DATA_CATALOGUE``), not by a new version of the service."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from consultant.config import Settings

CMS_ORIGIN = "https://www.cms.gov"


class CatalogueError(Exception):
    """The catalogue file is missing a field or has a pattern that does not compile."""


@dataclass(frozen=True)
class Product:
    """One CMS product and how to find its releases."""

    name: str
    label: str
    page: str
    file: re.Pattern[str]
    members: tuple[re.Pattern[str], ...]
    follow: re.Pattern[str] | None = None
    every_months: int = 3

    @property
    def dated(self) -> bool:
        """Whether releases carry an effective date (undated lists are compared by content)."""
        return self.every_months > 0


def load_catalogue(settings: Settings) -> dict[str, Product]:
    """The products, from ``CONSULTANT_DATA_CATALOGUE`` or the bundled catalogue."""
    if settings.data_catalogue:
        text = Path(settings.data_catalogue).read_text()
        where = settings.data_catalogue
    else:
        text = resources.files(__package__).joinpath("catalogue.toml").read_text()
        where = "the bundled catalogue"
    try:
        raw = tomllib.loads(text)
        return {name: _product(name, entry) for name, entry in raw.items()}
    except (tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise CatalogueError(f"{where}: {exc}") from exc


def _product(name: str, entry: dict[str, object]) -> Product:
    follow = entry.get("follow")
    members = entry["members"]
    if not isinstance(members, list) or not members:
        raise TypeError(f"{name}: members must be a non-empty list of patterns")
    return Product(
        name=name,
        label=str(entry["label"]),
        page=str(entry["page"]),
        file=re.compile(str(entry["file"])),
        members=tuple(re.compile(str(m)) for m in members),
        follow=re.compile(str(follow)) if follow else None,
        every_months=int(str(entry.get("every_months", 3))),
    )
