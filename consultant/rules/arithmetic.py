"""The coding arithmetic in one import: excised diameters and repair sums (skin), timed
units (timed_units), drug units (drug_units) and infusion hours (drugs.extra_hours). Each
rule lives in its own module; this one only gathers them for callers."""

from consultant.rules.drug_units import (
    DrugLine,
    DrugUnits,
    HcpcsUnit,
    Quantity,
    drug_units,
    hcpcs_unit,
    quantity,
)
from consultant.rules.drugs import extra_hours
from consultant.rules.skin import (
    Behaviour,
    CodeUnits,
    Excision,
    RepairClass,
    Repairs,
    Site,
    Wound,
    excision_code,
    repair_codes,
)
from consultant.rules.timed_units import (
    TimedService,
    TimedUnits,
    cpt_timed_units,
    medicare_timed_units,
    units_for_minutes,
)

__all__ = [
    "Behaviour",
    "CodeUnits",
    "DrugLine",
    "DrugUnits",
    "Excision",
    "HcpcsUnit",
    "Quantity",
    "RepairClass",
    "Repairs",
    "Site",
    "TimedService",
    "TimedUnits",
    "Wound",
    "cpt_timed_units",
    "drug_units",
    "excision_code",
    "extra_hours",
    "hcpcs_unit",
    "medicare_timed_units",
    "quantity",
    "repair_codes",
    "units_for_minutes",
]
