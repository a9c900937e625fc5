"""Drug units from doses, with the HCPCS unit read from the CMS HCPCS file's descriptors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consultant.rules.drug_units import (
    DrugLine,
    HcpcsUnit,
    Quantity,
    drug_units,
    hcpcs_unit,
    quantity,
)
from tests.rules.hcpcs_file import descriptor


@pytest.mark.parametrize(
    ("code", "per", "up_to"),
    [
        ("J1100", "1 mg", False),
        ("J1885", "15 mg", False),
        ("J2405", "1 mg", False),
        ("J3301", "10 mg", False),
        ("J1040", "80 mg", False),
        ("J1030", "40 mg", False),
        ("J0696", "250 mg", False),
        ("J3420", "1000 mcg", True),
        ("J2550", "50 mg", True),
        ("J1650", "10 mg", False),
        ("J9312", "10 mg", False),
        ("J0129", "10 mg", False),  # unit before a parenthesis that holds commas
        ("J9356", "10 mg", False),  # "10 mg and hyaluronidase-oysk"
        # Bug: the thousands separator split the unit ("100" and "000 units": 0 per unit,
        # and a division by zero out of drafting).
        ("J0561", "100000 units", False),
        ("J2510", "600000 units", True),
        ("J2995", "250000 iu", False),
    ],
)
def test_unit_read_from_the_hcpcs_descriptor(code: str, per: str, up_to: bool) -> None:
    """HCPCS 2026 long descriptors (CMS alpha-numeric file): the billing unit is the dose the
    descriptor names ("per 250 mg", "1 mg", "up to 1000 mcg")."""
    assert hcpcs_unit(descriptor(code)) == HcpcsUnit(quantity(per), up_to)


def test_descriptors_without_one_unit_give_none() -> None:
    """A descriptor naming two drugs' doses or no dose has no single billing unit (HCPCS
    2026: J0742 imipenem/cilastatin/relebactam; J3490 unclassified drugs)."""
    assert hcpcs_unit(descriptor("J0742")) is None
    assert hcpcs_unit(descriptor("J3490")) is None


@pytest.mark.parametrize(
    ("code", "dose", "units"),
    [
        ("J1100", "10 mg", 10),
        ("J1885", "30 mg", 2),
        ("J1885", "60 mg", 4),
        ("J1885", "20 mg", 2),
        ("J2405", "4 mg", 4),
        ("J3301", "40 mg", 4),
        ("J1040", "80 mg", 1),
        ("J0696", "1 g", 4),
        ("J0696", "500 mg", 2),
        ("J3420", "1000 mcg", 1),
        ("J3420", "1 mg", 1),
        ("J2550", "25 mg", 1),
        ("J1650", "40 mg", 4),
        ("J1030", "40 mg", 1),
        ("J2405", "8 mg", 8),
        ("J9190", "2400 mg", 5),  # 500 mg a unit: 4.8 rounded up
        ("J0561", "2,400,000 units", 24),  # 100,000 units a unit
    ],
)
def test_units_from_a_dose(code: str, dose: str, units: int) -> None:
    """Medicare Claims Processing Manual ch. 17 (units in multiples of the descriptor's dose,
    rounded up): ceftriaxone 1 g at 250 mg a unit is 4 units, ketorolac 20 mg at 15 mg a unit
    is 2, B12 1000 mcg up to 1000 mcg is 1."""
    result = drug_units(code, descriptor(code), quantity(dose))
    assert result.lines == (DrugLine(code, units),)


def test_waste_from_a_single_dose_vial_on_a_jw_line() -> None:
    """CGS Medicare JW/JZ article (June 2023): 305 mg given at 10 mg a unit from 400 mg of
    single-use vials is 31 units administered and 9 units discarded with JW."""
    result = drug_units(
        "J9312", descriptor("J9312"), quantity("305 mg"), container=quantity("400 mg")
    )
    assert result.lines == (DrugLine("J9312", 31), DrugLine("J9312", 9, "JW"))
    assert "40 - 31 administered = 9 units" in result.worked[1]


def test_nothing_discarded_is_jz_and_multi_dose_is_neither() -> None:
    """CMS JW/JZ policy (ch. 17 s. 40): JZ when a single-dose container is used entirely;
    multi-dose containers take neither modifier."""
    full = drug_units("J3301", descriptor("J3301"), quantity("40 mg"), container=quantity("40 mg"))
    assert full.lines == (DrugLine("J3301", 4, "JZ"),)
    multi = drug_units(
        "J3301",
        descriptor("J3301"),
        quantity("40 mg"),
        container=quantity("200 mg"),
        single_dose=False,
    )
    assert multi.lines == (DrugLine("J3301", 4),)


def test_waste_inside_the_rounded_unit_has_no_jw_line() -> None:
    """Same policy: JW reports whole discarded billing units; 35 mg from a 40 mg vial at
    10 mg a unit bills 4 units and leaves nothing to report with JW."""
    result = drug_units(
        "J3301", descriptor("J3301"), quantity("35 mg"), container=quantity("40 mg")
    )
    assert result.lines == (DrugLine("J3301", 4),)


def test_mue_is_checked_over_all_lines() -> None:
    """NCCI MUEs count every unit of the code on the date, the JW line included."""
    result = drug_units(
        "J9312", descriptor("J9312"), quantity("305 mg"), container=quantity("400 mg"), mue=35
    )
    assert result.exceeds_mue
    assert "40 billed" in result.worked[-1]


def test_units_across_families_are_refused() -> None:
    """A dose in ml cannot be turned into mg without the concentration."""
    with pytest.raises(ValueError):
        drug_units("J1100", descriptor("J1100"), quantity("2 ml"))
    assert quantity("1,000 mcg") == Quantity(Decimal(1000), "mcg")


def test_the_worked_sum_says_units_as_a_coder_writes_them() -> None:
    """ "750 mg = 750 / 1 -> 750 units": the reply states the count, not "unit(s)"."""
    result = drug_units("J1439", "Injection, ferric carboxymaltose, 1 mg", quantity("750 mg"))
    assert "-> 750 units (rounded up)" in result.worked[0]
    one = drug_units("J1885", "Injection, ketorolac tromethamine, per 15 mg", quantity("15 mg"))
    assert "-> 1 unit (rounded up)" in one.worked[0]
