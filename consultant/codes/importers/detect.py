"""Which kind of CMS file this is, from its content (names vary between releases)."""

from __future__ import annotations

from pathlib import Path


class NotReferenceData(Exception):
    """A documentation file (PDF, record layout, processing notes), not data to load."""


def detect(path: Path, head: list[str], head_bytes: bytes) -> str:
    """One of pfs_rvu_csv, pfs_rvu_txt, hcpcs, ptp, mue, aoc, pos, modifiers, gpci,
    localities, icd10_order; raises NotReferenceData or ValueError."""
    name = path.name.lower()
    if head_bytes.startswith(b"%PDF"):
        raise NotReferenceData("a PDF document (record layout or notes), not data")
    text = "\n".join(head).lower()
    first_fields = head[0].lower() if head else ""
    if "hcpcs,mod,description" in text or "physician fee schedule relative value file" in text:
        return "pfs_rvu_csv"
    if head and head[0].startswith("HDR"):
        return "pfs_rvu_txt"
    if "column_1" in first_fields and "column_2" in first_fields:
        return "ptp"
    if "hcpcs_code" in first_fields and "mue" in first_fields:
        return "mue"
    if "pos_code" in first_fields:
        return "pos"
    if "mod_code" in first_fields:
        return "modifiers"
    if "add_on_code" in first_fields or "add-on code" in text:
        return "aoc"
    if "geographic practice cost indices" in text:
        return "gpci"
    if "counties included" in text:
        return "localities"
    if "record layout" in text or "rif report" in text or "processing notes" in text:
        raise NotReferenceData("a record layout or notes document, not data")
    if any(len(line) >= 293 and line[10:11] in "3478" for line in head[:5]):
        return "hcpcs"
    if "mue" in name or "medically unlikely" in text:
        return "mue"
    if "ccipra" in name or "ccipr" in name or "ptp" in name or "column 1" in text:
        return "ptp"
    if head and head[0][:5].strip().isdigit() and len(head[0]) > 16 and "icd" in name:
        return "icd10_order"
    raise ValueError("unrecognised file: not a CMS layout this importer knows")
