"""What drafting reads from the reference data, held in memory once per process.

A release never changes once imported, so its RVUs, MUEs, add-on pairs and PTP edits
can be read once and kept: drafting a question then costs dictionary look-ups instead of
a query per code. The snapshot is built in the worker's parent process before the pool
forks (``warm_snapshot``), so the children share its pages; it is replaced when a new
release is imported or the bundled notes change, which one cheap query per session
detects (``current``).

The PTP edits (millions of rows) are kept compactly: one sorted array of pair keys and
parallel arrays of dates, indicator and rationale, searched by bisection.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from consultant.models import (
    AddOnEdit,
    CodeNote,
    CodeRecord,
    FeeScheduleRow,
    Modifier,
    MueLimit,
    PlaceOfService,
    PtpEdit,
    Release,
)

log = logging.getLogger(__name__)

# session.info key: the snapshot a session has checked (one version query per session).
_SESSION_KEY = "consultant.snapshot"
# Snapshots kept per process, one per database (tests use many databases).
_KEEP = 2


@dataclass(frozen=True)
class PtpRow:
    """One PTP edit as the snapshot keeps it."""

    column1: str
    column2: str
    modifier_indicator: str
    rationale: str
    effective_date: date | None
    deletion_date: date | None


class PtpIndex:
    """The edits of one PTP release: sorted pair keys and parallel columns."""

    def __init__(
        self,
        codes: Iterable[str],
        rows: Iterable[tuple[str, str, date | None, date | None, str, str]],
    ) -> None:
        """``codes``: every code of the release; ``rows``: its edits, best ordered by
        (column1, column2) so that they arrive sorted (they are sorted here otherwise)."""
        self.codes = sorted(set(codes))
        self.code_ids = {code: i for i, code in enumerate(self.codes)}
        rationales: dict[str, int] = {}
        # About 2.5 million edits, held in every worker: each column as narrow as its values
        # allow (a pair of code ids in 32 bits while there are fewer than 65,536 codes, dates
        # as days since 1970 in 16 bits), widened only if a value does not fit.
        self._shift = 16 if len(self.codes) < 1 << 16 else 32
        self.keys = array("I" if self._shift == 16 else "q")
        self.effective = array("H")
        self.deleted = array("H")
        self.indicator = array("B")
        self.rationale = array("B")
        # Streamed into flat arrays: a Python object per edit would cost gigabytes.
        ordered = True
        for c1, c2, eff, dele, mi, why in rows:
            key = self._key(self.code_ids[c1], self.code_ids[c2])
            if self.keys and key < self.keys[-1]:
                ordered = False
            self.keys.append(key)
            self._append("effective", _days(eff))
            self._append("deleted", _days(dele))
            self.indicator.append(ord((mi or " ")[:1]))
            self._append("rationale", rationales.setdefault(why or "", len(rationales)))
        self.rationales = list(rationales)
        if not ordered:  # a database collation that orders codes differently
            self._sort()

    def _append(self, name: str, value: int) -> None:
        column = getattr(self, name)
        try:
            column.append(value)
        except OverflowError:  # a value the narrow column cannot hold: widen it once
            column = array("q", column)
            column.append(value)
            setattr(self, name, column)

    def _sort(self) -> None:
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        for name in ("keys", "effective", "deleted", "indicator", "rationale"):
            column = getattr(self, name)
            setattr(self, name, array(column.typecode, (column[i] for i in order)))

    def _key(self, id1: int, id2: int) -> int:
        return (id1 << self._shift) | id2

    def between(self, codes: list[str]) -> list[PtpRow]:
        """Every edit whose column 1 and column 2 are both in ``codes`` (distinct codes)."""
        ids = sorted({self.code_ids[c] for c in codes if c in self.code_ids})
        found = []
        for id1 in ids:
            for id2 in ids:
                if id1 == id2:
                    continue
                key = self._key(id1, id2)
                i = bisect_left(self.keys, key)
                while i < len(self.keys) and self.keys[i] == key:
                    found.append(self._row(i, id1, id2))
                    i += 1
        return found

    def _row(self, i: int, id1: int, id2: int) -> PtpRow:
        return PtpRow(
            self.codes[id1],
            self.codes[id2],
            chr(self.indicator[i]).strip(),
            self.rationales[self.rationale[i]],
            _date(self.effective[i]),
            _date(self.deleted[i]),
        )


# Dates as days after 1969-12-31 (0 for none): an edit's dates fit in 16 bits until 2149;
# 9999-12-31, which some files write for "not deleted", widens the column.
_EPOCH = date(1969, 12, 31).toordinal()


def _days(day: date | None) -> int:
    return day.toordinal() - _EPOCH if day else 0


def _date(days: int) -> date | None:
    return date.fromordinal(days + _EPOCH) if days else None


class Descriptors(Mapping[str, dict[str, str]]):
    """code -> {system: descriptor}, read as a dict of dicts, held as one flat tuple per
    code (system, descriptor, system, descriptor...): about 120,000 codes with the CMS
    data, most in one system, where a dict each cost about 20 MB more in every worker."""

    def __init__(self, records: dict[str, dict[str, str]]) -> None:
        self._flat = {
            code: tuple(item for pair in by_system.items() for item in pair)
            for code, by_system in records.items()
        }

    def __getitem__(self, code: str) -> dict[str, str]:
        flat = self._flat[code]
        return dict(zip(flat[::2], flat[1::2], strict=True))

    def __contains__(self, code: object) -> bool:
        return code in self._flat

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat)

    def __len__(self) -> int:
        return len(self._flat)


# The dose a HCPCS drug descriptor ends with: "Injection, methylprednisolone acetate, 80 mg".
_DOSE = re.compile(
    r",\s*(?:per\s+)?\d[\d.,]*\s*(?:mg|mcg|micrograms?|milligrams?|ml|cc|units?|gm?|grams?|iu|"
    r"meq|million units)\b.*$",
    re.I,
)


# "Injection, leuprolide acetate (for depot suspension), per 3.75 mg" (J1950) and "Leuprolide
# acetate (for depot suspension), 7.5 mg" (J9217) name one drug: HCPCS words the form of
# administration for some strengths and not for others.
_FORM = re.compile(r"^injection,\s*", re.I)


def drug_name(descriptor: str) -> str:
    """The drug a HCPCS descriptor names, without the dose its code counts ("" when the
    descriptor ends with no dose): the codes of one drug at other doses share it."""
    found = _DOSE.search(descriptor)
    return _FORM.sub("", descriptor[: found.start()].strip().lower()) if found else ""


def dose_only(descriptor: str) -> bool:
    """True when a drug descriptor says nothing after the drug's name but the dose its code
    counts: "..., 10 mg" does, "..., 1 mg (for esrd on dialysis)" and "..., 2 mg and
    hyaluronidase-nvhy" name another use or formulation."""
    found = _DOSE.search(descriptor)
    return found is not None and _DOSE_ONLY.fullmatch(found.group(0)) is not None


_DOSE_ONLY = re.compile(
    r",\s*(?:per\s+)?\d[\d.,]*\s*(?:mg|mcg|micrograms?|milligrams?|ml|cc|units?|gm?|grams?|iu|"
    r"meq|million units)\s*",
    re.I,
)


@dataclass(frozen=True)
class Note:
    system: str
    title: str
    plain: str


class Snapshot:
    """Reference data of one database at one version. Read-only once built; the tables of
    a release are loaded the first time they are needed and then kept."""

    def __init__(self, version: tuple[object, ...], session: Session) -> None:
        self.version = version
        releases = list(session.scalars(select(Release)))
        for release in releases:
            session.expunge(release)
        self.releases = releases
        notes = list(session.scalars(select(CodeNote)))
        for note in notes:
            session.expunge(note)
        # Detached rows, shared read-only by every session of the process.
        self.note_rows = {note.code: note for note in notes}
        # What the data is, wherever it lives: the files each release was loaded from and
        # the notes (our bundle is a release too; a note added by hand changes the count).
        self.content: tuple[object, ...] = (
            *sorted((r.kind, r.checksum or "", r.name) for r in releases),
            len(notes),
        )
        self.notes = {n.code: Note(n.system, n.title, n.plain) for n in notes}
        # code -> {system: descriptor}: "J1100" is a HCPCS drug and ICD-10-CM J11.00.
        records: dict[str, dict[str, str]] = {}
        self.statuses: dict[tuple[str, str], str] = {}
        self.terminations: dict[str, date] = {}
        rows = session.execute(
            select(
                CodeRecord.code,
                CodeRecord.system,
                CodeRecord.long_description,
                CodeRecord.short_description,
                CodeRecord.status,
                CodeRecord.termination_date,
            ).order_by(CodeRecord.system)
        )
        for code, system, long, short, status, ended in rows:
            # Interned: one string per system name and per code, shared with the search
            # index, instead of one per row in each.
            code, system = sys.intern(code), sys.intern(system)
            records.setdefault(code, {})[system] = long or short
            if status:
                self.statuses[(system, code)] = status
            if ended is not None and system != "ICD-10-CM":
                self.terminations.setdefault(code, ended)
        self.records = Descriptors(records)
        places = list(session.scalars(select(PlaceOfService)))
        for place in places:
            session.expunge(place)
        self.places = {p.code: p for p in places}
        modifiers = list(session.scalars(select(Modifier)))
        for row in modifiers:
            session.expunge(row)
        self.modifiers = {m.code: m for m in modifiers}
        self._lock = threading.Lock()
        self._rvus: dict[int, dict[tuple[str, str], tuple[object, ...]]] = {}
        self._mues: dict[int, dict[str, tuple[int, str, str]]] = {}
        self._addons: dict[int, dict[str, tuple[str, ...]]] = {}
        self._ptp: dict[int, PtpIndex] = {}

    @cached_property
    def drugs_by_name(self) -> dict[str, tuple[str, ...]]:
        """A HCPCS drug's name without its dose -> its codes, deleted ones included
        ("injection, methylprednisolone acetate": J1010, J1020, J1030, J1040). Built the
        first time a deleted drug code is corrected: a few hundred entries."""
        out: dict[str, list[str]] = {}
        for code in self.records:
            name = drug_name(self.records[code].get("HCPCS", ""))
            if name:
                out.setdefault(name, []).append(code)
        return {name: tuple(codes) for name, codes in out.items()}

    def release_in_force(self, kind: str, on: date | None) -> Release | None:
        """The newest ``kind`` release effective on ``on`` (or the newest at all)."""
        mine = sorted(
            (r for r in self.releases if r.kind == kind),
            key=lambda r: (r.effective_date, r.id),
            reverse=True,
        )
        if on is not None:
            for release in mine:
                if release.effective_date <= on:
                    return release
            # A date before every loaded release: the earliest is the nearest to it.
            return mine[-1] if mine else None
        return mine[0] if mine else None

    def rvus(self, session: Session, release_id: int) -> dict[tuple[str, str], tuple[object, ...]]:
        """(code, modifier) -> the fee schedule row's values, for one release."""
        table = self._rvus.get(release_id)
        if table is None:
            columns = [c for c in FeeScheduleRow.__table__.columns if c.name != "release_id"]
            rows = session.execute(select(*columns).where(FeeScheduleRow.release_id == release_id))
            table = {(row[0], row[1]): tuple(row) for row in rows}
            with self._lock:
                self._rvus[release_id] = table
        return table

    def mues(self, session: Session, release_id: int) -> dict[str, tuple[int, str, str]]:
        """code -> (units, MAI, rationale), for one release."""
        table = self._mues.get(release_id)
        if table is None:
            rows = session.execute(
                select(MueLimit.code, MueLimit.units, MueLimit.mai, MueLimit.rationale).where(
                    MueLimit.release_id == release_id
                )
            )
            table = {code: (units, mai, why) for code, units, mai, why in rows}
            with self._lock:
                self._mues[release_id] = table
        return table

    def addons(self, session: Session, release_id: int) -> dict[str, tuple[str, ...]]:
        """add-on code -> the primary codes it may be reported with, for one release."""
        table = self._addons.get(release_id)
        if table is None:
            grouped: dict[str, list[str]] = {}
            rows = session.execute(
                select(AddOnEdit.addon_code, AddOnEdit.primary_code)
                .where(AddOnEdit.release_id == release_id)
                .order_by(AddOnEdit.id)
            )
            for addon, primary in rows:
                grouped.setdefault(addon, []).append(primary)
            table = {addon: tuple(primaries) for addon, primaries in grouped.items()}
            with self._lock:
                self._addons[release_id] = table
        return table

    def ptp(self, session: Session, release_id: int) -> PtpIndex:
        """The compact PTP index of one release."""
        index = self._ptp.get(release_id)
        if index is None:
            mine = PtpEdit.release_id == release_id
            codes = set(session.scalars(select(PtpEdit.column1).where(mine).distinct()))
            codes.update(session.scalars(select(PtpEdit.column2).where(mine).distinct()))
            rows = session.execute(
                select(
                    PtpEdit.column1,
                    PtpEdit.column2,
                    PtpEdit.effective_date,
                    PtpEdit.deletion_date,
                    PtpEdit.modifier_indicator,
                    PtpEdit.rationale,
                )
                .where(mine)
                .order_by(PtpEdit.column1, PtpEdit.column2)
                .execution_options(yield_per=20_000)
            )
            index = PtpIndex(codes, rows)
            with self._lock:
                self._ptp[release_id] = index
        return index

    def warm(self, session: Session) -> None:
        """Load the tables of every release in force today (before the pool forks)."""
        for kind, load in (
            ("pfs_rvu", self.rvus),
            ("mue", self.mues),
            ("aoc", self.addons),
            ("ptp", self.ptp),
        ):
            release = self.release_in_force(kind, None)
            if release is not None:
                load(session, release.id)


_lock = threading.Lock()
_cache: dict[str, Snapshot] = {}


# Built once: it runs at the start of every transaction that drafts, and building the
# statement and going through the ORM's execution cost more CPU than the query itself.
_VERSION = select(
    func.max(Release.id), select(func.count()).select_from(CodeNote).scalar_subquery()
)


def version_of(session: Session) -> tuple[object, ...]:
    """What identifies the reference data: the newest release and the number of notes
    (one statement)."""
    return tuple(session.connection().execute(_VERSION).one())


def current(session: Session) -> Snapshot:
    """The snapshot for ``session``'s database, checked against the database once per
    session and rebuilt when a release was imported since."""
    memo = session.info.get(_SESSION_KEY)
    if memo is not None:
        return memo
    url = str(session.get_bind().engine.url)
    version = version_of(session)
    with _lock:
        snapshot = _cache.get(url)
        if snapshot is None or snapshot.version != version:
            snapshot = Snapshot(version, session)
            _cache.pop(url, None)
            while len(_cache) >= _KEEP:
                _cache.pop(next(iter(_cache)))
            _cache[url] = snapshot
    session.info[_SESSION_KEY] = snapshot
    return snapshot


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    # The next transaction may see a newer release: check again then.
    session.info.pop(_SESSION_KEY, None)


def warm_snapshot() -> None:
    """Build the configured database's snapshot now, with today's releases loaded.
    A database not migrated yet must not stop the process: drafting builds it later."""
    from consultant.db import transaction

    try:
        with transaction() as session:
            current(session).warm(session)
    except Exception:
        log.exception("could not build the reference data snapshot")
