"""The in-memory reference snapshot: the compact PTP index answers as the table does,
and a newly imported release is seen by the next transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.snapshot import PtpIndex
from consultant.db import transaction
from consultant.models import MueLimit, Release

EDITS = [
    ("99213", "96372", None, None, "1", "Misuse of column two code with column one code"),
    ("20610", "20604", date(2020, 1, 1), date(2021, 1, 1), "0", "Mutually exclusive"),
    ("20610", "96372", None, None, "1", "Standards of medical practice"),
    ("20610", "96372", date(2019, 1, 1), None, "1", "Standards of medical practice"),
]


def test_ptp_index_finds_every_pair_in_either_order_of_arrival() -> None:
    codes = {c for row in EDITS for c in row[:2]}
    for rows in (sorted(EDITS, key=lambda r: r[:2]), list(reversed(EDITS))):
        index = PtpIndex(codes, rows)
        found = index.between(["96372", "20610", "99213", "11111"])
        assert sorted((r.column1, r.column2, str(r.effective_date)) for r in found) == [
            ("20610", "96372", "2019-01-01"),
            ("20610", "96372", "None"),
            ("99213", "96372", "None"),
        ]
        [edit] = index.between(["20604", "20610"])
        assert (edit.modifier_indicator, edit.rationale, edit.deletion_date) == (
            "0",
            "Mutually exclusive",
            date(2021, 1, 1),
        )
        assert index.between(["20610"]) == []


def test_ptp_columns_are_narrow_and_widen_for_a_value_that_does_not_fit() -> None:
    """Dates in 16 bits and one byte per indicator; 9999-12-31 (a file's "not deleted") and
    a release of more than 65,535 codes still answer exactly."""
    far = ("99213", "96372", date(1996, 1, 1), date(9999, 12, 31), "9", "Far")
    index = PtpIndex({"99213", "96372"}, [far])
    assert index.effective.itemsize == 2 and index.indicator.itemsize == 1
    [edit] = index.between(["99213", "96372"])
    assert (edit.effective_date, edit.deletion_date, edit.modifier_indicator) == (
        date(1996, 1, 1),
        date(9999, 12, 31),
        "9",
    )
    many = [f"{n:05d}" for n in range(70_000)]
    rows = [("99999", "00001", None, None, "1", "x"), ("00001", "99999", None, None, "0", "y")]
    index = PtpIndex([*many, "99999"], rows)
    assert index.keys.itemsize == 8
    assert [(e.column1, e.modifier_indicator) for e in index.between(["99999", "00001"])] == [
        ("00001", "0"),
        ("99999", "1"),
    ]


def _mue_release(session: Session, units: int, checksum: str) -> None:
    release = Release(
        kind="mue",
        name=f"MUE {checksum}",
        file_name=f"mue-{checksum}.csv",
        checksum=checksum,
        effective_date=date(2026, 1, 1),
    )
    session.add(release)
    session.flush()
    session.add(MueLimit(release_id=release.id, code="20610", units=units, mai="2"))


def test_a_new_release_is_seen_by_the_next_transaction(session: Session) -> None:
    with transaction() as s:
        _mue_release(s, 2, "a")
    with transaction() as s:
        mue = lookup.mue(s, "20610")
        assert mue is not None and mue.units == 2
    with transaction() as s:
        _mue_release(s, 1, "b")
    with transaction() as s:
        mue = lookup.mue(s, "20610")
        assert mue is not None and mue.units == 1 and "MUE b" in mue.release
