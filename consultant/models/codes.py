"""Reference data: code records, fee schedule, NCCI edits, modifiers, POS, GPCIs.

Every imported file is a ``Release``; rows that change between releases (RVUs, edits,
MUEs, GPCIs) carry their release so an answer can cite it and a date of service can pick
the release in force on that date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from consultant.models.base import Base, utcnow


class Release(Base):
    """One imported file: what, from where, in force from when, and its checksum."""

    __tablename__ = "releases"
    __table_args__ = (Index("ix_releases_kind_checksum", "kind", "checksum", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300), default="")
    file_name: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[date] = mapped_column(Date)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CodeRecord(Base):
    """A CPT, HCPCS Level II or ICD-10-CM code with its descriptors (latest release wins)."""

    __tablename__ = "code_records"
    __table_args__ = (Index("ix_code_records_code", "code"),)

    system: Mapped[str] = mapped_column(String(10), primary_key=True)  # CPT|HCPCS|ICD-10-CM
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    short_description: Mapped[str] = mapped_column(String(300), default="")
    long_description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="")
    section: Mapped[str] = mapped_column(String(100), default="")
    effective_date: Mapped[date | None] = mapped_column(Date)
    termination_date: Mapped[date | None] = mapped_column(Date)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"))


class CodeNote(Base):
    """The project's own knowledge about a code, in its own words (bundled, not AMA text)."""

    __tablename__ = "code_notes"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    system: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    plain: Mapped[str] = mapped_column(Text, default="")
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    family: Mapped[str] = mapped_column(String(100), default="")
    distinctions: Mapped[list[str]] = mapped_column(JSON, default=list)
    documentation: Mapped[list[str]] = mapped_column(JSON, default=list)
    denials: Mapped[list[str]] = mapped_column(JSON, default=list)
    related: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FeeScheduleRow(Base):
    """One PPRRVU line: RVUs and payment indicators for a code (and modifier) in a release."""

    __tablename__ = "fee_schedule"

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    modifier: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    status: Mapped[str] = mapped_column(String(2), default="")
    work_rvu: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    nf_pe_rvu: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    f_pe_rvu: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    mp_rvu: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    nf_total: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    f_total: Mapped[float] = mapped_column(Numeric(8, 2), default=0)
    pctc: Mapped[str] = mapped_column(String(1), default="")
    global_days: Mapped[str] = mapped_column(String(3), default="")
    mult_proc: Mapped[str] = mapped_column(String(1), default="")
    bilateral: Mapped[str] = mapped_column(String(1), default="")
    assistant: Mapped[str] = mapped_column(String(1), default="")
    co_surgeon: Mapped[str] = mapped_column(String(1), default="")
    team: Mapped[str] = mapped_column(String(1), default="")
    conv_factor: Mapped[float] = mapped_column(Numeric(8, 4), default=0)


class PtpEdit(Base):
    """An NCCI procedure-to-procedure edit: column 2 is not paid with column 1 unless
    the modifier indicator allows a modifier."""

    __tablename__ = "ptp_edits"
    # Lookups are always within one release: by pair, by column 1, or by column 2.
    __table_args__ = (
        Index("ix_ptp_edits_pair", "release_id", "column1", "column2"),
        Index("ix_ptp_edits_column2", "release_id", "column2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    column1: Mapped[str] = mapped_column(String(10))
    column2: Mapped[str] = mapped_column(String(10))
    effective_date: Mapped[date | None] = mapped_column(Date)
    deletion_date: Mapped[date | None] = mapped_column(Date)
    modifier_indicator: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(String(200), default="")


class PtpCodeCount(Base):
    """How many active edits a code has as column 1 and as column 2 in a release,
    counted once at import so a code page need not count millions of rows."""

    __tablename__ = "ptp_code_counts"

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    as_column1: Mapped[int] = mapped_column(Integer, default=0)
    as_column2: Mapped[int] = mapped_column(Integer, default=0)


class MueLimit(Base):
    """A medically unlikely edit: the most units a provider reports for one patient a day."""

    __tablename__ = "mue_limits"

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    units: Mapped[int] = mapped_column(Integer)
    mai: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(String(200), default="")


class AddOnEdit(Base):
    """An add-on code and a primary code it may be reported with."""

    __tablename__ = "addon_edits"
    __table_args__ = (Index("ix_addon_edits_addon", "addon_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    primary_code: Mapped[str] = mapped_column(String(10), index=True)
    addon_code: Mapped[str] = mapped_column(String(10))
    edit_type: Mapped[str] = mapped_column(String(1))


class Modifier(Base):
    """A CPT or HCPCS Level II modifier with usage guidance."""

    __tablename__ = "modifiers"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="")
    category: Mapped[str] = mapped_column(String(50), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    information: Mapped[str] = mapped_column(Text, default="")
    instructions: Mapped[str] = mapped_column(Text, default="")
    correct_use: Mapped[str] = mapped_column(Text, default="")
    incorrect_use: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"))


class PlaceOfService(Base):
    """A CMS place-of-service code (a claim field, not a modifier)."""

    __tablename__ = "places_of_service"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    setting: Mapped[str] = mapped_column(String(20), default="")  # Facility | Non-Facility
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class GpciLocality(Base):
    """Geographic practice cost indices for one Medicare locality in a release."""

    __tablename__ = "gpci_localities"

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    mac: Mapped[str] = mapped_column(String(10), primary_key=True)
    locality: Mapped[str] = mapped_column(String(4), primary_key=True)
    state: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    pw_gpci: Mapped[float] = mapped_column(Numeric(6, 3))
    pe_gpci: Mapped[float] = mapped_column(Numeric(6, 3))
    mp_gpci: Mapped[float] = mapped_column(Numeric(6, 3))


class LocalityCounty(Base):
    """Which counties make up a Medicare fee schedule locality (the LOCCO crosswalk)."""

    __tablename__ = "locality_counties"

    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    mac: Mapped[str] = mapped_column(String(10), primary_key=True)
    locality: Mapped[str] = mapped_column(String(4), primary_key=True)
    state: Mapped[str] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(String(200))
    counties: Mapped[str] = mapped_column(Text)


class ReleaseFetch(Base):
    """One archive ``consultant data update`` downloaded: where from, its size and sha256,
    and the product release it carried. Several rows share a release when CMS ships it in
    parts (the NCCI PTP files)."""

    __tablename__ = "release_fetches"
    __table_args__ = (Index("ix_release_fetches_product_effective", "product", "effective_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(30))
    release_name: Mapped[str] = mapped_column(String(100))
    # None for lists CMS publishes without an edition date (places of service).
    effective_date: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(1000))
    file_name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Validators for a conditional request next time (undated lists keep their URL).
    etag: Mapped[str] = mapped_column(String(200), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
