"""Organ and disease panels (CPT 80047-80081): when every test of a panel is performed, the
panel is reported, not its tests one by one; a test beyond the panel is reported beside it.
Of two panels whose tests were all done, the larger one stands (a CMP holds a BMP).

Sources: CPT's organ or disease-oriented panel guidelines; NCCI Policy Manual, chapter 10
(pathology and laboratory: a panel is reported when all its tests are done). The tests of
each panel are public facts of the code set."""

from __future__ import annotations

from dataclasses import dataclass

_BMP = ("82374", "82435", "82565", "82947", "84132", "84295", "84520")
PANELS: dict[str, tuple[str, ...]] = {
    "80053": (*_BMP, "82310", "82040", "82247", "84075", "84155", "84450", "84460"),
    "80069": (*_BMP, "82310", "82040", "84100"),
    "80048": (*_BMP, "82310"),
    "80047": (*_BMP, "82330"),
    "80076": ("82040", "82247", "82248", "84075", "84155", "84450", "84460"),
    "80051": ("82374", "82435", "84132", "84295"),
    "80061": ("82465", "83718", "84478"),
    "80074": ("86709", "86705", "87340", "86803"),
}
NAMES = {
    "80053": "comprehensive metabolic panel",
    "80069": "renal function panel",
    "80048": "basic metabolic panel",
    "80047": "basic metabolic panel with ionized calcium",
    "80076": "hepatic function panel",
    "80051": "electrolyte panel",
    "80061": "lipid panel",
    "80074": "acute hepatitis panel",
}


@dataclass(frozen=True)
class Panel:
    code: str
    parts: tuple[str, ...]  # the tests it replaces, in the order billed

    @property
    def reason(self) -> str:
        return (
            f"every test of the {NAMES[self.code]} was done, and a panel whose tests are all "
            "done is reported as the panel, not test by test (CPT panel guidelines; NCCI Policy "
            "Manual ch. 10)"
        )


def panels_in(codes: list[str]) -> list[Panel]:
    """The panels whose tests are all among ``codes``, largest first, each test used once."""
    left = list(codes)
    found: list[Panel] = []
    for panel, tests in sorted(PANELS.items(), key=lambda item: -len(item[1])):
        if panel in left or not set(tests) <= set(left):
            continue
        found.append(Panel(panel, tuple(c for c in left if c in tests)))
        left = [c for c in left if c not in tests]
    return found
