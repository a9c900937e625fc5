"""``consultant data update`` against CMS-style pages served on loopback: the newest release
is loaded, a second run fetches nothing, a broken download resumes, damaged archives and
bad lines are refused with nothing applied, and a date of service finds the older release."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from consultant.cli import main
from consultant.codes import lookup
from consultant.codes.releases import data_gaps, release_diff, release_in_force
from consultant.codes.update.catalogue import load_catalogue
from consultant.codes.update.run import Outcome, update
from consultant.codes.update.status import add_months, data_status
from consultant.config import Settings, get_settings
from consultant.db import transaction
from consultant.drafting.answer import build_answer
from consultant.models import FeeScheduleRow, PtpCodeCount, PtpEdit, Release, ReleaseFetch
from tests.cms_mirror import (
    AOC_PAGE,
    HCPCS_PAGE,
    MUE_PAGE,
    POS_PAGE,
    PTP_PAGE,
    RVU,
    RVU_PAGE,
    Mirror,
    MirrorServer,
    build_zip,
    files,
    ptp_parts,
    rvu_site,
)
from tests.conftest import SHARED_DATA, use_settings

pytestmark = pytest.mark.integration

RVU_D = "/files/zip/rvu25d-updated.zip"
RVU_A = "/files/zip/rvu25a-updated.zip"


@pytest.fixture
def mirror(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mirror]:
    site = Mirror()
    server = MirrorServer(site)
    use_settings(monkeypatch, data_base_url=site.url)
    yield site
    server.stop()


def run(only: list[str] | None = None, dry_run: bool = False) -> list[Outcome]:
    return update(get_settings(), only, dry_run)


def releases(kind: str) -> list[date]:
    with transaction() as s:
        return sorted(s.scalars(select(Release.effective_date).where(Release.kind == kind)))


def counts() -> tuple[int, int, int]:
    with transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(Release)) or 0,
            s.scalar(select(func.count()).select_from(FeeScheduleRow)) or 0,
            s.scalar(select(func.count()).select_from(ReleaseFetch)) or 0,
        )


def archive_gets(site: Mirror) -> list[str]:
    return [path for _, path, _ in site.log if path in site.files]


def test_newest_is_loaded_and_a_second_update_fetches_nothing(mirror: Mirror) -> None:
    rvu_site(mirror)
    [outcome] = run(["pfs_rvu"])
    assert outcome.result == "loaded", outcome.detail
    assert outcome.release == "rvu25d" and outcome.effective == date(2025, 10, 1)
    assert releases("pfs_rvu") == [date(2025, 10, 1)]  # a fresh database takes the newest
    assert archive_gets(mirror) == [RVU_D]
    assert mirror.fetched(f"{RVU_PAGE}/rvu25a") == []  # a release not wanted: page not read
    with transaction() as s:
        fetch = s.scalars(select(ReleaseFetch)).one()
        assert fetch.url == mirror.url + RVU_D
        assert fetch.size == len(mirror.files[RVU_D])
        assert fetch.sha256 == hashlib.sha256(mirror.files[RVU_D]).hexdigest()

    mirror.log.clear()
    [again] = run(["pfs_rvu"])
    assert again.result == "up to date"
    assert archive_gets(mirror) == []  # pages read, no archive fetched
    assert releases("pfs_rvu") == [date(2025, 10, 1)]


def test_a_new_release_joins_the_older_and_a_date_of_service_picks_the_older(
    mirror: Mirror,
) -> None:
    rvu_site(mirror, "a")
    [first] = run(["pfs_rvu"])
    assert first.result == "loaded", first.detail
    # RVU25A carries the GPCIs and localities too; the fixed-width copy is not loaded twice.
    assert {i.kind for i in first.imported} == {"pfs_rvu", "gpci", "localities"}
    assert releases("gpci") == [date(2025, 1, 1)]

    rvu_site(mirror, "ad")
    mirror.log.clear()
    [second] = run(["pfs_rvu"])
    assert second.result == "loaded" and archive_gets(mirror) == [RVU_D]
    assert releases("pfs_rvu") == [date(2025, 1, 1), date(2025, 10, 1)]

    with transaction() as s:
        in_force = release_in_force(s, "pfs_rvu", date(2025, 3, 15))
        assert in_force is not None and in_force.effective_date == date(2025, 1, 1)
        in_march = lookup.rvus(s, "96521", date(2025, 3, 15))
        now = lookup.rvus(s, "96521")
        assert in_march is not None and "2025-01-01" in in_march.release
        assert now is not None and "2025-10-01" in now.release
    with transaction() as s:
        dated = build_answer(s, "What are the RVUs for CPT 96521? DOS 03/15/2025")
    with transaction() as s:
        undated = build_answer(s, "What are the RVUs for CPT 96521?")
    [dated_fact] = [f for f in dated.codes if f.code == "96521"]
    [undated_fact] = [f for f in undated.codes if f.code == "96521"]
    assert dated_fact.rvus is not None and "2025-01-01" in dated_fact.rvus.release
    assert undated_fact.rvus is not None and "2025-10-01" in undated_fact.rvus.release


def test_release_diff_names_what_changed(mirror: Mirror) -> None:
    rvu_site(mirror, "a")
    run(["pfs_rvu"])
    rvu_site(mirror, "ad")
    run(["pfs_rvu"])
    with transaction() as s:
        jan = release_in_force(s, "pfs_rvu", date(2025, 1, 1))
        oct_ = release_in_force(s, "pfs_rvu")
        assert jan is not None and oct_ is not None and jan.id != oct_.id
        old, new = FeeScheduleRow, FeeScheduleRow.__table__.alias("new")
        changed = s.execute(
            select(old.code, old.work_rvu, new.c.work_rvu)
            .join(new, (new.c.code == old.code) & (new.c.modifier == old.modifier))
            .where(
                old.release_id == jan.id,
                new.c.release_id == oct_.id,
                old.modifier == "",
                old.work_rvu != new.c.work_rvu,
            )
            .limit(1)
        ).first()
        assert changed is not None, "the two shared RVU files differ somewhere"
        code, before, after = changed
        assert f"work RVU {before} -> {after}" in release_diff(s, code, jan, oct_)
        assert release_diff(s, code, jan, jan) == []


def test_an_interrupted_download_resumes(mirror: Mirror) -> None:
    rvu_site(mirror, "d")
    mirror.drops[RVU_D] = 1
    [outcome] = run(["pfs_rvu"])
    assert outcome.result == "loaded", outcome.detail
    attempts = mirror.fetched(RVU_D)
    assert len(attempts) == 2 and attempts[0][2] == ""
    resumed_at = int(attempts[1][2].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at < len(mirror.files[RVU_D])
    with transaction() as s:
        fetch = s.scalars(select(ReleaseFetch)).one()
        assert fetch.sha256 == hashlib.sha256(mirror.files[RVU_D]).hexdigest()


def test_a_download_that_keeps_failing_resumes_in_the_next_run(mirror: Mirror) -> None:
    rvu_site(mirror, "d")
    mirror.drops[RVU_D] = 10
    [failed] = run(["pfs_rvu"])
    assert failed.failed and "the next update resumes" in failed.detail
    assert releases("pfs_rvu") == [] and counts()[2] == 0
    part = get_settings().downloads_dir / "pfs_rvu" / "rvu25d-updated.zip.part"
    kept = part.stat().st_size
    assert 0 < kept < len(mirror.files[RVU_D])

    mirror.drops.clear()
    mirror.log.clear()
    [outcome] = run(["pfs_rvu"])
    assert outcome.result == "loaded", outcome.detail
    assert mirror.fetched(RVU_D) == [("GET", RVU_D, f"bytes={kept}-")]
    assert not part.exists()


def _damaged(data: bytes) -> bytes:
    """The same zip with bytes flipped inside the first member's compressed data."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    return data[:start] + bytes(b ^ 0xFF for b in data[start : start + 64]) + data[start + 64 :]


@pytest.mark.parametrize("damage", ["crc", "not a zip"])
def test_a_damaged_archive_is_refused_and_nothing_changes(mirror: Mirror, damage: str) -> None:
    rvu_site(mirror, "d")
    good = mirror.files[RVU_D]
    mirror.files[RVU_D] = _damaged(good) if damage == "crc" else good[: len(good) // 3]
    before = counts()
    [outcome] = run(["pfs_rvu"])
    assert outcome.failed
    expected = "damaged" if damage == "crc" else "not a zip archive"
    assert expected in outcome.detail and "rvu25d-updated.zip" in outcome.detail
    assert counts() == before
    # Nothing of it is kept: the next run fetches it afresh.
    assert not list((get_settings().downloads_dir / "pfs_rvu").glob("rvu25d*"))

    mirror.files[RVU_D] = good
    [fixed] = run(["pfs_rvu"])
    assert fixed.result == "loaded", fixed.detail


def test_a_bad_line_refuses_the_whole_release(mirror: Mirror) -> None:
    """RVU25A's RVU file is good, its GPCI file has a bad line: neither is loaded."""
    gpci = (RVU / "GPCI2025.csv").read_text(encoding="latin-1").splitlines()
    row = next(i for i, line in enumerate(gpci) if line.split(",")[0].strip().isdigit())
    fields = gpci[row].split(",")
    fields[4] = "one point oh"
    gpci[row] = ",".join(fields)
    rvu_site(mirror, "a")
    mirror.files[RVU_A] = build_zip(
        [
            *files(RVU / "PPRRVU25_JAN.csv", RVU / "25LOCCO.csv"),
            ("GPCI2025.csv", "\n".join(gpci).encode("latin-1")),
        ]
    )
    before = counts()
    [outcome] = run(["pfs_rvu"])
    assert outcome.failed
    assert f"GPCI2025.csv:{row + 1}: GPCI values" in outcome.detail
    assert counts() == before and releases("pfs_rvu") == []


def test_parts_of_one_release_load_as_one(mirror: Mirror) -> None:
    parts = ptp_parts(rows=20_000, parts=3)
    links = []
    for i, data in enumerate(parts, 1):
        path = f"/files/zip/medicare-ncci-2024q3-practitioner-ptp-edits-ccipra-v303r0-f{i}.zip"
        mirror.files[path] = build_zip([(f"ncci_ptp_practitioner_2024-07-01_f{i}.csv", data)])
        links.append((path, f"Medicare NCCI 2024 Q3 Practitioner PTP Edits v303r0 f{i} (ZIP)"))
    mirror.publish_page(PTP_PAGE, links)
    [outcome] = run(["ptp"])
    assert outcome.result == "loaded", outcome.detail
    assert outcome.effective == date(2024, 7, 1) and len(outcome.urls) == 3
    with transaction() as s:
        [release] = s.scalars(select(Release).where(Release.kind == "ptp")).all()
        assert release.row_count == 20_000
        assert s.scalar(select(func.count()).select_from(PtpEdit)) == 20_000
        assert s.scalar(select(func.count()).select_from(ReleaseFetch)) == 3
        # The per-code counts add up across parts: recount one code from the rows.
        code, as_column1 = s.execute(
            select(PtpCodeCount.code, PtpCodeCount.as_column1)
            .order_by(PtpCodeCount.as_column1.desc())
            .limit(1)
        ).one()
        active = s.scalar(
            select(func.count())
            .select_from(PtpEdit)
            .where(
                PtpEdit.column1 == code,
                PtpEdit.modifier_indicator != "9",
                PtpEdit.deletion_date.is_(None),
            )
        )
        assert as_column1 == active


def test_dry_run_lists_and_fetches_nothing(
    mirror: Mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    rvu_site(mirror)
    _small_products(mirror)
    before = counts()
    outcomes = run(dry_run=True)
    assert {o.product: o.result for o in outcomes} == {
        "pfs_rvu": "would fetch",
        "hcpcs": "would fetch",
        "ptp": "would fetch",
        "mue": "would fetch",
        "aoc": "would fetch",
        "pos": "would fetch",
    }
    [rvu] = [o for o in outcomes if o.product == "pfs_rvu"]
    assert rvu.urls == (mirror.url + RVU_D,)
    assert archive_gets(mirror) == [] and counts() == before
    assert main(["data", "update", "--dry-run", "--only", "mue"]) == 0
    assert "would fetch" in capsys.readouterr().err
    assert archive_gets(mirror) == []


def test_only_loads_the_kinds_named(mirror: Mirror) -> None:
    rvu_site(mirror)
    _small_products(mirror)
    assert main(["data", "update", "--quiet", "--only", "mue", "--only", "aoc"]) == 0
    with transaction() as s:
        assert set(s.scalars(select(Release.kind))) == {"mue", "aoc"}
    assert main(["data", "update", "--quiet", "--only", "nonesuch"]) == 1


def test_an_unchanged_undated_list_is_not_fetched_again(mirror: Mirror) -> None:
    _small_products(mirror)
    [first] = run(["pos"])
    assert first.result == "loaded", first.detail
    mirror.log.clear()
    [second] = run(["pos"])
    assert second.result == "up to date"
    [(_, _, _)] = mirror.fetched("/files/document/pos_codes.csv")  # one conditional GET: 304
    assert releases("pos") and counts()[2] == 1


def test_a_changed_page_or_no_network_ends_with_a_clear_message(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = "https://files.example.net/files/zip/medicare-ncci-2024-q3-practitioner-services-mue-table.zip"
    mirror.publish_page(
        MUE_PAGE, [("/files/zip/mue-table-2024.xlsx", "MUE table"), (elsewhere, "MUE table")]
    )
    [outcome] = run(["mue"])
    assert outcome.failed and "no link matches" in outcome.detail and MUE_PAGE in outcome.detail
    assert main(["data", "update", "--only", "mue"]) == 1
    assert "page layout may have changed" in capsys.readouterr().err

    rvu_site(mirror, "d")
    mirror.publish_page(f"{RVU_PAGE}/rvu25d", [("/files/document/rvu25d.pdf", "RVU25D (PDF)")])
    [moved] = run(["pfs_rvu"])
    assert moved.failed and "no archive link matches" in moved.detail

    use_settings(monkeypatch, data_base_url="http://127.0.0.1:9")  # the discard port
    [offline] = run(["mue"])
    assert offline.failed and offline.detail.startswith("cannot reach http://127.0.0.1:9/")
    assert counts()[0] == 0


def test_status_shows_releases_fetches_and_what_is_due(
    mirror: Mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    rvu_site(mirror, "d")
    run(["pfs_rvu"])
    with transaction() as s:
        rows = {r.kind: r for r in data_status(s, load_catalogue(get_settings()), date.today())}
    rvu = rows["pfs_rvu"]
    assert [r.effective_date for r in rvu.releases] == [date(2025, 10, 1)]
    assert rvu.releases[0].fetched_from == mirror.url + RVU_D
    assert rvu.releases[0].size == len(mirror.files[RVU_D])
    assert rvu.next_due == date(2026, 1, 1)
    assert rows["ptp"].releases == [] and rows["ptp"].due(date.today())
    assert main(["data", "status", "--json"]) == 0
    printed = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}
    assert (
        printed["pfs_rvu"]["releases"][0]["sha256"]
        == hashlib.sha256(mirror.files[RVU_D]).hexdigest()
    )
    assert printed["mue"]["due"] is True


def test_data_gaps_name_what_is_missing(mirror: Mirror) -> None:
    with transaction() as s:
        assert "fee schedule RVUs and payments" in data_gaps(s)
        assert "NCCI PTP edits" in data_gaps(s)
    rvu_site(mirror, "a")
    run(["pfs_rvu"])
    with transaction() as s:
        gaps = data_gaps(s)
    assert "fee schedule RVUs and payments" not in gaps and "GPCIs (locality payments)" not in gaps
    assert "NCCI PTP edits" in gaps and "MUEs" in gaps


def test_a_date_before_every_release_takes_the_earliest(mirror: Mirror) -> None:
    rvu_site(mirror, "a")
    run(["pfs_rvu"])
    rvu_site(mirror, "ad")
    run(["pfs_rvu"])
    with transaction() as s:
        early = release_in_force(s, "pfs_rvu", date(2024, 3, 15))
        assert early is not None and early.effective_date == date(2025, 1, 1)


def test_add_months() -> None:
    assert add_months(date(2025, 10, 1), 3) == date(2026, 1, 1)
    assert add_months(date(2025, 1, 15), 12) == date(2026, 1, 1)


def _small_products(mirror: Mirror) -> None:
    """HCPCS, a small PTP, MUE, add-on codes and POS under their CMS-style names."""
    hcpcs = SHARED_DATA / "hcpcs_2026"
    ncci = SHARED_DATA / "ncci_2024"
    hcpcs_zip = "/files/zip/january-2026-alpha-numeric-hcpcs-file.zip"
    mirror.files[hcpcs_zip] = build_zip(files(*sorted(hcpcs.iterdir())))
    mirror.publish_page(HCPCS_PAGE, [(hcpcs_zip, "January 2026 Alpha-Numeric HCPCS File")])
    ptp = "/files/zip/medicare-ncci-2024q3-practitioner-ptp-edits-ccipra-v303r0-f1.zip"
    mirror.files[ptp] = build_zip([("ncci_ptp_practitioner_2024-07-01.csv", ptp_parts(500, 1)[0])])
    mirror.publish_page(PTP_PAGE, [(ptp, "PTP edits f1")])
    mue = "/files/zip/medicare-ncci-2024-q3-practitioner-services-mue-table.zip"
    mirror.files[mue] = build_zip(files(ncci / "ncci_mue_practitioner_2024-07-01.csv"))
    mirror.publish_page(MUE_PAGE, [(mue, "Practitioner Services MUE Table")])
    aoc = "/files/zip/medicare-ncci-add-on-code-edits-2024-06-03.zip"
    mirror.files[aoc] = build_zip(files(ncci / "ncci_aoc_2024-06-03.csv"))
    mirror.publish_page(AOC_PAGE, [(aoc, "Add-on Code Edits")])
    pos = "/files/document/pos_codes.csv"
    mirror.files[pos] = (SHARED_DATA / "reference" / "pos_codes.csv").read_bytes()
    mirror.publish_page(POS_PAGE, [(pos, "Place of service codes (CSV)")])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_full_set_loads_through_an_update(mirror: Mirror) -> None:
    """Every product, with all 2.5 million PTP edits in one transaction. (Its speed is
    the importers' and is measured by `make bench` on a quiet machine.)"""
    rvu_site(mirror)
    _small_products(mirror)
    ptp = "/files/zip/medicare-ncci-2024q3-practitioner-ptp-edits-ccipra-v303r0-f1.zip"
    mirror.files[ptp] = build_zip(
        files(SHARED_DATA / "ncci_2024" / "ncci_ptp_practitioner_2024-07-01.csv.gz")
    )
    outcomes = run()
    assert all(o.result == "loaded" for o in outcomes), [(o.product, o.detail) for o in outcomes]
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(PtpEdit)) == 2_546_017


def test_the_banner_says_when_no_cms_data_is_loaded(
    mirror: Mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    from consultant.processes import _banner
    from consultant.supervise import reference_data_note

    _banner(get_settings(), "reviewer@localhost", "pw", reference_data_note())
    out = " ".join(capsys.readouterr().out.split())
    assert "No CMS data is loaded" in out and ".venv/bin/consultant data update" in out
    rvu_site(mirror, "d")
    run(["pfs_rvu"])
    note = reference_data_note()
    assert "NCCI PTP edits" in note and "fee schedule" not in note


def test_the_periodic_update_is_off_by_default(tmp_path: Path) -> None:
    from workers.app import celery_config

    off = Settings(home=tmp_path, broker_url="memory://", secret_key="x" * 40)
    assert "data-update" not in celery_config(off)["beat_schedule"]
    on = Settings(home=tmp_path, broker_url="memory://", secret_key="x" * 40, data_update_hours=6)
    entry = celery_config(on)["beat_schedule"]["data-update"]
    assert entry == {"task": "workers.tasks.update_reference_data", "schedule": 6 * 3600}


def test_the_periodic_task_loads_what_it_can_and_logs_the_rest(
    mirror: Mirror, caplog: pytest.LogCaptureFixture
) -> None:
    from workers.tasks import update_reference_data

    rvu_site(mirror, "d")  # the other products' pages are missing (404)
    assert update_reference_data() == 1
    assert releases("pfs_rvu") == [date(2025, 10, 1)]
    assert any(
        "data update mue" in r.getMessage() and "HTTP 404" in r.getMessage() for r in caplog.records
    )


ADMIN_PASSWORD = "correct-horse-battery-staple-42"


def test_the_workspace_shows_the_releases_and_what_is_missing(mirror: Mirror) -> None:
    from starlette.testclient import TestClient

    from consultant.models import Reviewer
    from consultant.review.passwords import hash_password
    from consultant.review.web import create_app
    from tests.workspace import login

    with transaction() as s:
        s.add(Reviewer(email="admin@clinic.example", password_hash=hash_password(ADMIN_PASSWORD)))
    with TestClient(create_app()) as client:
        assert client.get("/admin/data", follow_redirects=False).status_code == 303
        assert login(client, "admin@clinic.example", ADMIN_PASSWORD) == 303
        empty = client.get("/admin/data")
        assert empty.status_code == 200 and "No CMS data is loaded" in empty.text
        rvu_site(mirror, "d")
        run(["pfs_rvu"])
        loaded = client.get("/admin/data").text
        assert mirror.url + RVU_D in loaded and "2025-10-01" in loaded
        assert "No CMS data is loaded" not in loaded and "NCCI PTP edits" in loaded


def test_parts_imported_by_hand_load_as_one_release(db_url: str, tmp_path: Path) -> None:
    """Before: the second part looked like the same edition in another format, and was
    skipped."""
    from consultant.codes.importers.cli import import_paths

    folder = tmp_path / "ptp"
    folder.mkdir()
    for i, data in enumerate(ptp_parts(rows=1_000, parts=2), 1):
        (folder / f"ncci_ptp_practitioner_2024-07-01-f{i}.csv").write_bytes(data)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not data")
    assert import_paths([folder], quiet=True) == 0
    with transaction() as s:
        [release] = s.scalars(select(Release).where(Release.kind == "ptp")).all()
        assert release.row_count == 1_000 and release.effective_date == date(2024, 7, 1)


def test_release_diff_names_edit_and_mue_changes(db_url: str, tmp_path: Path) -> None:
    from consultant.codes.importers.cli import import_one

    mue_lines = (SHARED_DATA / "ncci_2024" / "ncci_mue_practitioner_2024-07-01.csv").read_text()
    lines = mue_lines.splitlines()
    code, units = lines[1].split(",")[0].strip('"'), int(lines[1].split(",")[1])
    lines[1] = lines[1].replace(f",{units},", f",{units + 2},", 1)
    (tmp_path / "ncci_mue_practitioner_2024-10-01.csv").write_text("\n".join(lines) + "\n")
    import_one(SHARED_DATA / "ncci_2024" / "ncci_mue_practitioner_2024-07-01.csv")
    import_one(tmp_path / "ncci_mue_practitioner_2024-10-01.csv")

    ptp = ptp_parts(rows=5_000, parts=1)[0].decode().splitlines()
    (tmp_path / "ncci_ptp_practitioner_2024-07-01.csv").write_text("\n".join(ptp) + "\n")
    # October: an active edit gone (indicator 0 or 1, no deletion date), one edit added.
    at = next(
        i
        for i, x in enumerate(ptp[1:], 1)
        if x.split(",")[2] in ("", "9999-12-31") and x.split(",")[3] in ("0", "1")
    )
    first = ptp[at].split(",")
    october = [*ptp[:at], *ptp[at + 1 :], f"{first[0]},99999,,0,Standards of medical practice"]
    (tmp_path / "ncci_ptp_practitioner_2024-10-01.csv").write_text("\n".join(october) + "\n")
    for name in ("ncci_ptp_practitioner_2024-07-01.csv", "ncci_ptp_practitioner_2024-10-01.csv"):
        import_one(tmp_path / name)

    with transaction() as s:
        mue_jul = release_in_force(s, "mue", date(2024, 7, 1))
        mue_oct = release_in_force(s, "mue", date(2024, 10, 1))
        ptp_jul = release_in_force(s, "ptp", date(2024, 7, 1))
        ptp_oct = release_in_force(s, "ptp", date(2024, 10, 1))
        assert mue_jul and mue_oct and ptp_jul and ptp_oct
        assert release_diff(s, code, mue_jul, mue_oct) == [f"MUE {units} -> {units + 2} units"]
        changes = release_diff(s, first[0], ptp_jul, ptp_oct)
        assert f"edit {first[0]}/99999 added (modifier indicator 0)" in changes
        assert f"edit {first[0]}/{first[1]} deleted" in changes
        with pytest.raises(ValueError):
            release_diff(s, code, mue_jul, ptp_oct)


def test_a_ptp_file_with_no_active_edit_loads(db_url: str, tmp_path: Path) -> None:
    """Before: no active edit meant an empty insert of per-code counts, which inserted one
    row of NULLs and failed (a late part of a release can hold only deleted edits)."""
    from consultant.codes.importers.cli import import_one

    lines = ptp_parts(rows=5_000, parts=1)[0].decode().splitlines()
    gone = [x for x in lines[1:] if x.split(",")[2].startswith("20")]  # a real deletion date
    deleted = [lines[0], *gone[:19]]
    path = tmp_path / "ncci_ptp_practitioner_2024-07-01.csv"
    path.write_text("\n".join(deleted) + "\n")
    assert import_one(path).rows == 19


def test_links_resolve_on_a_mirror_below_a_path() -> None:
    from consultant.codes.update.discover import links

    page = (
        '<a href="/files/zip/rvu25a.zip">A</a><a href="https://www.cms.gov/files/zip/b.zip">B</a>'
        '<a href="rvu25d">D</a><a href="https://elsewhere.example/c.zip">C</a>'
        '<a href="mailto:x@cms.gov">mail</a>'
    )
    base = "https://mirror.example/cms"
    assert links(page, f"{base}/medicare/pfs/", base) == [
        (f"{base}/files/zip/rvu25a.zip", "A"),
        (f"{base}/files/zip/b.zip", "B"),
        (f"{base}/medicare/pfs/rvu25d", "D"),
    ]
