"""Upserting code records: a newer release's descriptor replaces an older one's."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from consultant.models import CodeRecord, Release

# (code, short, long, status, effective, termination)
Row = tuple[str, str, str, str, date | None, date | None]


def upsert_codes(session: Session, system: str, release: Release, rows: list[Row]) -> int:
    existing = dict(
        session.execute(
            select(CodeRecord.code, Release.effective_date)
            .outerjoin(Release, Release.id == CodeRecord.release_id)
            .where(CodeRecord.system == system)
        ).all()
    )
    inserts, updates = [], []
    for code, short, long, status, effective, termination in rows:
        values = {
            "system": system,
            "code": code,
            "short_description": short[:300],
            "long_description": long,
            "status": status,
            "effective_date": effective,
            "termination_date": termination,
            "release_id": release.id,
        }
        if code not in existing:
            inserts.append(values)
            existing[code] = release.effective_date
        elif existing[code] is None or existing[code] <= release.effective_date:
            updates.append(values)
    if inserts:
        session.execute(insert(CodeRecord), inserts)
    if updates:
        _update_many(session, updates)
    return len(inserts) + len(updates)


def _update_many(session: Session, updates: list[dict[str, Any]]) -> None:
    table = cast(Table, CodeRecord.__table__)
    stmt = (
        table.update()
        .where(table.c.system == bindparam("b_system"), table.c.code == bindparam("b_code"))
        .values(
            short_description=bindparam("short_description"),
            long_description=bindparam("long_description"),
            status=bindparam("status"),
            effective_date=bindparam("effective_date"),
            termination_date=bindparam("termination_date"),
            release_id=bindparam("release_id"),
        )
    )
    session.execute(stmt, [{**u, "b_system": u["system"], "b_code": u["code"]} for u in updates])
