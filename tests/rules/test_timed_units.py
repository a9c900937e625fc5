"""The 8-minute rule against the Medicare Claims Processing Manual's own examples."""

from __future__ import annotations

import pytest

from consultant.rules.timed_units import (
    TimedService,
    cpt_timed_units,
    medicare_timed_units,
    units_for_minutes,
)


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5)],
)
def test_cms_unit_table(minutes: int, units: int) -> None:
    """Medicare Claims Processing Manual ch. 5 s. 20.2 table: 8-22 minutes one unit, 23-37
    two, 38-52 three, 53-67 four, 68-82 five."""
    assert units_for_minutes(minutes) == units


def test_three_short_services_make_one_unit() -> None:
    """Ch. 5 s. 20.2 Example 1: 7 minutes each of 97112, 97110 and 97140 (21 minutes): one
    unit, to one of the three (a tie)."""
    result = medicare_timed_units(
        [TimedService("97112", 7), TimedService("97110", 7), TimedService("97140", 7)]
    )
    assert result.total_units == 1
    assert sum(n for _, n in result.units) == 1
    assert any(line.startswith("tie:") for line in result.worked)


def test_remaining_unit_goes_to_the_service_with_more_minutes_left() -> None:
    """Ch. 5 s. 20.2 Example 2: 33 minutes of 97110 and 7 of 97140 (40 minutes, 3 units):
    2 units of 97110 and 1 of 97140."""
    result = medicare_timed_units([TimedService("97110", 33), TimedService("97140", 7)])
    assert result.units == (("97110", 2), ("97140", 1))


def test_four_services_forty_nine_minutes() -> None:
    """Ch. 5 s. 20.2 Example 4: 97110 18, 97140 13, 97116 10, 97035 8 minutes (49 minutes,
    3 units): one unit each of 97110, 97140 and 97116; 97035 gets none."""
    result = medicare_timed_units(
        [
            TimedService("97110", 18),
            TimedService("97140", 13),
            TimedService("97116", 10),
            TimedService("97035", 8),
        ]
    )
    assert result.units == (("97110", 1), ("97140", 1), ("97116", 1), ("97035", 0))
    assert (
        result.worked[0] == "total timed minutes 18 + 13 + 10 + 8 = 49 -> 3 units (8-minute rule)"
    )


def test_more_units_to_the_longer_service() -> None:
    """Ch. 5 s. 20.2: 24 minutes of 97112 and 23 of 97110 (47 minutes, 3 units): 2 units of
    97112 and 1 of 97110."""
    result = medicare_timed_units([TimedService("97112", 24), TimedService("97110", 23)])
    assert result.units == (("97112", 2), ("97110", 1))


def test_cpt_rule_counts_each_code_alone() -> None:
    """CPT time rule (a unit once the mid-point is passed), per code: the 7 + 7 + 7 minutes
    of Example 1 give no unit, where Medicare's pooled rule gives one."""
    services = [TimedService("97112", 7), TimedService("97110", 7), TimedService("97140", 7)]
    assert cpt_timed_units(services).total_units == 0
    assert cpt_timed_units([TimedService("97110", 38)]).units == (("97110", 3),)
