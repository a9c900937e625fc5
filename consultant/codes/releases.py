"""Which release of each kind is in force: the newest effective on the date of service."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.models import Release


def release_in_force(session: Session, kind: str, on: date | None = None) -> Release | None:
    """The newest ``kind`` release effective on ``on`` (or the newest at all).

    Answered from the process's snapshot of the releases, which is checked against the
    database once per session."""
    from consultant.codes.snapshot import current

    return current(session).release_in_force(kind, on)


def query_release_in_force(session: Session, kind: str, on: date | None) -> Release | None:
    """The same question asked of the database (for callers inside an import)."""
    query = select(Release).where(Release.kind == kind)
    if on is not None:
        hit = session.scalars(
            query.where(Release.effective_date <= on)
            .order_by(Release.effective_date.desc(), Release.id.desc())
            .limit(1)
        ).first()
        if hit is not None:
            return hit
    return session.scalars(
        query.order_by(Release.effective_date.desc(), Release.id.desc()).limit(1)
    ).first()


def release_label(release: Release) -> str:
    return f"{release.name} ({release.file_name})"
