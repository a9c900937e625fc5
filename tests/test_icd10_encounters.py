"""The reason-for-encounter code a preventive service implies (ICD-10-CM Official Guidelines
I.C.21.c), checked against the ICD-10-CM tabular the product ships."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as icd

from consultant.rules.icd10_encounters import encounter_reasons


@pytest.mark.parametrize(
    ("services", "screening", "first", "codes"),
    [
        # A vaccine and Medicare's administration code: one Z23, not one per vaccine.
        (["90662", "90677", "G0008", "G0009"], False, False, ["Z23"]),
        (["G0121"], False, False, ["Z12.11"]),
        # A colonoscopy is screening only when the question says so.
        (["45385"], True, False, ["Z12.11"]),
        (["45385"], False, False, []),
        (["J1050", "96372"], False, False, ["Z30.42"]),
        (["J1050", "96372"], False, True, ["Z30.013"]),
        (["58300", "J7298"], False, False, ["Z30.430"]),
        (["96372", "J1071"], False, False, []),
        # A port flush alone is device management; beside an infusion the infusion's reason.
        (["99211", "96523"], False, False, ["Z45.2"]),
        (["96413", "96523", "J9035"], False, False, []),
    ],
)
def test_the_reason_a_service_implies(
    services: list[str], screening: bool, first: bool, codes: list[str]
) -> None:
    found = encounter_reasons(services, screening=screening, first_injection=first)
    assert [r.code for r in found] == codes
    for reason in found:
        assert icd.is_valid_item(reason.code) and icd.is_leaf(reason.code)
        assert reason.code in reason.why
