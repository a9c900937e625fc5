"""The official CMS NCCI layouts (copyright line, multi-row header, '*' fields, YYYYMMDD),
written here in that shape, load like the tidy ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.importers.cli import import_one

PTP = """CPT only copyright 2023 American Medical Association. All rights reserved.
Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale
\t\t\t\t\t\t
96521\t99211\t\t20190101\t*\t0\tMisuse of column two code with column one code
96521\t99213\t\t20200101\t*\t1\tMisuse of column two code with column one code
96521\t99214\t\t20200101\t20210101\t1\tMisuse of column two code with column one code
"""

MUE = """"CPT codes, descriptions and other data only are copyright 2023 American Medical Association."
"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
"96523","1","2 Date of Service Edit: Policy","CMS Policy"
"J2405","32","3 Date of Service Edit: Clinical","Clinical: Data"
"""


def test_official_ptp_and_mue_layouts(session: Session, tmp_path: Path) -> None:
    ptp = tmp_path / "ccipra-v301r0-f1.txt"
    ptp.write_text(PTP)
    mue = tmp_path / "MCR_MUE_PractitionerServices_Eff_2024-07-01.csv"
    mue.write_text(MUE)
    assert import_one(ptp).rows == 3
    assert import_one(mue).rows == 2
    edits = lookup.active_edits_between(
        session, ["96521", "99211", "99213", "99214"], date(2024, 8, 1)
    )
    assert sorted((e.column2, e.modifier_indicator) for e in edits) == [
        ("99211", "0"),
        ("99213", "1"),
    ]
    limit = lookup.mue(session, "J2405")
    assert limit is not None and (limit.units, limit.mai) == (32, "3")


ORDER = """00001 A00     0 Cholera                                                      Cholera
00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae             Cholera due to Vibrio cholerae 01, biovar cholerae
00003 E119    1 Type 2 diabetes mellitus without complications                 Type 2 diabetes mellitus without complications
"""


def test_cdc_icd10cm_order_file(session: Session, tmp_path: Path) -> None:
    from sqlalchemy import select

    from consultant.models import CodeRecord

    path = tmp_path / "icd10cm_order_2026.txt"
    path.write_text(ORDER)
    assert import_one(path).rows == 3
    record = session.scalars(select(CodeRecord).where(CodeRecord.code == "E119")).one()
    assert record.system == "ICD-10-CM" and record.status == "billable"
    assert "Type 2 diabetes" in record.long_description
    header = session.scalars(select(CodeRecord).where(CodeRecord.code == "A00")).one()
    assert header.status == "header"


def test_effective_date_option_for_undated_files(session: Session, tmp_path: Path) -> None:
    from consultant.cli import main as cli

    path = tmp_path / "ncci_mue_practitioner.csv"
    path.write_text(
        '"hcpcs_code","mue_units","mue_mai","mue_rationale"\n"96523",1,2,"CMS Policy"\n'
    )
    assert cli(["data", "import", "--quiet", str(path)]) == 1  # refused: no date anywhere
    assert cli(["data", "import", "--quiet", "--effective", "2024-10-01", str(path)]) == 0
    limit = lookup.mue(session, "96523")
    assert limit is not None and "2024-10-01" in limit.release


def test_official_add_on_code_layout(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "AOC_V2024Q3.csv"
    path.write_text(
        "CPT only copyright 2023 American Medical Association.\n"
        "Add-on Code,Primary Code,AOC Edit Type,Primary Code Effective Date\n"
        "96415,96413,1,20090101\n96417,96413,1,20090101\n",
    )
    assert import_one(path, effective=date(2024, 7, 1)).rows == 2
    assert lookup.addon_primaries(session, "96415") == ["96413"]
