"""Every CMS file in ../shared/data/cms imported into SQLite and Postgres, checked against
known facts; malformed files refused with file:line and nothing applied."""

from __future__ import annotations

import contextlib
import gzip
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.codes.importers.base import ImportFileError
from consultant.codes.importers.cli import expand, import_one
from consultant.codes.importers.detect import NotReferenceData
from consultant.codes.page import code_page
from consultant.db import engine_for, session_factory, transaction
from consultant.migrate import upgrade
from consultant.models import CodeRecord, FeeScheduleRow, PtpEdit, Release
from tests.conftest import SHARED_DATA, TEST_SECRET, use_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database with every shared CMS file imported once per backend."""
    home = tmp_path_factory.mktemp("import")
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'consultant.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    mp = pytest.MonkeyPatch()
    use_settings(mp, home=home, database_url=url, secret_key=TEST_SECRET, broker_url="memory://")
    upgrade(url)
    for path in expand([SHARED_DATA]):
        with contextlib.suppress(NotReferenceData):  # the PDFs and record layouts
            import_one(path)
    import_one(Path("simple-icd-10-cm"))
    yield url
    engine_for(url).dispose()
    mp.undo()


@pytest.fixture
def ref(loaded: str) -> Iterator[Session]:
    s = session_factory(engine_for(loaded))()
    yield s
    s.close()


def test_known_facts(ref: Session) -> None:
    jan = ref.scalar(
        select(Release).where(Release.kind == "pfs_rvu", Release.effective_date == date(2025, 1, 1))
    )
    assert jan is not None
    row = ref.get(FeeScheduleRow, (jan.id, "96521", ""))
    assert row is not None and float(row.nf_total) == 3.53 and float(row.work_rvu) == 0.21
    edits = lookup.active_edits_between(ref, ["96521", "99211"], date(2024, 8, 1))
    assert [(e.column1, e.column2, e.modifier_indicator) for e in edits] == [
        ("96521", "99211", "0")
    ]
    mue = lookup.mue(ref, "96523")
    assert mue is not None and mue.units == 1


def test_every_kind_is_loaded(ref: Session) -> None:
    kinds = set(ref.scalars(select(Release.kind)))
    assert {
        "pfs_rvu",
        "hcpcs",
        "ptp",
        "mue",
        "aoc",
        "pos",
        "modifiers",
        "gpci",
        "localities",
        "icd10",
    } <= kinds
    assert ref.scalar(select(func.count()).select_from(PtpEdit)) == 2_546_017
    systems = dict(
        ref.execute(select(CodeRecord.system, func.count()).group_by(CodeRecord.system)).all()
    )
    assert systems["HCPCS"] >= 8_600 and systems["ICD-10-CM"] >= 70_000 and systems["CPT"] >= 7_000
    j2405 = ref.get(CodeRecord, ("HCPCS", "J2405"))
    assert j2405 is not None and "ondansetron" in j2405.long_description.lower()


def test_newer_release_is_current_and_older_kept_for_earlier_dates(ref: Session) -> None:
    in_may = lookup.rvus(ref, "96521", date(2025, 5, 1))
    in_nov = lookup.rvus(ref, "96521", date(2025, 11, 1))
    assert in_may is not None and in_nov is not None
    assert "2025-01-01" in in_may.release and "2025-10-01" in in_nov.release


def test_code_page(ref: Session) -> None:
    page = code_page(ref, "96521", locality="01112-54")
    assert page is not None
    assert page["system"] == "CPT" and page["section"] == "Medicine"
    first = page["fee_schedule"][0]
    assert first["nf_payment"] == "114.18" and "locality_nf_payment" in first
    assert first["work_rank"]["percentile"] < 50
    assert page["ptp"]["as_column1"] > 0 and page["mue"]["units"] >= 1
    assert any(e["column2"] == "99211" for e in page["ptp"]["edits"])


def test_reimport_changes_nothing(loaded: str) -> None:
    path = SHARED_DATA / "ncci_2024" / "ncci_mue_practitioner_2024-07-01.csv"
    with transaction() as s:
        before = s.scalar(select(func.count()).select_from(Release))
    assert import_one(path).skipped
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(Release)) == before


def test_malformed_file_is_refused_with_line_and_nothing_applied(
    loaded: str, tmp_path: Path
) -> None:
    good = (SHARED_DATA / "ncci_2024" / "ncci_ptp_practitioner_2024-07-01.csv.gz").open("rb")
    lines = gzip.decompress(good.read()).decode().splitlines()[:1000]
    good.close()
    lines[500] = "96521,99211,9999-12-31,7,bad indicator"
    bad = tmp_path / "ncci_ptp_practitioner_2030-01-01.csv"
    bad.write_text("\n".join(lines) + "\n")
    with transaction() as s:
        before = s.scalar(select(func.count()).select_from(PtpEdit))
    with pytest.raises(ImportFileError) as info:
        import_one(bad)
    assert info.value.line == 501 and "modifier indicator" in info.value.reason
    assert str(bad) in str(info.value)
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(PtpEdit)) == before
        assert s.scalar(select(Release).where(Release.effective_date == date(2030, 1, 1))) is None


def test_a_split_code_shows_its_professional_and_technical_rows(ref: Session) -> None:
    """A payment question on a PC/TC indicator 1 code answers with the 26 and TC rows,
    which add up to the global code (71046: 0.31 + 0.70 = 1.01 RVUs)."""
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import render_reply, summary_line

    whole = lookup.rvus(ref, "71046", date(2025, 11, 1))
    split = lookup.component_rvus(ref, whole, date(2025, 11, 1))
    assert split is not None
    assert [(r.modifier, str(r.nf_total)) for r in split] == [("26", "0.31"), ("TC", "0.70")]
    assert lookup.component_rvus(ref, lookup.rvus(ref, "99213"), None) is None  # no split

    answer = build_answer(
        ref, "71046: how is the payment split between the professional and technical component?"
    )
    line = summary_line(answer)
    assert "modifier 26) 0.31 RVUs, 10.03 USD" in line and "modifier TC) 0.70 RVUs, 22.64" in line
    reply = render_reply(answer, "Re: q", "Case reference: t").text
    assert "with 26 (the reading) 0.31 RVUs" in reply


def test_a_bypass_modifier_without_an_edit_is_not_needed(ref: Session) -> None:
    """59 asked about for two codes that no active edit pairs: the answer says it is not
    needed rather than describing 59 (97140/97530's edit was deleted at the end of 2019)."""
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import summary_line

    answer = build_answer(
        ref, "Can we put modifier XU on 97530 when 97140 is done in the same visit?"
    )
    assert summary_line(answer).startswith("Modifier XU is not needed: no active NCCI edit")
    assert not any(m.recommended and m.modifier == "XU" for m in answer.modifiers)


def test_a_deleted_drug_code_is_replaced_by_the_same_drug_in_force(ref: Session) -> None:
    """J1020-J1040 (methylprednisolone acetate 20, 40, 80 mg) ended 2024-03-31; the drug is
    J1010 (per 1 mg) since: read from the HCPCS descriptors, not from a note of ours."""
    from consultant.drafting.answer import build_answer

    assert lookup.same_drug_in_force(ref, "J1040", date(2025, 3, 1)) == ["J1010"]
    assert lookup.same_drug_in_force(ref, "J2405", date(2025, 3, 1)) == []  # one code only
    a = build_answer(ref, "Depo-medrol 80 mg IM, DOS 3/4/25. We billed J1040 and it rejected.")
    assert a.corrections[0].startswith("Report J1010, not J1040: J1040 was deleted")
    drug = next(c for c in a.billed if c.code == "J1010")
    assert drug.billing_units == 80


def test_a_proposed_code_with_a_practitioner_mue_of_0_is_said_so(ref: Session) -> None:
    """96376 (a push of the same drug again) has a practitioner MUE of 0: why it is denied."""
    from consultant.drafting.checks import never_paid_units
    from consultant.matching.analyse import analyse

    said = never_paid_units(ref, analyse("We billed 96374 + 96376, 96376 denied"), [], None)
    assert said and said[0].startswith("96376 has a practitioner MUE of 0")
    assert never_paid_units(ref, analyse("We billed 96374 + 96375"), [], None) == []


def test_codes_an_edit_took_off_the_claim_are_not_sent_for_a_primary(ref: Session) -> None:
    """93320 and 93325 asked beside 93306 are not billed (its definition includes them):
    neither is then told to be reported with a primary it would go with."""
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import summary_line

    a = build_answer(
        ref, "complete TTE with spectral and color doppler. can we add 93320 and 93325 to 93306?"
    )
    assert [c.code for c in a.billed] == ["93306"]
    assert not [line for line in a.advice if "is an add-on code" in line]
    first = summary_line(a)
    assert "93320" in first and "93325" in first


def test_a_matrixectomy_is_reported_whole_not_as_the_avulsion(ref: Session) -> None:
    """Partial avulsion with phenol to the matrix of the same nail is 11750, which includes
    the avulsion (PTP 11750/11730, standards of medical/surgical practice)."""
    from consultant.codes.knowledge import load_bundled_knowledge
    from consultant.drafting.answer import build_answer

    load_bundled_knowledge(ref)  # the lay terms that name 11750; rolled back below
    ref.flush()
    a = build_answer(
        ref,
        "Podiatry op note: 'partial nail avulsion, medial border R hallux, phenol applied x3 "
        "to the nail matrix (chemical matrixectomy).' Billed 11730-T5. Right code?",
    )
    ref.rollback()
    assert [c.code for c in a.billed][:1] == ["11750"]
    assert a.corrections[0].startswith("Report 11750, not 11730")


def test_a_first_code_and_its_add_on_are_one_service_to_correct(ref: Session) -> None:
    """17000 + 17003 is one destruction and its add-on, not a pair question: skin tags
    removed with scissors are 11200, whatever the superbill said. Our notes loaded in this
    session's transaction only (rolled back with it)."""
    from consultant.codes.knowledge import load_bundled_knowledge
    from consultant.drafting.answer import build_answer

    load_bundled_knowledge(ref)
    ref.flush()
    a = build_answer(
        ref,
        "removed 12 skin tags from neck and axillae with scissors. doc marked 17000 + 17003 x11.",
    )
    assert [c.code for c in a.billed] == ["11200"]
    assert a.corrections[0].startswith("Report 11200, not 17000")
    ref.rollback()


def test_the_dose_chooses_the_strength_code_of_one_drug(ref: Session) -> None:
    """HCPCS bills leuprolide depot per 3.75 mg (J1950, "Injection, leuprolide ...") and per
    7.5 mg (J9217, "Leuprolide ..."): one drug, read from the descriptors; the dose decides
    (whole units, then the fewest), and the asker's other strength is corrected."""
    from consultant.drafting.answer import build_answer

    assert lookup.strengths_in_force(ref, "J1950") == ["J1950", "J9217"]
    # Another formulation is no other strength (nivolumab with hyaluronidase, J9289).
    assert lookup.strengths_in_force(ref, "J9299") == []
    a = build_answer(
        ref,
        "Prostate cancer pt, leuprolide depot 30 mg IM given today (single-dose kit). "
        "We have J1950 x 8 with 96402 on the claim, ok?",
    )
    drug = next(c for c in a.billed if c.code.startswith("J"))
    assert (drug.code, drug.billing_units) == ("J9217", 4)
    assert "J1950" not in [c.code for c in a.billed]
    assert "Report J9217 x 4, not J1950 x 8" in " ".join(a.corrections)
    # 11.25 mg fits 3.75 mg units exactly and 7.5 mg units only rounded up: J1950 stays.
    gyn = build_answer(ref, "Leuprolide depot 11.25 mg IM for fibroids. J1950 x 3 right?")
    assert [(c.code, c.billing_units) for c in gyn.billed if c.code.startswith("J")] == [
        ("J1950", 3)
    ]


def test_the_first_line_corrects_both_of_the_askers_codes(ref: Session) -> None:
    """ "Is the J code wrong or the admin code?" when both are: the first line says both."""
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import summary_line

    a = build_answer(
        ref,
        "Lupron Depot 45 mg IM for prostate cancer today. We sent J1950 x 12 and 96372 and "
        "Medicare denied it. Which one is wrong?",
    )
    first = summary_line(a)
    assert "Report 96402, not 96372" in first and "Report J9217" in first and "not J1950" in first
    assert next(c.billing_units for c in a.billed if c.code == "J9217") == 6


def test_strengths_in_force_on_the_date_of_service(ref: Session) -> None:
    """Before 2024-04 methylprednisolone acetate was billed per 20, 40 or 80 mg (J1020-J1040):
    an 80 mg dose then was J1040 x 1, not the asker's J1030 x 2; on a later date those codes
    are deleted and it is J1010 x 80, with J1040 not billed beside it."""
    from consultant.drafting.answer import build_answer

    then = build_answer(ref, "DOS 02/06/2024. Depo-Medrol 80 mg IM. J1030 x 2?")
    assert [(c.code, c.billing_units) for c in then.billed if c.code.startswith("J")] == [
        ("J1040", 1)
    ]
    assert "Report J1040 x 1, not J1030 x 2" in " ".join(then.corrections)
    now = build_answer(ref, "DOS 06/02/2025. Depo-Medrol 80 mg IM. Is it J1030 x 2 or J1040?")
    assert [(c.code, c.billing_units) for c in now.billed if c.code.startswith("J")] == [
        ("J1010", 80)
    ]


def test_a_hormone_for_a_benign_condition_is_not_billed_as_the_anti_neoplastic(
    ref: Session,
) -> None:
    """Leuprolide for central precocious puberty: J1950 in 3.75 mg units with the
    therapeutic injection, though 7.5 mg would be one J9217 unit (a prostate-cancer code)."""
    from consultant.drafting.answer import build_answer

    a = build_answer(ref, "Leuprolide depot 7.5 mg IM today for central precocious puberty. J9217?")
    billed = [(c.code, c.billing_units) for c in a.billed if c.system != "ICD-10-CM"]
    assert ("J1950", 2) in billed and "J9217" not in dict(billed)
    assert "96372" in dict(billed) and "96402" not in dict(billed)
