"""A stand-in for the CMS download pages on loopback: pages with CMS-style links and zips
built at test time from ../shared/data/cms (never committed), with HTTP Range, ETags,
and a switch that drops a download half-way, as a flaky network does."""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import SHARED_DATA

RVU_PAGE = "/medicare/payment/fee-schedules/physician/pfs-relative-value-files"
HCPCS_PAGE = "/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update"
NCCI = "/medicare/coding-billing/national-correct-coding-initiative-ncci-edits"
PTP_PAGE = f"{NCCI}/medicare-ncci-procedure-procedure-ptp-edits"
MUE_PAGE = f"{NCCI}/medicare-ncci-medically-unlikely-edits"
AOC_PAGE = f"{NCCI}/medicare-ncci-add-code-edits"
POS_PAGE = "/medicare/coding-billing/place-of-service-codes/code-sets"

RVU = SHARED_DATA / "pfs_rvu_2025"


def build_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def files(*paths: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in paths]


def rvu_zip(quarter: str) -> bytes:
    """RVU25A (January: RVUs, GPCIs, localities) or RVU25D (October: RVUs)."""
    if quarter == "a":
        return build_zip(
            files(
                RVU / "PPRRVU25_JAN.csv",
                RVU / "PPRRVU25_JAN.txt",
                RVU / "GPCI2025.csv",
                RVU / "25LOCCO.csv",
                RVU / "RVU25A.pdf",
            )
        )
    return build_zip(files(RVU / "PPRRVU2025_Oct.csv", RVU / "RVU25D.pdf"))


def ptp_parts(rows: int | None, parts: int) -> list[bytes]:
    """The shared PTP file (tidy layout) cut into ``parts`` files, each with its header;
    ``rows`` keeps only the first rows (None: all 2.5 million)."""
    path = SHARED_DATA / "ncci_2024" / "ncci_ptp_practitioner_2024-07-01.csv.gz"
    lines = gzip.decompress(path.read_bytes()).split(b"\n")
    header, body = lines[0], [line for line in lines[1:] if line]
    if rows is not None:
        body = body[:rows]
    size = -(-len(body) // parts)
    return [b"\n".join([header, *body[i * size : (i + 1) * size]]) + b"\n" for i in range(parts)]


@dataclass
class Mirror:
    """Pages and files by path; every request is logged as (method, path, Range)."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    log: list[tuple[str, str, str]] = field(default_factory=list)
    drops: dict[str, int] = field(default_factory=dict)  # path -> connections to cut
    url: str = ""

    def publish_page(self, path: str, links: list[tuple[str, str]]) -> None:
        items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
        self.pages[path] = (
            "<html><head><title>CMS</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<main><h1>Downloads</h1><ul>{items}</ul></main></body></html>"
        )

    def fetched(self, path: str) -> list[tuple[str, str, str]]:
        return [entry for entry in self.log if entry[1] == path]


def rvu_site(mirror: Mirror, quarters: str = "ad") -> None:
    """The PFS page lists each quarter's own page, which links its zip (absolute URL on
    www.cms.gov for the first, as CMS writes them: the update moves it to the mirror)."""
    mirror.publish_page(RVU_PAGE, [(f"{RVU_PAGE}/rvu25{q}", f"RVU25{q.upper()}") for q in quarters])
    for q in quarters:
        zip_path = f"/files/zip/rvu25{q}-updated.zip"
        href = f"https://www.cms.gov{zip_path}" if q == "a" else zip_path
        mirror.publish_page(f"{RVU_PAGE}/rvu25{q}", [(href, f"RVU25{q.upper()} (ZIP)")])
        mirror.files[zip_path] = rvu_zip(q)


class _Handler(BaseHTTPRequestHandler):
    mirror: Mirror

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        mirror = self.mirror
        path = self.path.split("?")[0]
        mirror.log.append(("GET", path, self.headers.get("Range", "")))
        if path in mirror.pages:
            body = mirror.pages[path].encode()
            self._send(200, body, {"Content-Type": "text/html; charset=utf-8"})
            return
        if path not in mirror.files:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        data = mirror.files[path]
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        headers = {"Content-Type": "application/zip", "ETag": etag, "Accept-Ranges": "bytes"}
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", headers)
            return
        start = 0
        ranged = self.headers.get("Range", "")
        if ranged.startswith("bytes="):
            start = int(ranged[6:].split("-")[0])
            if start >= len(data):
                self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                return
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        if mirror.drops.get(path, 0) > 0:
            mirror.drops[path] -= 1
            # Promise the whole body, send a part of it, hang up.
            self.send_response(206 if start else 200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            self.wfile.write(data[start : start + max(1, (len(data) - start) // 2)])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(206 if start else 200, data[start:], headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


class MirrorServer:
    """A threaded HTTP server on 127.0.0.1 serving a Mirror."""

    def __init__(self, mirror: Mirror) -> None:
        handler = type("Handler", (_Handler,), {"mirror": mirror})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        mirror.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
