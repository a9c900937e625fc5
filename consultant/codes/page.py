"""Everything about one code, for ``consultant codes show`` and ``/codes/CODE``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.codes import explain as ex
from consultant.codes import lookup
from consultant.codes.releases import release_in_force, release_label
from consultant.codes.sections import section_of, section_range
from consultant.models import (
    AddOnEdit,
    CodeNote,
    CodeRecord,
    FeeScheduleRow,
    GpciLocality,
    PtpEdit,
    Release,
)

TOP_EDITS = 10


def code_page(session: Session, code: str, locality: str | None = None) -> dict[str, Any] | None:
    """A JSON-ready description of ``code``; None if nothing at all is known about it."""
    code = code.upper().replace(".", "") if not code[:1].isdigit() else code.upper()
    records = session.scalars(select(CodeRecord).where(CodeRecord.code == code)).all()
    note = session.get(CodeNote, code)
    fees = _fees(session, code, locality)
    if not records and note is None and not fees:
        return None
    system, descriptor, plain = lookup.describe(session, code)
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
    if bounds is None:
        return None
    base = (
        select(func.count())
        .select_from(FeeScheduleRow)
        .where(
            FeeScheduleRow.release_id == release_id,
            FeeScheduleRow.modifier == "",
            FeeScheduleRow.code.between(*bounds),
            FeeScheduleRow.work_rvu > 0,
        )
    )
    total = session.scalar(base) or 0
    if not total or work <= 0:
        return None
    below = session.scalar(base.where(FeeScheduleRow.work_rvu < work)) or 0
    return {"section": section_of(code), "percentile": round(100 * below / total), "codes": total}


def _ptp(session: Session, code: str) -> dict[str, Any]:
    release = release_in_force(session, "ptp")
    if release is None:
        return {"release": None, "as_column1": 0, "as_column2": 0, "edits": []}
    label = release_label(release)
    active = (PtpEdit.release_id == release.id) & (PtpEdit.deletion_date.is_(None))
    as1 = (
        session.scalar(
            select(func.count()).select_from(PtpEdit).where(active, PtpEdit.column1 == code)
        )
        or 0
    )
    as2 = (
        session.scalar(
            select(func.count()).select_from(PtpEdit).where(active, PtpEdit.column2 == code)
        )
        or 0
    )
    # The most relevant: edits with the codes most often billed beside this one first
    # (E/M and the code's own family), then by code.
    rows = session.scalars(
        select(PtpEdit)
        .where(active, (PtpEdit.column1 == code) | (PtpEdit.column2 == code))
        .order_by(PtpEdit.column1, PtpEdit.column2)
        .limit(400)
    ).all()
    family = code[:3]
    rows = sorted(
        rows,
        key=lambda r: (
            not _is_em(r.column1 if r.column2 == code else r.column2),
            (r.column1 if r.column2 == code else r.column2)[:3] != family,
        ),
    )
    edits = [
        {
            "column1": r.column1,
            "column2": r.column2,
            "modifier_indicator": r.modifier_indicator,
            "meaning": lookup.MODIFIER_INDICATOR_MEANING.get(r.modifier_indicator, ""),
            "rationale": r.rationale,
            "release": label,
        }
        for r in rows[:TOP_EDITS]
    ]
    return {"release": label, "as_column1": as1, "as_column2": as2, "edits": edits}


def _is_em(code: str) -> bool:
    return code.isdigit() and "99202" <= code <= "99499"


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
