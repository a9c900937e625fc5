"""Everything about one code, for ``consultant codes show`` and ``/codes/CODE``."""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.codes import explain as ex
from consultant.codes import lookup
from consultant.codes.releases import release_in_force, release_label
from consultant.codes.sections import is_em, section_of, section_range
from consultant.models import (
    AddOnEdit,
    CodeNote,
    CodeRecord,
    FeeScheduleRow,
    GpciLocality,
    PtpCodeCount,
    PtpEdit,
    Release,
)

TOP_EDITS = 10


def code_page(session: Session, code: str, locality: str | None = None) -> dict[str, Any] | None:
    """A JSON-ready description of ``code``; None if nothing at all is known about it."""
    # A dot says ICD-10-CM (J11.00 is influenza; J1100 is a HCPCS drug code).
    dotted = "." in code
    code = code.upper().replace(".", "") if not code[:1].isdigit() else code.upper()
    records = session.scalars(select(CodeRecord).where(CodeRecord.code == code)).all()
    note = session.get(CodeNote, code)
    fees = _fees(session, code, locality)
    if not records and note is None and not fees:
        return None
    system, descriptor, plain = lookup.describe(session, code, "ICD-10-CM" if dotted else None)
    mue = lookup.mue(session, code)
    page: dict[str, Any] = {
        "code": code,
        "system": system,
        "section": section_of(code),
        "descriptors": [
            {
                "short": r.short_description,
                "long": r.long_description,
                "status": r.status,
                "effective": r.effective_date.isoformat() if r.effective_date else None,
                "terminated": r.termination_date.isoformat() if r.termination_date else None,
            }
            for r in records
        ],
        "description": descriptor,
        "plain": plain,
        "note": _note(note),
        "fee_schedule": fees,
        "ptp": _ptp(session, code),
        "mue": (
            {
                "units": mue.units,
                "mai": mue.mai,
                "meaning": mue.meaning,
                "rationale": mue.rationale,
                "release": mue.release,
            }
            if mue
            else None
        ),
        "addon": _addon(session, code),
        "related": note.related if note else [],
        "sources": [],
    }
    page["sources"] = sorted(
        {f["release"] for f in fees}
        | {e["release"] for e in page["ptp"]["edits"] if e.get("release")}
        | ({mue.release} if mue else set())
    )
    return page


def _note(note: CodeNote | None) -> dict[str, Any] | None:
    if note is None:
        return None
    return {
        "title": note.title,
        "plain": note.plain,
        "synonyms": note.synonyms,
        "family": note.family,
        "distinctions": note.distinctions,
        "documentation": note.documentation,
        "denials": note.denials,
    }


def _fees(session: Session, code: str, locality: str | None) -> list[dict[str, Any]]:
    gpci = _gpci(session, locality) if locality else None
    out = []
    rows = session.execute(
        select(FeeScheduleRow, Release)
        .join(Release, Release.id == FeeScheduleRow.release_id)
        .where(FeeScheduleRow.code == code)
        .order_by(Release.effective_date.desc(), FeeScheduleRow.modifier)
    ).all()
    for row, release in rows:
        cf = Decimal(str(row.conv_factor))
        nf_total, f_total = Decimal(str(row.nf_total)), Decimal(str(row.f_total))
        item: dict[str, Any] = {
            "release": release_label(release),
            "modifier": row.modifier,
            "status": row.status,
            "status_meaning": ex.explain(ex.STATUS, row.status),
            "work_rvu": str(row.work_rvu),
            "nf_pe_rvu": str(row.nf_pe_rvu),
            "f_pe_rvu": str(row.f_pe_rvu),
            "mp_rvu": str(row.mp_rvu),
            "nf_total": str(nf_total),
            "f_total": str(f_total),
            "conversion_factor": str(cf),
            "nf_payment": str((nf_total * cf).quantize(Decimal("0.01"))),
            "f_payment": str((f_total * cf).quantize(Decimal("0.01"))),
            "global_days": row.global_days,
            "global_meaning": ex.explain(ex.GLOBAL_DAYS, row.global_days),
            "indicators": {
                "pctc": [row.pctc, ex.explain(ex.PCTC, row.pctc)],
                "multiple_procedure": [row.mult_proc, ex.explain(ex.MULT_PROC, row.mult_proc)],
                "bilateral": [row.bilateral, ex.explain(ex.BILATERAL, row.bilateral)],
                "assistant": [row.assistant, ex.explain(ex.ASSISTANT, row.assistant)],
                "co_surgeon": [row.co_surgeon, ex.explain(ex.CO_SURGEON, row.co_surgeon)],
                "team": [row.team, ex.explain(ex.TEAM, row.team)],
            },
            "work_rank": _work_rank(session, release.id, code, Decimal(str(row.work_rvu))),
        }
        if gpci is not None:
            item["locality"] = gpci["name"]
            item["locality_nf_payment"] = str(_gpci_payment(row, gpci, facility=False))
            item["locality_f_payment"] = str(_gpci_payment(row, gpci, facility=True))
        out.append(item)
    return out


def _gpci(session: Session, locality: str) -> dict[str, Any] | None:
    release = release_in_force(session, "gpci")
    if release is None:
        return None
    mac, _, number = locality.partition("-")
    query = select(GpciLocality).where(GpciLocality.release_id == release.id)
    query = (
        query.where(GpciLocality.mac == mac, GpciLocality.locality == number)
        if number
        else query.where(GpciLocality.name.ilike(f"%{locality}%"))
    )
    row = session.scalars(query.limit(1)).first()
    if row is None:
        return None
    return {
        "name": f"{row.name} ({row.state}, MAC {row.mac} locality {row.locality})",
        "pw": Decimal(str(row.pw_gpci)),
        "pe": Decimal(str(row.pe_gpci)),
        "mp": Decimal(str(row.mp_gpci)),
    }


def _gpci_payment(row: FeeScheduleRow, gpci: dict[str, Any], facility: bool) -> Decimal:
    pe = Decimal(str(row.f_pe_rvu if facility else row.nf_pe_rvu))
    total = (
        Decimal(str(row.work_rvu)) * gpci["pw"]
        + pe * gpci["pe"]
        + Decimal(str(row.mp_rvu)) * gpci["mp"]
    )
    return (total * Decimal(str(row.conv_factor))).quantize(Decimal("0.01"))


def _work_rank(
    session: Session, release_id: int, code: str, work: Decimal
) -> dict[str, Any] | None:
    bounds = section_range(code)
    if bounds is None or work <= 0:
        return None
    values = _section_work_values(session, release_id, bounds)
    if not values:
        return None
    below = bisect_left(values, float(work))
    return {
        "section": section_of(code),
        "percentile": round(100 * below / len(values)),
        "codes": len(values),
    }


_WORK_VALUES: dict[tuple[str, int, tuple[str, str]], list[float]] = {}


def _section_work_values(session: Session, release_id: int, bounds: tuple[str, str]) -> list[float]:
    """Sorted work RVUs (> 0) of a section in a release; a release never changes once
    imported, so the list is kept for the life of the process."""
    key = (str(session.get_bind().engine.url), release_id, bounds)
    if key not in _WORK_VALUES:
        rows = session.scalars(
            select(FeeScheduleRow.work_rvu).where(
                FeeScheduleRow.release_id == release_id,
                FeeScheduleRow.modifier == "",
                FeeScheduleRow.code.between(*bounds),
                FeeScheduleRow.work_rvu > 0,
            )
        )
        _WORK_VALUES[key] = sorted(float(v) for v in rows)
    return _WORK_VALUES[key]


def _ptp(session: Session, code: str) -> dict[str, Any]:
    release = release_in_force(session, "ptp")
    if release is None:
        return {"release": None, "as_column1": 0, "as_column2": 0, "edits": []}
    label = release_label(release)
    counts = session.get(PtpCodeCount, (release.id, code))
    rows: list[tuple[str, str, str, str]] = []
    # One query per side so each uses its index; a hundred rows are enough to pick from.
    cols = (PtpEdit.column1, PtpEdit.column2, PtpEdit.modifier_indicator, PtpEdit.rationale)
    for column in (PtpEdit.column1, PtpEdit.column2):
        active = (PtpEdit.release_id == release.id) & (column == code)
        rows += session.execute(
            select(*cols).where(active, PtpEdit.deletion_date.is_(None)).limit(100)
        ).all()

    # The most relevant first: E/M codes (the commonest same-day question), then the
    # code's own family, then by number.
    def other(r: tuple[str, str, str, str]) -> str:
        return r[0] if r[1] == code else r[1]

    rows.sort(key=lambda r: (not is_em(other(r)), other(r)[:3] != code[:3], other(r)))
    edits = [
        {
            "column1": c1,
            "column2": c2,
            "modifier_indicator": mi,
            "meaning": lookup.MODIFIER_INDICATOR_MEANING.get(mi, ""),
            "rationale": rationale,
            "release": label,
        }
        for c1, c2, mi, rationale in rows[:TOP_EDITS]
    ]
    return {
        "release": label,
        "as_column1": counts.as_column1 if counts else 0,
        "as_column2": counts.as_column2 if counts else 0,
        "edits": edits,
    }


def _addon(session: Session, code: str) -> dict[str, Any]:
    release = release_in_force(session, "aoc")
    if release is None:
        return {"primaries": [], "addons": []}
    primaries = session.scalars(
        select(AddOnEdit.primary_code)
        .where(AddOnEdit.release_id == release.id, AddOnEdit.addon_code == code)
        .limit(50)
    ).all()
    addons = session.scalars(
        select(AddOnEdit.addon_code)
        .where(AddOnEdit.release_id == release.id, AddOnEdit.primary_code == code)
        .limit(50)
    ).all()
    return {"primaries": sorted(set(primaries)), "addons": sorted(set(addons))}
