"""Facts about codes from the release in force: RVUs, PTP edits, MUEs, add-on pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from consultant.codes import snapshot
from consultant.codes.releases import release_label
from consultant.models import CodeNote, FeeScheduleRow, Modifier, PlaceOfService

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
    snap = snapshot.current(session)
    note = snap.notes.get(code)
    records = snap.records.get(code, {})
    preferred = [system] if system else systems_for(code)
    in_records = next((s for s in preferred if s in records), None)
    if in_records is None and system is None and records and note is None:
        in_records = next(iter(records))
    found = in_records or (note.system if note else preferred[0])
    descriptor = records.get(in_records, "") if in_records else ""
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


def note(session: Session, code: str) -> CodeNote | None:
    """Our note on ``code`` (a detached, read-only row shared by the process)."""
    return snapshot.current(session).note_rows.get(code)


def is_known(session: Session, code: str) -> bool:
    """True when ``code`` has a note, an imported record or RVUs in the release in force.
    ICD-10-CM is stored without its dot, so "J02.9" is looked up as "J029"."""
    code = code.replace(".", "").upper()
    snap = snapshot.current(session)
    return code in snap.note_rows or code in snap.records or rvus(session, code) is not None


def record_status(session: Session, system: str, code: str) -> str:
    """The imported record's status (ICD-10-CM: billable or header), empty if none."""
    return snapshot.current(session).statuses.get((system, code), "")


def termination_date(session: Session, code: str) -> date | None:
    """When ``code`` was deleted, if an imported record says it was."""
    return snapshot.current(session).terminations.get(code)


def same_drug_in_force(session: Session, code: str, on: date | None = None) -> list[str]:
    """The HCPCS codes in force on ``on`` for the drug of ``code`` at another dose or unit:
    where a deleted drug code's drug is reported now (J1040, 80 mg, -> J1010, per 1 mg)."""
    snap = snapshot.current(session)
    name = (
        snapshot.drug_name(snap.records.get(code, {}).get("HCPCS", ""))
        if code in snap.records
        else ""
    )
    if not name:
        return []
    when = on or date.today()
    return [
        other
        for other in snap.drugs_by_name.get(name, ())
        if other != code and (snap.terminations.get(other) or date.max) >= when
    ]


def strengths_in_force(session: Session, code: str, on: date | None = None) -> list[str]:
    """The HCPCS codes in force that bill the drug of ``code`` at another amount a unit and
    differ from it in nothing else (leuprolide depot: J1950 per 3.75 mg, J9217 per 7.5 mg),
    ``code`` first. Another formulation, use or a fluid's bag size is no other strength."""
    snap = snapshot.current(session)
    descriptor = snap.records.get(code, {}).get("HCPCS", "")
    if not code.startswith("J") or not snapshot.dose_only(descriptor):
        return []
    siblings = [
        other
        for other in same_drug_in_force(session, code, on)
        if other.startswith("J")
        and snapshot.dose_only(snap.records.get(other, {}).get("HCPCS", ""))
    ]
    return [code, *siblings] if siblings else []


def place_of_service(session: Session, code: str) -> PlaceOfService | None:
    """A place-of-service code (a detached, read-only row shared by the process)."""
    return snapshot.current(session).places.get(code)


def guess_system(code: str) -> str:
    return systems_for(code)[0]


def display_code(code: str, system: str) -> str:
    """ICD-10-CM with its dot after the category (E1122 -> E11.22); others as they are."""
    code = code.replace(".", "").upper()
    if system == "ICD-10-CM" and len(code) > 3:
        return f"{code[:3]}.{code[3:]}"
    return code


def rvus(session: Session, code: str, on: date | None = None, modifier: str = "") -> Rvus | None:
    """RVUs and payment indicators of ``code`` in the fee schedule release in force."""
    snap = snapshot.current(session)
    release = snap.release_in_force("pfs_rvu", on)
    if release is None:
        return None
    row = snap.rvus(session, release.id).get((code, modifier))
    if row is None:
        return None
    values = dict(zip(_RVU_COLUMNS, row, strict=True))
    return Rvus(
        code=code,
        modifier=modifier,
        status=values["status"],
        work=Decimal(str(values["work_rvu"])),
        nf_pe=Decimal(str(values["nf_pe_rvu"])),
        f_pe=Decimal(str(values["f_pe_rvu"])),
        mp=Decimal(str(values["mp_rvu"])),
        nf_total=Decimal(str(values["nf_total"])),
        f_total=Decimal(str(values["f_total"])),
        conv_factor=Decimal(str(values["conv_factor"])),
        global_days=values["global_days"],
        pctc=values["pctc"],
        mult_proc=values["mult_proc"],
        bilateral=values["bilateral"],
        assistant=values["assistant"],
        co_surgeon=values["co_surgeon"],
        team=values["team"],
        release=release_label(release),
        release_year=release.effective_date.year,
    )


def component_rvus(
    session: Session, whole: Rvus | None, on: date | None = None
) -> tuple[Rvus, Rvus] | None:
    """The professional (26) and technical (TC) rows of a code the fee schedule splits.

    PC/TC indicator 1 means the global code is the sum of the two: a reading physician
    bills 26, the owner of the equipment TC (Claims Processing Manual ch. 12 s. 20.4).
    """
    if whole is None or whole.pctc != "1":
        return None
    professional = rvus(session, whole.code, on, "26")
    technical = rvus(session, whole.code, on, "TC")
    if professional is None or technical is None:
        return None
    return professional, technical


_RVU_COLUMNS = [c.name for c in FeeScheduleRow.__table__.columns if c.name != "release_id"]


def active_edits_between(session: Session, codes: list[str], on: date | None = None) -> list[Edit]:
    """Active PTP edits for every ordered pair of ``codes`` from the release in force."""
    snap = snapshot.current(session)
    release = snap.release_in_force("ptp", on)
    if release is None or len(codes) < 2:
        return []
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
        for r in snap.ptp(session, release.id).between(codes)
        if _active(r.modifier_indicator, r.effective_date, r.deletion_date, on)
    ]


def _active(indicator: str, effective: date | None, deleted: date | None, on: date | None) -> bool:
    when = on or date.today()
    if indicator == "9":
        return False
    if effective and effective > when:
        return False
    return deleted is None or deleted > when


def mue(session: Session, code: str, on: date | None = None) -> Mue | None:
    """The MUE of ``code`` in the release in force."""
    snap = snapshot.current(session)
    release = snap.release_in_force("mue", on)
    if release is None:
        return None
    row = snap.mues(session, release.id).get(code)
    if row is None:
        return None
    units, mai, rationale = row
    return Mue(code, units, mai, rationale, release_label(release))


def addon_primaries(session: Session, addon: str, on: date | None = None) -> list[str]:
    """Primary codes an add-on code may be reported with (empty if not an add-on)."""
    snap = snapshot.current(session)
    release = snap.release_in_force("aoc", on)
    if release is None:
        return []
    return list(snap.addons(session, release.id).get(addon, ()))


def modifier(session: Session, code: str) -> Modifier | None:
    """A modifier and its guidance (a detached, read-only row shared by the process)."""
    return snapshot.current(session).modifiers.get(code.upper())
