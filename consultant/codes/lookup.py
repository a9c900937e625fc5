"""Facts about codes from the release in force: RVUs, PTP edits, MUEs, add-on pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.codes.releases import release_in_force, release_label
from consultant.models import (
    AddOnEdit,
    CodeNote,
    CodeRecord,
    FeeScheduleRow,
    Modifier,
    MueLimit,
    PtpEdit,
)

MODIFIER_INDICATOR_MEANING = {
    "0": "never paid together: no modifier bypasses this edit",
    "1": "a modifier is allowed when the services are truly distinct (separate site, "
    "session, encounter or practitioner) and the record shows it",
    "9": "not applicable: the edit was deleted back to its effective date",
}

MAI_MEANING = {
    "1": "line edit: units over the limit on one claim line are denied; separate lines "
    "with an anatomic modifier can be appropriate",
    "2": "absolute date-of-service edit: a policy limit, never exceeded on appeal",
    "3": "date-of-service edit: clinically based; more units can be paid on appeal with "
    "documentation of medical necessity",
}


@dataclass(frozen=True)
class Edit:
    column1: str
    column2: str
    modifier_indicator: str
    rationale: str
    release: str
    effective_date: date | None
    deletion_date: date | None

    @property
    def meaning(self) -> str:
        return MODIFIER_INDICATOR_MEANING.get(self.modifier_indicator, "")


@dataclass(frozen=True)
class Mue:
    code: str
    units: int
    mai: str
    rationale: str
    release: str

    @property
    def meaning(self) -> str:
        return MAI_MEANING.get(self.mai, "")


@dataclass(frozen=True)
class Rvus:
    code: str
    modifier: str
    status: str
    work: Decimal
    nf_pe: Decimal
    f_pe: Decimal
    mp: Decimal
    nf_total: Decimal
    f_total: Decimal
    conv_factor: Decimal
    global_days: str
    pctc: str
    mult_proc: str
    bilateral: str
    assistant: str
    co_surgeon: str
    team: str
    release: str
    release_year: int

    @property
    def priced(self) -> bool:
        """Paid from these RVUs (drugs, bundled and excluded codes are not)."""
        return self.status in ("A", "R", "T") and (self.nf_total > 0 or self.f_total > 0)

    @property
    def status_meaning(self) -> str:
        from consultant.codes.explain import STATUS

        return STATUS.get(self.status, "").rstrip(".")

    @property
    def nf_payment(self) -> Decimal:
        return (self.nf_total * self.conv_factor).quantize(Decimal("0.01"))

    @property
    def f_payment(self) -> Decimal:
        return (self.f_total * self.conv_factor).quantize(Decimal("0.01"))


def describe(session: Session, code: str, system: str | None = None) -> tuple[str, str, str]:
    """(system, descriptor, plain-language text) from imported records and our notes.

    Every code is described from its own system. ICD-10-CM codes are stored without their
    dot, so "J1100" is both a HCPCS drug code and influenza J11.00: without a ``system``,
    the code's shape decides (a letter and four digits is HCPCS when HCPCS has it)."""
    code = code.replace(".", "").upper()
    note = session.get(CodeNote, code)
    records = {
        r.system: r for r in session.scalars(select(CodeRecord).where(CodeRecord.code == code))
    }
    preferred = [system] if system else systems_for(code)
    record = next((records[s] for s in preferred if s in records), None)
    if record is None and system is None and records and note is None:
        record = next(iter(records.values()))
    found = record.system if record else (note.system if note else preferred[0])
    descriptor = (record.long_description or record.short_description) if record else ""
    own = note if note is not None and note.system == found else None
    if own is not None and (found == "CPT" or not descriptor):
        # CPT in our own words: the fee schedule's short descriptor is the fallback only.
        descriptor = own.title
    return found, descriptor, own.plain if own is not None else ""


def systems_for(code: str) -> list[str]:
    """The code systems a code of this shape may belong to, likeliest first."""
    code = code.replace(".", "").upper()
    if code[:1].isdigit():
        return ["CPT"]
    if len(code) == 5 and code[1:].isdigit():
        return ["HCPCS", "ICD-10-CM"]
    return ["ICD-10-CM", "HCPCS"]


def guess_system(code: str) -> str:
    return systems_for(code)[0]


def display_code(code: str, system: str) -> str:
    """ICD-10-CM with its dot after the category (E1122 -> E11.22); others as they are."""
    code = code.replace(".", "").upper()
    if system == "ICD-10-CM" and len(code) > 3:
        return f"{code[:3]}.{code[3:]}"
    return code


def rvus(session: Session, code: str, on: date | None = None, modifier: str = "") -> Rvus | None:
    release = release_in_force(session, "pfs_rvu", on)
    if release is None:
        return None
    row = session.get(FeeScheduleRow, (release.id, code, modifier))
    if row is None:
        return None
    return Rvus(
        code=code,
        modifier=modifier,
        status=row.status,
        work=Decimal(str(row.work_rvu)),
        nf_pe=Decimal(str(row.nf_pe_rvu)),
        f_pe=Decimal(str(row.f_pe_rvu)),
        mp=Decimal(str(row.mp_rvu)),
        nf_total=Decimal(str(row.nf_total)),
        f_total=Decimal(str(row.f_total)),
        conv_factor=Decimal(str(row.conv_factor)),
        global_days=row.global_days,
        pctc=row.pctc,
        mult_proc=row.mult_proc,
        bilateral=row.bilateral,
        assistant=row.assistant,
        co_surgeon=row.co_surgeon,
        team=row.team,
        release=release_label(release),
        release_year=release.effective_date.year,
    )


def active_edits_between(session: Session, codes: list[str], on: date | None = None) -> list[Edit]:
    """Active PTP edits for every ordered pair of ``codes`` from the release in force."""
    release = release_in_force(session, "ptp", on)
    if release is None or len(codes) < 2:
        return []
    # Two IN lists walk the (release, column1, column2) index; an OR of pairs would not.
    rows = session.scalars(
        select(PtpEdit).where(
            PtpEdit.release_id == release.id,
            PtpEdit.column1.in_(codes),
            PtpEdit.column2.in_(codes),
            PtpEdit.column1 != PtpEdit.column2,
        )
    ).all()
    label = release_label(release)
    return [
        Edit(
            r.column1,
            r.column2,
            r.modifier_indicator,
            r.rationale,
            label,
            r.effective_date,
            r.deletion_date,
        )
        for r in rows
        if _active(r, on)
    ]


def _active(edit: PtpEdit, on: date | None) -> bool:
    when = on or date.today()
    if edit.modifier_indicator == "9":
        return False
    if edit.effective_date and edit.effective_date > when:
        return False
    return edit.deletion_date is None or edit.deletion_date > when


def mue(session: Session, code: str, on: date | None = None) -> Mue | None:
    release = release_in_force(session, "mue", on)
    if release is None:
        return None
    row = session.get(MueLimit, (release.id, code))
    if row is None:
        return None
    return Mue(code, row.units, row.mai, row.rationale, release_label(release))


def addon_primaries(session: Session, addon: str, on: date | None = None) -> list[str]:
    """Primary codes an add-on code may be reported with (empty if not an add-on)."""
    release = release_in_force(session, "aoc", on)
    if release is None:
        return []
    return list(
        session.scalars(
            select(AddOnEdit.primary_code).where(
                AddOnEdit.release_id == release.id, AddOnEdit.addon_code == addon
            )
        )
    )


def modifier(session: Session, code: str) -> Modifier | None:
    return session.get(Modifier, code.upper())
