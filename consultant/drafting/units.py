"""Drug doses turned into HCPCS units: the descriptor's amount per unit decides."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# "per 1 mg", "1 mg", "up to 50 mg", "per 250 mg", "100,000 units", "25 mcg", "1000 cc"
_PER = re.compile(
    r"(?:per|up to)?\s*(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|micrograms?|g|units?|ml|cc)\b", re.I
)
_TO_BASE = {
    "mg": ("mg", 1.0),
    "g": ("mg", 1000.0),
    "mcg": ("mg", 0.001),
    "microgram": ("mg", 0.001),
    "micrograms": ("mg", 0.001),
    "units": ("units", 1.0),
    "unit": ("units", 1.0),
    "ml": ("ml", 1.0),
    "cc": ("ml", 1.0),
}


@dataclass(frozen=True)
class DoseUnits:
    code: str
    dose: float
    dose_unit: str
    per: float
    per_unit: str
    units: int

    def explain(self) -> str:
        return (
            f"{_num(self.dose)} {self.dose_unit} at {_num(self.per)} {self.per_unit} per unit "
            f"= {self.units} unit{'s' if self.units != 1 else ''} of {self.code}"
        )


def amount_per_unit(descriptor: str) -> tuple[float, str] | None:
    """The last dose amount written in a drug descriptor, e.g. (250.0, 'mg')."""
    found = _PER.findall(descriptor)
    if not found:
        return None
    value, unit = found[-1]
    return float(value.replace(",", "")), unit.lower()


def units_for(code: str, descriptor: str, dose: float, dose_unit: str) -> DoseUnits | None:
    """Units to bill for ``dose`` of the drug ``code``, or None if the units do not convert."""
    per = amount_per_unit(descriptor)
    if per is None or dose <= 0:
        return None
    per_value, per_unit = per
    base_dose, base_per = _TO_BASE.get(dose_unit), _TO_BASE.get(per_unit)
    if base_dose is None or base_per is None or base_dose[0] != base_per[0] or per_value <= 0:
        return None
    ratio = (dose * base_dose[1]) / (per_value * base_per[1])
    # Bill whole units, rounding up a partial unit; guard against float noise.
    units = max(1, math.ceil(round(ratio, 6)))
    return DoseUnits(code, dose, dose_unit, per_value, per_unit, units)


def _num(value: float) -> str:
    return f"{value:g}"
