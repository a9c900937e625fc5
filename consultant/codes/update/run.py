"""One ``data update``: for each product, read its page, choose the releases not yet
loaded, fetch them and load each in its own transaction.

What is chosen: the newest release a page offers, every release newer than the newest
loaded one (so a date of service between two loaded releases finds the one in force),
and with ``since`` every release effective on or after that date."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from consultant.codes.importers.base import Imported, ImportFileError, Progress
from consultant.codes.importers.detect import NotReferenceData
from consultant.codes.update.apply import discard, load_release
from consultant.codes.update.catalogue import Product, load_catalogue
from consultant.codes.update.discover import Offer, UpdateError, discover, resolve
from consultant.codes.update.download import Advance, Downloaded, Validators, download
from consultant.config import Settings
from consultant.db import transaction
from consultant.models import Release, ReleaseFetch


@dataclass
class Outcome:
    """What happened to one product release (or to a product whose page failed)."""

    product: str
    release: str
    effective: date | None
    result: str  # up to date | would fetch | loaded | unchanged | failed
    detail: str = ""
    urls: tuple[str, ...] = ()
    imported: list[Imported] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.result == "failed"


class Hooks:
    """Progress reporting; the command line shows bars, the periodic task shows nothing."""

    def downloading(self, url: str) -> Advance | None:
        return None

    def importing(self, name: str) -> Progress | None:
        return None

    def finished(self, handle: str) -> None:
        return None


def update(
    settings: Settings,
    only: list[str] | None = None,
    dry_run: bool = False,
    since: date | None = None,
    hooks: Hooks | None = None,
) -> list[Outcome]:
    """Bring every product (or those in ``only``) up to date. Never raises for one
    product's failure: it becomes a failed Outcome and the next product goes on."""
    hooks = hooks or Hooks()
    catalogue = load_catalogue(settings)
    unknown = sorted(set(only or []) - set(catalogue))
    if unknown:
        raise UpdateError(f"unknown product {', '.join(unknown)}; known: {', '.join(catalogue)}")
    products = [p for name, p in catalogue.items() if not only or name in only]
    outcomes: list[Outcome] = []
    with _one_update_at_a_time(settings.downloads_dir):
        for product in products:
            outcomes += _update_product(settings, product, dry_run, since, hooks)
    return outcomes


def _update_product(
    settings: Settings, product: Product, dry_run: bool, since: date | None, hooks: Hooks
) -> list[Outcome]:
    try:
        offers = discover(product, settings.data_base_url)
    except UpdateError as exc:
        return [Outcome(product.name, "", None, "failed", str(exc))]
    with transaction() as session:
        chosen = choose(session, product, offers, since)
    if not chosen:
        newest = offers[-1]
        return [Outcome(product.name, newest.name, newest.effective, "up to date")]
    try:
        todo = [resolve(product, offer, settings.data_base_url) for offer in chosen]
    except UpdateError as exc:
        return [Outcome(product.name, "", None, "failed", str(exc))]
    validators = {}
    if not product.dated:
        with transaction() as session:
            validators = {u: last_validators(session, u) for o in todo for u in o.urls}
    if dry_run:
        return [Outcome(product.name, o.name, o.effective, "would fetch", "", o.urls) for o in todo]
    folder = settings.downloads_dir / product.name
    return [_fetch_and_load(product, offer, folder, validators, hooks) for offer in todo]


def _fetch_and_load(
    product: Product,
    offer: Offer,
    folder: Path,
    validators: dict[str, Validators | None],
    hooks: Hooks,
) -> Outcome:
    fetched: list[Downloaded] = []
    try:
        for url in offer.urls:
            advance = hooks.downloading(url)
            got = download(url, folder, advance, validators.get(url))
            hooks.finished(url)
            if got is None:  # 304: an undated list that has not changed
                return Outcome(product.name, offer.name, offer.effective, "up to date")
            fetched.append(got)
        if not product.dated and _same_as_last(product, fetched):
            return Outcome(product.name, offer.name, offer.effective, "unchanged", "same sha256")
        progress = hooks.importing(offer.name)
        with transaction() as session:
            imported = load_release(session, product, offer, fetched, progress)
        hooks.finished(offer.name)
        size = sum(d.size for d in fetched)
        return Outcome(
            product.name,
            offer.name,
            offer.effective,
            "loaded",
            f"{size:,} bytes, sha256 {fetched[0].sha256[:12]}",
            offer.urls,
            imported,
        )
    except (UpdateError, ImportFileError, NotReferenceData, ValueError, SQLAlchemyError) as exc:
        return Outcome(product.name, offer.name, offer.effective, "failed", str(exc), offer.urls)
    finally:
        discard(fetched)


def choose(
    session: Session, product: Product, offers: list[Offer], since: date | None = None
) -> list[Offer]:
    """The offers to fetch, oldest first (see the module's docstring)."""
    if not offers:
        return []
    if not product.dated:
        return offers[-1:]
    loaded = loaded_dates(session, product.name)
    newest_loaded = max(loaded, default=None)
    newest = offers[-1]

    def wanted(offer: Offer) -> bool:
        when = offer.effective
        assert when is not None  # dated products have dated offers
        return when not in loaded and (
            offer is newest
            or (newest_loaded is not None and when > newest_loaded)
            or (since is not None and when >= since)
        )

    return [o for o in offers if wanted(o)]


def loaded_dates(session: Session, product: str) -> set[date]:
    """Effective dates of a product's releases: fetched by an update or imported by hand."""
    fetched = session.scalars(
        select(ReleaseFetch.effective_date).where(ReleaseFetch.product == product)
    )
    imported = session.scalars(select(Release.effective_date).where(Release.kind == product))
    return {d for d in fetched if d is not None} | set(imported)


def last_validators(session: Session, url: str) -> Validators | None:
    last = session.scalar(
        select(ReleaseFetch).where(ReleaseFetch.url == url).order_by(ReleaseFetch.id.desc())
    )
    return Validators(last.etag, last.last_modified) if last is not None else None


def _same_as_last(product: Product, fetched: list[Downloaded]) -> bool:
    with transaction() as session:
        last = session.scalar(
            select(ReleaseFetch.sha256)
            .where(ReleaseFetch.product == product.name)
            .order_by(ReleaseFetch.id.desc())
        )
    return last is not None and len(fetched) == 1 and fetched[0].sha256 == last


@contextlib.contextmanager
def _one_update_at_a_time(folder: Path) -> Iterator[None]:
    """Two updates on one host (beat and an admin) would fetch the same files twice."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".update.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UpdateError("another data update is running on this host") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
