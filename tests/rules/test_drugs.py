"""Drug administration codes against published examples (CPT guidelines as summarised by
CMS and the MACs)."""

from __future__ import annotations

import pytest

from consultant.rules.drugs import (
    Administration,
    AdminLine,
    DeviceCare,
    Purpose,
    Route,
    administration_codes,
    extra_hours,
)

CHEMO, THERAPY, FLUIDS = Purpose.CHEMO, Purpose.THERAPEUTIC, Purpose.HYDRATION


def codes(*given: Administration, **kwargs: object) -> list[tuple[str, int]]:
    result = administration_codes(given, **kwargs)  # type: ignore[arg-type]
    return [(line.code, line.units) for line in result.lines]


@pytest.mark.parametrize(
    ("minutes", "units"), [(60, 0), (90, 0), (91, 1), (120, 1), (150, 1), (151, 2), (211, 3)]
)
def test_additional_hours_need_more_than_thirty_minutes(minutes: int, units: int) -> None:
    """CPT (96366/96415/96361): an additional hour is reported for an interval of more than
    30 minutes beyond the last full hour."""
    assert extra_hours(minutes) == units


def test_antibiotic_infusion_of_105_minutes() -> None:
    """Novitas drug administration article: a therapeutic infusion of 1 hour 45 minutes is
    96365 and 96366 x 1; 1 hour 20 minutes is 96365 alone."""
    long = Administration("ceftriaxone", Route.IV, THERAPY, 0, 105)
    assert codes(long) == [("96365", 1), ("96366", 1)]
    short = Administration("ceftriaxone", Route.IV, THERAPY, 0, 80)
    assert codes(short) == [("96365", 1)]


def test_short_infusion_is_a_push_and_short_hydration_is_nothing() -> None:
    """CPT: an infusion of 15 minutes or less is an IV push (96374); hydration of 30 minutes
    or less is not reported, 31 minutes or more is 96360."""
    assert codes(Administration("ketorolac", Route.IV, THERAPY, 0, 10)) == [("96374", 1)]
    assert codes(Administration("normal saline", Route.IV, FLUIDS, 0, 30)) == []
    assert codes(Administration("normal saline", Route.IV, FLUIDS, 0, 45)) == [("96360", 1)]


def test_infusion_outranks_an_earlier_push() -> None:
    """CPT hierarchy (infusions are primary to pushes): ondansetron pushed first, then a
    60-minute antibiotic infusion: 96365 initial, 96375 for the push of a new drug."""
    result = codes(
        Administration("ondansetron", Route.IV_PUSH, THERAPY, 0),
        Administration("cefazolin", Route.IV, THERAPY, 10, 70),
    )
    assert result == [("96365", 1), ("96375", 1)]


def test_chemotherapy_outranks_everything() -> None:
    """CPT hierarchy (chemotherapy over therapeutic over hydration): an antiemetic push and
    hydration before a 2-hour chemotherapy infusion: 96413, 96415, then 96375 and 96361."""
    result = codes(
        Administration("ondansetron", Route.IV_PUSH, THERAPY, 0),
        Administration("normal saline", Route.IV, FLUIDS, 5, 50),
        Administration("paclitaxel", Route.IV, CHEMO, 60, 180),
    )
    assert result == [("96413", 1), ("96415", 1), ("96375", 1), ("96361", 1)]


def test_chemotherapy_push_outranks_a_therapeutic_infusion() -> None:
    """CPT: the hierarchy ranks the kind of drug before the method, so a chemotherapy push is
    initial (96409) over a therapeutic infusion (then 96367, sequential)."""
    result = codes(
        Administration("dexamethasone", Route.IV, THERAPY, 0, 30),
        Administration("vincristine", Route.IV_PUSH, CHEMO, 40),
    )
    assert result == [("96409", 1), ("96367", 1)]


def test_sequential_chemotherapy_and_pushes() -> None:
    """CPT: 96417 for each sequential chemotherapy infusion of a new drug, 96411 for each
    additional chemotherapy push of a new drug."""
    result = codes(
        Administration("oxaliplatin", Route.IV, CHEMO, 0, 120),
        Administration("irinotecan", Route.IV, CHEMO, 120, 240),
        Administration("fluorouracil", Route.IV_PUSH, CHEMO, 245),
    )
    assert result == [("96413", 1), ("96415", 1), ("96417", 1), ("96415", 1), ("96411", 1)]


def test_prolonged_chemotherapy_on_a_pump() -> None:
    """CPT 96416: initiation of a chemotherapy infusion of more than 8 hours on a portable
    or implantable pump (the 46-hour fluorouracil pump)."""
    pump = Administration("fluorouracil", Route.IV, CHEMO, 0, 46 * 60, pump=True)
    assert codes(pump) == [("96416", 1)]


def test_concurrent_infusion_and_concurrent_hydration() -> None:
    """CPT: 96368 for a concurrent infusion, once per encounter; hydration running at the
    same time as another infusion is not reported."""
    result = codes(
        Administration("vancomycin", Route.IV, THERAPY, 0, 90),
        Administration("piperacillin", Route.IV, THERAPY, 10, 40),
        Administration("magnesium", Route.IV, THERAPY, 20, 60),
        Administration("normal saline", Route.IV, FLUIDS, 0, 120),
    )
    assert result == [("96365", 1), ("96368", 1)]


def test_same_drug_pushed_again_is_96376_for_facilities_only() -> None:
    """CPT 96376: the same drug pushed again more than 30 minutes later, reported by
    facilities only; not at all within 30 minutes."""
    first = Administration("morphine", Route.IV_PUSH, THERAPY, 0)
    again = Administration("morphine", Route.IV_PUSH, THERAPY, 45)
    assert codes(first, again, facility=True) == [("96374", 1), ("96376", 1)]
    office = administration_codes([first, again])
    assert [(x.code, x.units) for x in office.lines] == [("96374", 1)]
    assert "facilities" in office.worked[-1]
    soon = Administration("morphine", Route.IV_PUSH, THERAPY, 20)
    assert codes(first, soon, facility=True) == [("96374", 1)]


def test_injections_by_purpose() -> None:
    """CPT: 96372 for a therapeutic IM/SC injection, 96401 for a non-hormonal and 96402 for
    a hormonal anti-neoplastic given IM/SC."""
    assert codes(Administration("ceftriaxone", Route.IM, THERAPY)) == [("96372", 1)]
    assert codes(Administration("bortezomib", Route.SC, CHEMO)) == [("96401", 1)]
    assert codes(Administration("leuprolide", Route.IM, Purpose.HORMONAL_CHEMO)) == [("96402", 1)]


def test_pump_refills_by_device_and_port_flush_alone() -> None:
    """CPT: 96521 portable pump, 96522 implanted systemic pump, 95990 implanted intrathecal
    or epidural pump (not 96522); 96523 only when no other service is reported that day."""
    result = administration_codes(
        [], devices=[DeviceCare.PORTABLE_PUMP_REFILL, DeviceCare.PORT_FLUSH]
    )
    assert result.lines == (AdminLine("96521", 1, "device"),)
    assert codes(devices=[DeviceCare.IMPLANTED_PUMP_SPINAL_REFILL]) == [("95990", 1)]
    assert codes(devices=[DeviceCare.PORT_FLUSH]) == [("96523", 1)]
    assert codes(devices=[DeviceCare.PORT_FLUSH], other_services_today=True) == []


def test_iv_infusion_needs_its_minutes() -> None:
    """Without start and stop the push/infusion line cannot be drawn; the engine asks."""
    with pytest.raises(ValueError):
        administration_codes([Administration("iron", Route.IV, THERAPY)])


def test_folfox_day_one() -> None:
    """The FOLFOX regimen as coded in oncology coding guidance (CPT hierarchy): oxaliplatin
    2 hours (96413, 96415), leucovorin run at the same time (96368, concurrent), fluorouracil
    push (96411) and the 46-hour fluorouracil pump started (96416)."""
    result = codes(
        Administration("oxaliplatin", Route.IV, CHEMO, 0, 120),
        Administration("leucovorin", Route.IV, THERAPY, 0, 120),
        Administration("fluorouracil", Route.IV_PUSH, CHEMO, 125),
        Administration("fluorouracil", Route.IV, CHEMO, 130, 130 + 46 * 60, pump=True),
    )
    assert result == [("96413", 1), ("96415", 1), ("96368", 1), ("96411", 1), ("96416", 1)]
