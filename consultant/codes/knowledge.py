"""The project's own knowledge, bundled in ``consultant/knowledge/*.json`` and loaded by
``consultant db upgrade``: plain-language notes per code, a modifier guide, POS basics.

Written in our own words; no AMA descriptor text. Reloaded only when the files change
(tracked as a ``knowledge`` release by checksum).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from consultant.models import CodeNote, Modifier, PlaceOfService, Release

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


def _files() -> list[Path]:
    return sorted(KNOWLEDGE_DIR.glob("*.json"))


def bundle_checksum() -> str:
    digest = hashlib.sha256()
    for path in _files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_bundled_knowledge(session: Session) -> int:
    """Load the bundle if it changed since the last load. Returns notes loaded (0 if none)."""
    checksum = bundle_checksum()
    if session.scalar(
        select(Release.id).where(Release.kind == "knowledge", Release.checksum == checksum)
    ):
        return 0
    notes: list[dict[str, Any]] = []
    modifiers: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    for path in _files():
        data = json.loads(path.read_text(encoding="utf-8"))
        notes += data.get("codes", [])
        modifiers += data.get("modifiers", [])
        places += data.get("places_of_service", [])
    session.execute(delete(CodeNote))
    # One bulk insert: thousands of notes load in a fraction of what one object each costs.
    if notes:
        session.execute(
            insert(CodeNote),
            [
                {
                    "code": item["code"],
                    "system": item["system"],
                    "title": item["title"],
                    "plain": item.get("plain", ""),
                    "synonyms": item.get("synonyms", []),
                    "family": item.get("family", ""),
                    "distinctions": item.get("distinctions", []),
                    "documentation": item.get("documentation", []),
                    "denials": item.get("denials", []),
                    "related": item.get("related", []),
                    "extra": item.get("extra", {}),
                }
                for item in notes
            ],
        )
    for item in modifiers:
        # Imported CMS modifier rows win; our guide fills in what is missing.
        row = session.get(Modifier, item["code"])
        if row is None:
            session.add(
                Modifier(
                    code=item["code"],
                    kind=item.get("kind", ""),
                    category=item.get("category", ""),
                    description=item["description"],
                    instructions=item.get("guidance", ""),
                )
            )
        elif not row.instructions:
            row.instructions = item.get("guidance", "")
    for item in places:
        if session.get(PlaceOfService, item["code"]) is None:
            session.add(
                PlaceOfService(
                    code=item["code"],
                    setting=item.get("setting", ""),
                    name=item["name"],
                    description=item.get("description", ""),
                )
            )
    session.add(
        Release(
            kind="knowledge",
            name="Consultant coding notes",
            source="bundled",
            file_name="consultant/knowledge",
            checksum=checksum,
            effective_date=date.today(),
            row_count=len(notes),
        )
    )
    return len(notes)


def ensure_icd10(session: Session) -> int:
    """Load ICD-10-CM from the ``simple-icd-10-cm`` dependency (the CDC's public-domain
    tabular data) once, so diagnosis questions work with no import. Returns codes loaded."""
    if session.scalar(select(Release.id).where(Release.kind == "icd10").limit(1)):
        return 0
    from consultant.codes.importers.run import import_icd10_package

    return import_icd10_package(session, None, None).rows


def load_bundled(session: Session) -> tuple[int, int]:
    """Everything the product ships: our notes, and ICD-10-CM. (notes, ICD codes) loaded."""
    return load_bundled_knowledge(session), ensure_icd10(session)


@lru_cache(maxsize=1)
def modifier_cues() -> dict[str, list[list[str]]]:
    """Situations that call for a modifier, from the bundled guide: each cue is a list of
    phrases that must all appear in the question ("unrelated" and "global" -> 24)."""
    cues: dict[str, list[list[str]]] = {}
    for path in _files():
        for item in json.loads(path.read_text(encoding="utf-8")).get("modifiers", []):
            if item.get("cues"):
                cues[item["code"]] = item["cues"]
    return cues
