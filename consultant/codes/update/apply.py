"""Loading one fetched release: unpack its archives, pick the members the catalogue names,
import each as a release and record the fetch, all in the caller's transaction."""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

from sqlalchemy.orm import Session

from consultant.codes.importers.base import Imported, Progress
from consultant.codes.importers.run import import_parts
from consultant.codes.update.catalogue import Product
from consultant.codes.update.discover import Offer, UpdateError
from consultant.codes.update.download import Downloaded
from consultant.models import ReleaseFetch


def unpack(archive: Path) -> list[Path]:
    """The files in a zip archive (extracted beside it), or the file itself when it is not
    a zip. A damaged archive is refused with the member that fails."""
    if not zipfile.is_zipfile(archive):
        if archive.suffix.lower() == ".zip":
            raise UpdateError(f"{archive.name}: not a zip archive (damaged or not what CMS sent)")
        return [archive]
    folder = extracted_folder(archive)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = []
    try:
        with zipfile.ZipFile(archive) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise UpdateError(f"{archive.name}: {bad} fails its CRC check (damaged archive)")
            for info in zf.infolist():
                if info.is_dir():
                    continue
                # Only the base name: a member path cannot reach outside the folder.
                target = folder / Path(info.filename).name
                with zf.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                out.append(target)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UpdateError(f"{archive.name}: damaged zip archive ({exc})") from exc
    return out


def extracted_folder(archive: Path) -> Path:
    return archive.with_name(archive.name + ".d")


def load_release(
    session: Session,
    product: Product,
    offer: Offer,
    archives: list[Downloaded],
    progress: Progress | None = None,
) -> list[Imported]:
    """Import every member the catalogue names, each pattern one release (its matches the
    parts of it), and record the archives. Raises UpdateError or the importers' errors;
    the caller's transaction then leaves the database as it was."""
    members = [m for archive in archives for m in unpack(archive.path)]
    imported = []
    for i, pattern in enumerate(product.members):
        parts = sorted((m for m in members if pattern.search(m.name)), key=lambda p: p.name)
        if not parts:
            if i == 0:
                names = ", ".join(m.name for m in members) or "nothing"
                raise UpdateError(
                    f"{offer.name}: no file matching {pattern.pattern!r} (found {names}); "
                    "the archive layout may have changed (see CONSULTANT_DATA_CATALOGUE)"
                )
            continue
        source = (
            archives[0].url if len(archives) == 1 else f"{archives[0].url} (+{len(archives) - 1})"
        )
        imported.append(import_parts(session, parts, progress, offer.effective, source[:300]))
    for archive in archives:
        session.add(
            ReleaseFetch(
                product=product.name,
                release_name=offer.name[:100],
                effective_date=offer.effective,
                url=archive.url[:1000],
                file_name=archive.path.name[:300],
                size=archive.size,
                sha256=archive.sha256,
                etag=archive.etag[:200],
                last_modified=archive.last_modified[:100],
            )
        )
    session.flush()
    return imported


def discard(archives: list[Downloaded]) -> None:
    """Remove fetched archives and what was unpacked from them (the database keeps their
    size and sha256); a failed one is fetched afresh next time."""
    for archive in archives:
        shutil.rmtree(extracted_folder(archive.path), ignore_errors=True)
        archive.path.unlink(missing_ok=True)
