"""Excised diameters and repair sums against published examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consultant.rules.skin import (
    Behaviour,
    CodeUnits,
    RepairClass,
    Site,
    Wound,
    excision_code,
    repair_codes,
    shave_code,
)


def test_malignant_excision_adds_both_margins() -> None:
    """CPT excision guidelines: the excised diameter is the greatest clinical diameter plus
    twice the narrowest margin; a 2.1 cm basal cell carcinoma of the back with 0.4 cm margins
    is 2.9 cm, malignant, trunk, 2.1-3.0 cm."""
    result = excision_code(Behaviour.MALIGNANT, Site.TRUNK, 2.1, 0.4)
    assert result.diameter_cm == Decimal("2.9")
    assert result.code == "11603"
    assert result.worked[0] == "lesion 2.1 cm + 2 x 0.4 cm margins = 2.9 cm"


@pytest.mark.parametrize(
    ("behaviour", "site", "lesion", "margin", "code"),
    [
        # 1.0 cm nevus of the arm with 0.2 cm margins: 1.4 cm, 1.1-2.0 band.
        (Behaviour.BENIGN, Site.ARM, 1.0, 0.2, "11402"),
        # A lesion of 0.5 cm without margins stays in the lowest band.
        (Behaviour.BENIGN, Site.LEG, 0.5, 0, "11400"),
        # 0.4 cm + 2 x 0.1 cm = 0.6 cm moves to the next band (floating point must not).
        (Behaviour.BENIGN, Site.SCALP, 0.4, 0.1, "11421"),
        (Behaviour.MALIGNANT, Site.NOSE, 0.8, 0.1, "11641"),
        (Behaviour.MALIGNANT, Site.CHEEK, 3.5, 0.5, "11646"),
        (Behaviour.MALIGNANT, Site.CHEEK, 3.0, 0.5, "11644"),
        (Behaviour.MALIGNANT, Site.HAND, 2.0, 0.6, "11624"),
        (Behaviour.MALIGNANT, Site.HAND, 2.0, 0.5, "11623"),
        (Behaviour.BENIGN, Site.FOOT, 1.5, 0.3, "11423"),
    ],
)
def test_excision_bands_and_site_groups(
    behaviour: Behaviour, site: Site, lesion: float, margin: float, code: str
) -> None:
    """CPT 11400-11446 and 11600-11646: three site groups, bands 0.5 or less, 0.6-1.0,
    1.1-2.0, 2.1-3.0, 3.1-4.0, over 4.0 cm."""
    assert excision_code(behaviour, site, lesion, margin).code == code


def test_axilla_is_not_guessed_for_an_excision() -> None:
    """No excision group names the axilla; the engine says so instead of guessing."""
    assert excision_code(Behaviour.BENIGN, Site.AXILLA, 1.0).code is None


def test_repairs_of_one_class_and_group_are_added() -> None:
    """CPT repair guidelines: lengths of wounds of the same class in the same anatomic group
    are added; a 1.5 cm simple repair of the scalp and a 2.0 cm simple repair of the arm are
    one 3.5 cm repair (12002)."""
    result = repair_codes(
        [Wound(RepairClass.SIMPLE, Site.SCALP, 1.5), Wound(RepairClass.SIMPLE, Site.ARM, 2.0)]
    )
    assert result.codes == (CodeUnits("12002"),)
    assert "1.5 + 2.0 = 3.5 cm" in result.worked[0]


def test_classes_and_groups_are_not_added_together() -> None:
    """CPT repair guidelines: different classes or groups are reported separately, the more
    complicated first. Intermediate 3.0 cm of the cheek (12052), simple 2.0 cm of the hand
    and 4.0 cm of the trunk (12002), intermediate 2.0 cm of the hand (12041)."""
    result = repair_codes(
        [
            Wound(RepairClass.SIMPLE, Site.HAND, 2.0),
            Wound(RepairClass.INTERMEDIATE, Site.CHEEK, 3.0),
            Wound(RepairClass.SIMPLE, Site.TRUNK, 4.0),
            Wound(RepairClass.INTERMEDIATE, Site.HAND, 2.0),
        ]
    )
    assert result.codes == (CodeUnits("12052"), CodeUnits("12041"), CodeUnits("12002"))
    assert "modifier 59" in result.worked[-1]


@pytest.mark.parametrize(
    ("site", "length", "codes"),
    [
        (Site.TRUNK, 2.5, [("13100", 1)]),
        (Site.TRUNK, 7.5, [("13101", 1)]),
        (Site.TRUNK, 10.0, [("13101", 1), ("13102", 1)]),
        (Site.TRUNK, 12.5, [("13101", 1), ("13102", 1)]),
        (Site.TRUNK, 12.6, [("13101", 1), ("13102", 2)]),
        (Site.LEG, 9.0, [("13121", 1), ("13122", 1)]),
        (Site.FOREHEAD, 2.0, [("13131", 1)]),
        (Site.EYELID, 8.0, [("13152", 1), ("13153", 1)]),
    ],
)
def test_complex_repair_add_ons(site: Site, length: float, codes: list[tuple[str, int]]) -> None:
    """CPT 13100-13153: 1.1-2.5 cm, 2.6-7.5 cm, then an add-on for each additional 5 cm or
    less."""
    result = repair_codes([Wound(RepairClass.COMPLEX, site, length)])
    assert [(c.code, c.units) for c in result.codes] == codes


def test_complex_repair_of_one_centimetre_is_not_complex() -> None:
    """CPT: complex repair codes start at 1.1 cm; 1.0 cm or less is simple or intermediate."""
    result = repair_codes([Wound(RepairClass.COMPLEX, Site.TRUNK, 1.0)])
    assert result.codes == ()
    assert "1.1 cm" in result.worked[0]


def test_site_groups_differ_by_class() -> None:
    """CPT: the neck is with the trunk for simple repair (12001), with hands and feet for
    intermediate (12041) and with the forehead group for complex (13131)."""
    codes = [repair_codes([Wound(repair, Site.NECK, 2.0)]).codes[0].code for repair in RepairClass]
    assert codes == ["13131", "12041", "12001"]
    with pytest.raises(ValueError):
        repair_codes([Wound(RepairClass.COMPLEX, Site.FACE, 2.0)])


@pytest.mark.parametrize(
    ("site", "diameter", "code"),
    [
        (Site.NECK, 0.8, "11306"),  # scalp, neck, hands, feet, genitalia; 0.6-1.0 cm
        (Site.TRUNK, 0.5, "11300"),
        (Site.LEG, 2.1, "11303"),
        (Site.NOSE, 1.5, "11312"),  # face group
        (Site.HAND, 2.0, "11307"),
    ],
)
def test_shave_removal_by_site_group_and_diameter(site: Site, diameter: float, code: str) -> None:
    """CPT shave removal 11300-11313: site group, then the lesion's diameter without margins."""
    result = shave_code(site, diameter)
    assert result.code == code
    assert "no margins" in result.worked[1]


def test_shave_removal_of_an_unnamed_group_is_left_to_the_coder() -> None:
    assert shave_code(Site.AXILLA, 0.4).code is None


def test_biopsies_by_two_techniques_take_one_first_code() -> None:
    from consultant.rules.skin import biopsy_codes

    assert biopsy_codes(["11102", "11104"]) == ("11104", ["11103"])
    assert biopsy_codes(["11104", "11106", "11102"]) == ("11106", ["11105", "11103"])
    assert biopsy_codes(["11102"]) is None
