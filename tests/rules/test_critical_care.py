"""Critical care time units: CPT's table and Medicare's 104-minute rule."""

from __future__ import annotations

import pytest

from consultant.rules.critical_care import critical_care
from consultant.rules.em import Payer


@pytest.mark.parametrize(
    ("minutes", "lines"),
    [
        (29, ()),
        (30, (("99291", 1),)),
        (74, (("99291", 1),)),
        (75, (("99291", 1), ("99292", 1))),
        (104, (("99291", 1), ("99292", 1))),
        (105, (("99291", 1), ("99292", 2))),
        (135, (("99291", 1), ("99292", 3))),
    ],
)
def test_cpt_critical_care_table(minutes: int, lines: tuple[tuple[str, int], ...]) -> None:
    """CPT critical care guidelines' table: under 30 minutes another E/M; 30-74 99291;
    75-104 99291 + 99292; 105-134 99291 + 99292 x 2."""
    assert critical_care(minutes).lines == lines


@pytest.mark.parametrize(
    ("minutes", "units"), [(74, 0), (103, 0), (104, 1), (133, 1), (134, 2), (164, 3)]
)
def test_medicare_99292_from_104_minutes(minutes: int, units: int) -> None:
    """CMS CY2023 PFS final rule: Medicare pays 99292 when 104 minutes are
    reached, another unit for each further full 30 minutes."""
    lines = dict(critical_care(minutes, Payer.MEDICARE).lines)
    assert lines.get("99292", 0) == units
    assert lines["99291"] == 1
