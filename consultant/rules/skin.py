"""Skin arithmetic: the excised diameter of a lesion and its excision code, and wound repairs
summed by class and anatomic group into codes with length bands.

Sources: the CPT integumentary guidelines (excision: greatest clinical diameter plus twice
the narrowest margin, measured before excision; repair: add the lengths of wounds of the same
class in the same anatomic group; the more complicated class is listed first). The bands and
site groups are public structure of the code set, stated here as tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import Enum


class Site(Enum):
    SCALP = "scalp"
    NECK = "neck"
    AXILLA = "axilla"
    GENITALIA = "external genitalia"
    TRUNK = "trunk"
    ARM = "arm"
    LEG = "leg"
    HAND = "hand"
    FOOT = "foot"
    FACE = "face"
    FOREHEAD = "forehead"
    CHEEK = "cheek"
    CHIN = "chin"
    MOUTH = "mouth"
    EAR = "ear"
    EYELID = "eyelid"
    NOSE = "nose"
    LIP = "lip"
    MUCOUS_MEMBRANE = "mucous membrane"


class Behaviour(Enum):
    BENIGN = "benign"
    MALIGNANT = "malignant"


class RepairClass(Enum):
    # Ordered from the most complicated: that is the order of the lines on the claim.
    COMPLEX = "complex"
    INTERMEDIATE = "intermediate"
    SIMPLE = "simple"


FACIAL = {Site.FACE, Site.FOREHEAD, Site.CHEEK, Site.CHIN, Site.MOUTH, Site.EAR, Site.EYELID}
FACIAL |= {Site.NOSE, Site.LIP, Site.MUCOUS_MEMBRANE}

# Excision site groups: the third digit of 114x/116x codes. The axilla is not named in any
# excision group, so it is left to the coder rather than guessed.
EXCISION_GROUPS: tuple[tuple[str, str, frozenset[Site]], ...] = (
    ("0", "trunk, arms or legs", frozenset({Site.TRUNK, Site.ARM, Site.LEG})),
    (
        "2",
        "scalp, neck, hands, feet or genitalia",
        frozenset({Site.SCALP, Site.NECK, Site.HAND, Site.FOOT, Site.GENITALIA}),
    ),
    ("4", "face, ears, eyelids, nose, lips or mucous membrane", frozenset(FACIAL)),
)
Band = tuple[Decimal, str]  # (upper bound in cm, code or last digit)


def _bands(limits: tuple[str, ...], codes: tuple[str, ...]) -> tuple[Band, ...]:
    return tuple((Decimal(limit), code) for limit, code in zip(limits, codes, strict=True))


# 0.5 or less, 0.6-1.0, 1.1-2.0, 2.1-3.0, 3.1-4.0, over 4.0 cm -> last digit 0-4, 6.
EXCISION_BANDS = _bands(("0.5", "1.0", "2.0", "3.0", "4.0", "Infinity"), tuple("012346"))


_SIMPLE_LIMITS = ("2.5", "7.5", "12.5", "20.0", "30.0", "Infinity")
_FACE_LIMITS = ("2.5", "5.0", "7.5", "12.5", "20.0", "30.0", "Infinity")


@dataclass(frozen=True)
class RepairGroup:
    name: str
    sites: frozenset[Site]
    bands: tuple[Band, ...]
    addon: str | None = None  # complex repairs: each additional 5 cm or less beyond 7.5 cm


REPAIR_GROUPS: dict[RepairClass, tuple[RepairGroup, ...]] = {
    RepairClass.SIMPLE: (
        RepairGroup(
            "scalp, neck, axillae, external genitalia, trunk and extremities",
            frozenset(set(Site) - FACIAL),
            _bands(_SIMPLE_LIMITS, ("12001", "12002", "12004", "12005", "12006", "12007")),
        ),
        RepairGroup(
            "face, ears, eyelids, nose, lips and mucous membranes",
            frozenset(FACIAL),
            _bands(_FACE_LIMITS, ("12011", "12013", "12014", "12015", "12016", "12017", "12018")),
        ),
    ),
    RepairClass.INTERMEDIATE: (
        RepairGroup(
            "scalp, axillae, trunk and extremities (not hands or feet)",
            frozenset({Site.SCALP, Site.AXILLA, Site.TRUNK, Site.ARM, Site.LEG}),
            _bands(_SIMPLE_LIMITS, ("12031", "12032", "12034", "12035", "12036", "12037")),
        ),
        RepairGroup(
            "neck, hands, feet and external genitalia",
            frozenset({Site.NECK, Site.HAND, Site.FOOT, Site.GENITALIA}),
            _bands(_SIMPLE_LIMITS, ("12041", "12042", "12044", "12045", "12046", "12047")),
        ),
        RepairGroup(
            "face, ears, eyelids, nose, lips and mucous membranes",
            frozenset(FACIAL),
            _bands(_FACE_LIMITS, ("12051", "12052", "12053", "12054", "12055", "12056", "12057")),
        ),
    ),
    RepairClass.COMPLEX: (
        RepairGroup(
            "trunk", frozenset({Site.TRUNK}), _bands(("2.5", "7.5"), ("13100", "13101")), "13102"
        ),
        RepairGroup(
            "scalp, arms and legs",
            frozenset({Site.SCALP, Site.ARM, Site.LEG}),
            _bands(("2.5", "7.5"), ("13120", "13121")),
            "13122",
        ),
        RepairGroup(
            "forehead, cheeks, chin, mouth, neck, axillae, genitalia, hands and feet",
            frozenset({Site.FOREHEAD, Site.CHEEK, Site.CHIN, Site.MOUTH, Site.NECK, Site.AXILLA})
            | {Site.GENITALIA, Site.HAND, Site.FOOT},
            _bands(("2.5", "7.5"), ("13131", "13132")),
            "13133",
        ),
        RepairGroup(
            "eyelids, nose, ears and lips",
            frozenset({Site.EYELID, Site.NOSE, Site.EAR, Site.LIP}),
            _bands(("2.5", "7.5"), ("13151", "13152")),
            "13153",
        ),
    ),
}
COMPLEX_MINIMUM = Decimal("1.1")  # 1.0 cm or less: CPT points to simple or intermediate repair


def cm(value: float | Decimal | str) -> Decimal:
    """A length as an exact decimal (0.1 + 0.2 must be 0.3 when sizes are compared to bands)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class CodeUnits:
    code: str
    units: int = 1


@dataclass(frozen=True)
class Excision:
    code: str | None
    diameter_cm: Decimal
    worked: tuple[str, ...]


def excision_code(
    behaviour: Behaviour, site: Site, lesion_cm: float | Decimal, margin_cm: float | Decimal = 0
) -> Excision:
    """The excision code from the excised diameter: the greatest clinical diameter of the
    lesion plus twice the narrowest margin. Simple closure is included; intermediate or
    complex closure is a separate repair code."""
    diameter = cm(lesion_cm) + 2 * cm(margin_cm)
    worked = [f"lesion {cm(lesion_cm)} cm + 2 x {cm(margin_cm)} cm margins = {diameter} cm"]
    group = next((g for g in EXCISION_GROUPS if site in g[2]), None)
    if group is None:
        worked.append(f"{site.value} is in no excision site group: name the nearest region")
        return Excision(None, diameter, tuple(worked))
    digit, name, _ = group
    band = next(d for limit, d in EXCISION_BANDS if diameter <= limit)
    code = f"11{'4' if behaviour is Behaviour.BENIGN else '6'}{digit}{band}"
    worked.append(f"{behaviour.value}, {name}, {diameter} cm -> {code}")
    worked.append("simple closure is included; intermediate or complex closure is a repair code")
    return Excision(code, diameter, tuple(worked))


# Shave removal: the excision site groups, the first code of each (11300, 11305, 11310) and
# four bands of the lesion's own diameter (no margins): 0.5 or less, 0.6-1.0, 1.1-2.0, over 2.0.
SHAVE_FIRST = {"0": 11300, "2": 11305, "4": 11310}
SHAVE_BANDS = _bands(("0.5", "1.0", "2.0", "Infinity"), ("0", "1", "2", "3"))


def shave_code(site: Site, lesion_cm: float | Decimal) -> Excision:
    """The shave removal code (11300-11313) from the site group and the lesion's diameter."""
    diameter = cm(lesion_cm)
    group = next((g for g in EXCISION_GROUPS if site in g[2]), None)
    if group is None:
        note = f"{site.value} is in no shave removal site group: name the nearest region"
        return Excision(None, diameter, (note,))
    digit, name, _ = group
    band = next(int(d) for limit, d in SHAVE_BANDS if diameter <= limit)
    code = str(SHAVE_FIRST[digit] + band)
    worked = (
        f"shave removal, {name}, lesion diameter {diameter} cm -> {code}",
        "shave removal codes go by the site group and the lesion's diameter; no margins are added",
    )
    return Excision(code, diameter, worked)


@dataclass(frozen=True)
class Wound:
    repair: RepairClass
    site: Site
    length_cm: float | Decimal


@dataclass(frozen=True)
class Repairs:
    codes: tuple[CodeUnits, ...]  # the most complicated class first
    worked: tuple[str, ...]


def repair_group(repair: RepairClass, site: Site) -> RepairGroup:
    """The anatomic group of a repair class that holds the site (ValueError when none)."""
    for group in REPAIR_GROUPS[repair]:
        if site in group.sites:
            return group
    raise ValueError(f"no {repair.value} repair group names the {site.value}; name the region")


def repair_codes(wounds: Sequence[Wound]) -> Repairs:
    """Repair codes: lengths added within a class and anatomic group, never across them."""
    totals: dict[tuple[RepairClass, str], Decimal] = {}
    parts: dict[tuple[RepairClass, str], list[str]] = {}
    groups: dict[str, RepairGroup] = {}
    for wound in wounds:
        group = repair_group(wound.repair, wound.site)
        key = (wound.repair, group.name)
        groups[group.name] = group
        totals[key] = totals.get(key, Decimal(0)) + cm(wound.length_cm)
        parts.setdefault(key, []).append(f"{cm(wound.length_cm)}")
    order = list(RepairClass)
    keys = sorted(totals, key=lambda k: (order.index(k[0]), -totals[k]))
    codes: list[CodeUnits] = []
    worked: list[str] = []
    for repair, name in keys:
        total, group = totals[(repair, name)], groups[name]
        summed = " + ".join(parts[(repair, name)])
        head = f"{repair.value} repair, {name}: {summed} = {total} cm"
        found, line = _repair_band(repair, group, total)
        codes += found
        worked.append(f"{head} -> {line}")
    if len({k[0] for k in keys}) > 1:
        worked.append(
            "more than one class: the more complicated repair is listed first; CPT's repair "
            "guidelines put modifier 59 on the less complicated one"
        )
    return Repairs(tuple(codes), tuple(worked))


def _repair_band(
    repair: RepairClass, group: RepairGroup, total: Decimal
) -> tuple[list[CodeUnits], str]:
    if repair is RepairClass.COMPLEX and total < COMPLEX_MINIMUM:
        return (
            [],
            "complex codes start at 1.1 cm; 1.0 cm or less is a simple or intermediate repair",
        )
    for limit, code in group.bands:
        if total <= limit:
            return [CodeUnits(code)], code
    # Complex repair beyond 7.5 cm: the 2.6-7.5 code plus an add-on per further 5 cm or part.
    base = group.bands[-1]
    extra = ((total - base[0]) / 5).to_integral_value(rounding=ROUND_CEILING)
    assert group.addon is not None
    units = int(extra)
    line = f"{base[1]} (to {base[0]} cm) + {group.addon} x {units} ({total - base[0]} cm more, per 5 cm or part)"
    return [CodeUnits(base[1]), CodeUnits(group.addon, units)], line


# Skin biopsies by technique (CPT 2019 biopsy guidelines): one primary code per encounter,
# the highest technique performed (incisional over punch over tangential); every other lesion
# is reported with the add-on of its own technique, never a second primary or modifier 59.
BIOPSY_RANK = ("11106", "11104", "11102")  # incisional, punch, tangential: first codes
BIOPSY_ADDON = {"11106": "11107", "11104": "11105", "11102": "11103"}
BIOPSY_TECHNIQUE = {"11106": "incisional", "11104": "punch", "11102": "tangential"}


def biopsy_codes(first_codes: Sequence[str]) -> tuple[str, list[str]] | None:
    """The primary and the add-ons for lesions biopsied by two or more techniques, or None
    when one technique (or none) is named."""
    techniques = [code for code in BIOPSY_RANK if code in first_codes]
    if len(techniques) < 2:
        return None
    return techniques[0], [BIOPSY_ADDON[code] for code in techniques[1:]]
