"""Fetching one archive: resumable (HTTP Range), with progress, size and sha256.

Bytes land in ``NAME.part`` and are renamed when complete, so a half-fetched file is
never taken for a whole one; a broken connection is resumed from where it stopped, a
few times in the same run and again in the next run."""

from __future__ import annotations

import hashlib
import http.client
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from consultant.codes.update.discover import USER_AGENT, UpdateError

CHUNK = 256 * 1024
ATTEMPTS = 4
TIMEOUT = 60.0

# Called with (bytes so far, total bytes or None) as a download advances.
Advance = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Downloaded:
    """A complete archive on disk, with what the release record keeps about it."""

    url: str
    path: Path
    size: int
    sha256: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Validators:
    """What the last fetch of a URL returned, for a conditional request."""

    etag: str = ""
    last_modified: str = ""


def file_name(url: str) -> str:
    """A safe local name for the archive a URL names."""
    name = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "download"


def download(
    url: str,
    folder: Path,
    advance: Advance | None = None,
    unless: Validators | None = None,
) -> Downloaded | None:
    """Fetch ``url`` into ``folder``; None when ``unless`` matches (the server said 304).

    Raises UpdateError when the server refuses or the connection keeps failing; the
    partial file stays for the next run to resume."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(url)
    part = target.with_name(target.name + ".part")
    last_error = ""
    for _attempt in range(ATTEMPTS):
        try:
            result = _fetch(url, part, advance, unless)
        except (OSError, http.client.HTTPException) as exc:
            # Dropped connections, timeouts, truncated bodies: resume from what we have.
            last_error = str(getattr(exc, "reason", exc)) or type(exc).__name__
            continue
        if result is None:
            return None
        etag, last_modified = result
        part.replace(target)
        size, digest = _size_and_sha256(target)
        return Downloaded(url, target, size, digest, etag, last_modified)
    kept = part.stat().st_size if part.exists() else 0
    raise UpdateError(
        f"{url}: {last_error} after {ATTEMPTS} attempts; {kept:,} bytes kept, "
        "the next update resumes from there"
    )


def _fetch(
    url: str, part: Path, advance: Advance | None, unless: Validators | None
) -> tuple[str, str] | None:
    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    elif unless is not None:
        if unless.etag:
            headers["If-None-Match"] = unless.etag
        if unless.last_modified:
            headers["If-Modified-Since"] = unless.last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None
        if exc.code == 416 and have:
            # Our part is as long as the file (or longer): start again to be sure.
            part.unlink()
            raise OSError("range not satisfiable; starting over") from exc
        raise UpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    with response:
        status = response.status
        if status == 206 and not _resumes_at(response.headers.get("Content-Range", ""), have):
            raise UpdateError(f"{url}: the server resumed at the wrong place")
        append = status == 206
        length = response.headers.get("Content-Length")
        start = have if append else 0
        total = start + int(length) if length and length.isdigit() else None
        done = start
        with part.open("ab" if append else "wb") as out:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if advance:
                    advance(done, total)
        if total is not None and done < total:
            raise http.client.IncompleteRead(b"", total - done)
        return response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")


def _resumes_at(content_range: str, offset: int) -> bool:
    hit = re.match(r"bytes (\d+)-", content_range)
    return hit is not None and int(hit.group(1)) == offset


def _size_and_sha256(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()
