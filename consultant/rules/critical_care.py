"""Critical care time: 99291 for the first 30-74 minutes on the date, 99292 for each further
30 minutes, counted differently by CPT and by Medicare.

Sources: the CPT critical care guidelines' time table (under 30 minutes another E/M code;
30-74 minutes 99291; 75-104 minutes 99291 and 99292; each further 30 minutes another 99292)
and the CMS CY2023 physician fee schedule final rule (Medicare pays 99292 only
once 104 minutes are reached, i.e. a full 30 minutes beyond the 74 of 99291)."""

from __future__ import annotations

from dataclasses import dataclass

from consultant.rules.em import Payer

FIRST_HOUR = ("99291", 30)  # at least 30 minutes
ADDITIONAL = "99292"
ADDITIONAL_FROM = {Payer.CPT: 75, Payer.MEDICARE: 104}
BLOCK = 30


@dataclass(frozen=True)
class CriticalCare:
    lines: tuple[tuple[str, int], ...]  # (code, units); empty under 30 minutes
    worked: tuple[str, ...]


def critical_care(minutes: int, payer: Payer = Payer.CPT) -> CriticalCare:
    """Critical care codes and units for the total critical care time on the date."""
    code, need = FIRST_HOUR
    if minutes < need:
        line = f"{minutes} min of critical care is under {need}: report another E/M code"
        return CriticalCare((), (line,))
    start = ADDITIONAL_FROM[payer]
    worked = [f"{minutes} min on the date: {code} covers the first 30-74 min"]
    if minutes < start:
        worked.append(f"{ADDITIONAL} ({payer.value}) starts at {start} min: none")
        return CriticalCare(((code, 1),), tuple(worked))
    units = 1 + (minutes - start) // BLOCK
    worked.append(
        f"{ADDITIONAL} ({payer.value}): first unit at {start} min, one per further full "
        f"{BLOCK} min -> {units} unit{'s' if units > 1 else ''}"
    )
    return CriticalCare(((code, 1), (ADDITIONAL, units)), tuple(worked))
