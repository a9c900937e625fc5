"""Drug billing units: the HCPCS unit read from the code's long descriptor ("per 10 mg",
"1 mg", "up to 1000 mcg"), the dose rounded up to whole units, JW for the discarded part of
a single-dose container and JZ when none was discarded, and the MUE check.

Sources: Medicare Claims Processing Manual ch. 17 s. 10 and 40 (units in multiples of the
descriptor's dose, rounded up; discarded drug from single-dose containers with JW, JZ
required from July 2023 when nothing is discarded; multi-dose containers never), and the
MAC articles on JW/JZ (e.g. 305 mg given from a 400 mg vial at 10 mg a unit: 31 units
administered and 9 units JW)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

# Unit words in HCPCS descriptors and in doses, to one spelling each.
UNIT_WORDS = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "g": "g",
    "gm": "g",
    "gram": "g",
    "grams": "g",
    "ml": "ml",
    "cc": "ml",
    "unit": "units",
    "units": "units",
    "iu": "units",
    "i.u.": "units",
    "million units": "million units",
    "meq": "meq",
}
# Conversions within the mass family, to micrograms.
MICROGRAMS = {"mcg": Decimal(1), "mg": Decimal(1000), "g": Decimal(1_000_000)}

_UNIT = r"(million units|milligrams?|micrograms?|mg|mcg|grams?|gm|g|ml|cc|units?|i\.u\.|iu|meq)"
_NUMBER = r"(\d[\d,]*(?:\.\d+)?|\.\d+)"
# One comma-separated part of the descriptor that is only a dose: "per 10 mg", "1 mg",
# "up to 1000 mcg", "per unit", "10 mg of iron", "10 mg and hyaluronidase-oysk".
_DOSE_PART = re.compile(
    rf"^(?P<kind>per|up to)?\s*(?P<amount>{_NUMBER})?\s*(?P<unit>{_UNIT})(?:\s+of\s+\w+|\s+and\s+hyaluronidase[-\w]*)?$"
)
# A descriptor without the comma: "Injection, burosumab-twza 1 mg" (only when it names one dose).
_TRAILING_DOSE = re.compile(rf"\s(?P<amount>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_ANY_DOSE = re.compile(rf"\d\s*{_UNIT}\b")
_PARENTHESES = re.compile(r"\([^)]*\)")
_QUANTITY = re.compile(rf"^\s*{_NUMBER}\s*{_UNIT}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    amount: Decimal
    unit: str  # one of UNIT_WORDS' values

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} {self.unit}"


@dataclass(frozen=True)
class HcpcsUnit:
    per: Quantity  # one billing unit
    up_to: bool  # "up to 50 mg": one unit for any dose to that amount


def quantity(text: str) -> Quantity:
    """'8 mg', '1,000 mcg', '0.5 ml' as a Quantity (ValueError otherwise)."""
    match = _QUANTITY.match(text)
    if not match:
        raise ValueError(f"not an amount with a unit: {text!r}")
    return Quantity(Decimal(match[1].replace(",", "")), UNIT_WORDS[match[2].lower()])


def hcpcs_unit(descriptor: str) -> HcpcsUnit | None:
    """The billing unit named in a HCPCS long descriptor, or None when it names none
    ("per visit", "each", "not otherwise classified")."""
    # Notes in parentheses ("(for esrd on dialysis)", "(code may be used for medicare ...,
    # ...)") carry commas of their own and never the unit.
    text = _PARENTHESES.sub("", descriptor.lower())
    # Not a thousands separator ("100,000 units"), which read as a part gave 0 per unit.
    parts = [p.strip() for p in re.split(r",(?!\d{3}\b)", text)]
    for part in reversed(parts):
        match = _DOSE_PART.match(part)
        if match:
            amount = Decimal((match["amount"] or "1").replace(",", ""))
            return HcpcsUnit(Quantity(amount, UNIT_WORDS[match["unit"]]), match["kind"] == "up to")
    trailing = _TRAILING_DOSE.search(parts[-1])
    if trailing and len(_ANY_DOSE.findall(text)) == 1:
        amount = Decimal(trailing["amount"].replace(",", ""))
        return HcpcsUnit(Quantity(amount, UNIT_WORDS[trailing["unit"]]), False)
    return None


def _units(count: int) -> str:
    """'1 unit', '750 units': the count as the reply says it."""
    return f"{count} unit" if count == 1 else f"{count} units"


def convert(value: Quantity, unit: str) -> Decimal:
    """The amount of `value` in `unit` (ValueError across families, e.g. mg to ml)."""
    if value.unit == unit:
        return value.amount
    if value.unit in MICROGRAMS and unit in MICROGRAMS:
        return value.amount * MICROGRAMS[value.unit] / MICROGRAMS[unit]
    raise ValueError(f"cannot convert {value.unit} to {unit}: give the dose in {unit}")


def whole_units(amount: Quantity, per: Quantity) -> int:
    """Billing units for an amount: divided by the unit's dose and rounded up."""
    if not per.amount:
        raise ValueError(f"a billing unit of {per} cannot be counted")
    return int((convert(amount, per.unit) / per.amount).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class DrugLine:
    code: str
    units: int
    modifier: str | None = None  # "JW" for the discarded amount, "JZ" when none was


@dataclass(frozen=True)
class DrugUnits:
    unit: HcpcsUnit
    lines: tuple[DrugLine, ...]
    exceeds_mue: bool
    worked: tuple[str, ...]

    @property
    def units(self) -> int:
        """Units administered: the first line (a JW line, if any, follows it)."""
        return self.lines[0].units

    @property
    def modifiers(self) -> tuple[str, ...]:
        return tuple(line.modifier for line in self.lines if line.modifier)

    def explain(self) -> str:
        """The claim lines and the worked sum, for the reply."""
        shown = " and ".join(
            f"{line.code}{'-' + line.modifier if line.modifier else ''} x {line.units}"
            for line in self.lines
        )
        return f"{shown} ({'; '.join(self.worked)})"


def drug_units(
    code: str,
    descriptor: str,
    dose: Quantity,
    *,
    container: Quantity | None = None,
    single_dose: bool = True,
    mue: int | None = None,
) -> DrugUnits:
    """Claim lines for a drug dose. `container` is the labelled amount of the container(s)
    opened; with a single-dose container the discarded part goes on its own JW line."""
    unit = hcpcs_unit(descriptor)
    if unit is None:
        raise ValueError(f"{code}: the descriptor names no billing unit")
    per = unit.per
    given = whole_units(dose, per)
    converted = convert(dose, per.unit).normalize()
    ratio = f"{converted:f} / {per.amount.normalize():f}"
    # A dose in another unit of the family is shown in the descriptor's unit too.
    shown = f"{dose} ({converted:f} {per.unit})" if dose.unit != per.unit else str(dose)
    worked = [
        f"{code} is billed {'up to' if unit.up_to else 'per'} {per}; "
        f"dose {shown} = {ratio} -> {_units(given)} (rounded up)"
    ]
    lines = [DrugLine(code, given)]
    if container is not None and single_dose:
        lines, more = _waste(code, dose, container, per, given)
        worked += more
    elif container is not None:
        worked.append("multi-dose container: no JW or JZ, and waste is not billed")
    billed = sum(line.units for line in lines)
    exceeds = mue is not None and billed > mue
    if mue is not None:
        verdict = "exceeds it; units above the MUE are denied" if exceeds else "within it"
        worked.append(f"MUE for {code}: {_units(mue)}; {billed} billed, {verdict}")
    return DrugUnits(unit, tuple(lines), exceeds, tuple(worked))


def _waste(
    code: str, dose: Quantity, container: Quantity, per: Quantity, given: int
) -> tuple[list[DrugLine], list[str]]:
    opened = convert(container, per.unit)
    used = convert(dose, per.unit)
    if opened < used:
        raise ValueError(f"{code}: the container ({container}) holds less than the dose ({dose})")
    in_vial = whole_units(container, per)
    discarded = opened - used
    unit_word = per.unit
    if discarded == 0:
        return [DrugLine(code, given, "JZ")], [
            f"single-dose container fully used ({container}): JZ on the line"
        ]
    wasted = in_vial - given
    if wasted > 0:
        return [DrugLine(code, given), DrugLine(code, wasted, "JW")], [
            f"container {container} = {_units(in_vial)}; {in_vial} - {given} administered = "
            f"{_units(wasted)} discarded ({discarded.normalize():f} {unit_word}) -> "
            f"separate line with JW"
        ]
    return [DrugLine(code, given)], [
        f"{discarded.normalize():f} {unit_word} discarded is inside the unit already billed by "
        "rounding up: no JW line; confirm whether the payer wants JZ on it"
    ]
