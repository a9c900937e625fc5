"""Which release of each kind is in force: the newest effective on the date of service."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.models import Release


def release_in_force(session: Session, kind: str, on: date | None = None) -> Release | None:
    """The newest ``kind`` release effective on ``on`` (or the newest at all).

    Remembered for the session: one code page or draft asks several times."""
    memo: dict[tuple[str, date | None], Release | None] = session.info.setdefault("releases", {})
    if (kind, on) not in memo:
        memo[(kind, on)] = _release_in_force(session, kind, on)
    return memo[(kind, on)]


def _release_in_force(session: Session, kind: str, on: date | None) -> Release | None:
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
