"""Which release of each kind is in force: the newest effective on the date of service;
what reference data is missing; what changed for a code between two releases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from consultant.models import FeeScheduleRow, MueLimit, PtpEdit, Release

# The CMS products an answer needs, by release kind, named as a reviewer reads them.
NEEDED_KINDS = {
    "pfs_rvu": "fee schedule RVUs and payments",
    "gpci": "GPCIs (locality payments)",
    "hcpcs": "HCPCS Level II codes",
    "ptp": "NCCI PTP edits",
    "mue": "MUEs",
    "aoc": "add-on code edits",
}

LOAD_COMMAND = "consultant data update"


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
        # A date before every loaded release: the earliest is the nearest to it.
        return session.scalars(
            query.order_by(Release.effective_date.asc(), Release.id.asc()).limit(1)
        ).first()
    return session.scalars(
        query.order_by(Release.effective_date.desc(), Release.id.desc()).limit(1)
    ).first()


def release_label(release: Release) -> str:
    return f"{release.name} ({release.file_name})"


def data_gaps(session: Session) -> list[str]:
    """Names of the CMS products with no release loaded (empty when all are there), for
    the banner, the workspace and a draft's evidence ("RVUs and edits not checked")."""
    from consultant.codes.snapshot import current

    loaded = {release.kind for release in current(session).releases}
    return [name for kind, name in NEEDED_KINDS.items() if kind not in loaded]


def gaps_sentence(gaps: list[str], command: str = LOAD_COMMAND) -> str:
    """What an admin reads about missing reference data, with the one command that loads
    it; empty when nothing is missing."""
    if not gaps:
        return ""
    if len(gaps) == len(NEEDED_KINDS):
        return (
            "No CMS data is loaded: answers carry no RVUs, payments, NCCI edits or MUEs. "
            f"Load it with: {command}"
        )
    return f"CMS data missing ({', '.join(gaps)}); load it with: {command}"


def release_diff(session: Session, code: str, older: Release, newer: Release) -> list[str]:
    """What changed for ``code`` from ``older`` to ``newer`` (two releases of one kind):
    RVUs and payment indicators, PTP edits added or deleted, the MUE. Empty when nothing
    did (or the kind carries no per-code facts)."""
    if older.kind != newer.kind:
        raise ValueError(f"releases of different kinds: {older.kind} and {newer.kind}")
    if older.kind == "pfs_rvu":
        return _rvu_changes(session, code, older, newer)
    if older.kind == "ptp":
        return _edit_changes(session, code, older, newer)
    if older.kind == "mue":
        return _mue_changes(session, code, older, newer)
    return []


_RVU_FIELDS = [
    ("status", "status"),
    ("work_rvu", "work RVU"),
    ("nf_total", "non-facility total RVUs"),
    ("f_total", "facility total RVUs"),
    ("global_days", "global period"),
    ("conv_factor", "conversion factor"),
]


def _rvu_changes(session: Session, code: str, older: Release, newer: Release) -> list[str]:
    before = session.get(FeeScheduleRow, (older.id, code, ""))
    after = session.get(FeeScheduleRow, (newer.id, code, ""))
    if before is None and after is None:
        return []
    if before is None:
        return [f"{code} added to the fee schedule"]
    if after is None:
        return [f"{code} no longer in the fee schedule"]
    out = []
    for attribute, label in _RVU_FIELDS:
        old, new = getattr(before, attribute), getattr(after, attribute)
        if str(old) != str(new):
            out.append(f"{label} {old} -> {new}")
    return out


def _edit_changes(session: Session, code: str, older: Release, newer: Release) -> list[str]:
    def active(release: Release) -> dict[tuple[str, str], str]:
        rows = session.scalars(
            select(PtpEdit).where(
                PtpEdit.release_id == release.id,
                or_(PtpEdit.column1 == code, PtpEdit.column2 == code),
            )
        )
        return {
            (r.column1, r.column2): r.modifier_indicator
            for r in rows
            if r.modifier_indicator != "9"
            and (r.deletion_date is None or r.deletion_date > release.effective_date)
        }

    before, after = active(older), active(newer)
    out = [
        f"edit {a}/{b} added (modifier indicator {after[a, b]})"
        for a, b in sorted(after.keys() - before.keys())
    ]
    out += [f"edit {a}/{b} deleted" for a, b in sorted(before.keys() - after.keys())]
    out += [
        f"edit {a}/{b} modifier indicator {before[a, b]} -> {after[a, b]}"
        for a, b in sorted(before.keys() & after.keys())
        if before[a, b] != after[a, b]
    ]
    return out


def _mue_changes(session: Session, code: str, older: Release, newer: Release) -> list[str]:
    before = session.get(MueLimit, (older.id, code))
    after = session.get(MueLimit, (newer.id, code))
    if before is None and after is None:
        return []
    if before is None or after is None:
        assert before is not None or after is not None
        return [
            f"MUE for {code} added ({after.units} units)" if after else f"MUE for {code} removed"
        ]
    out = []
    if before.units != after.units:
        out.append(f"MUE {before.units} -> {after.units} units")
    if before.mai != after.mai:
        out.append(f"MUE adjudication indicator {before.mai} -> {after.mai}")
    return out
