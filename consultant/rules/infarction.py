"""How old a myocardial infarction is decides its code: I21 (or I22 for a new one within the
first's four weeks) while it is four weeks old or less, whatever the setting; after that,
with no symptoms needing care, the old MI, I25.2.

Source: ICD-10-CM Official Guidelines I.C.9.e.1 (acute myocardial infarction: I21 for
encounters while the MI is four weeks old or less, transfers included; I25.2 for an MI older
than four weeks that needs no further care) and I.C.9.e.4 (I22, a subsequent MI within four
weeks of the first)."""

from __future__ import annotations

import re

FOUR_WEEKS = 28  # days

_MI = r"(?:mi|ami|stemi|nstemi|myocardial infarction|heart attack|non-st elevation myocardial infarction)"
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_AGO = re.compile(
    rf"\b{_MI}\b[^.;]{{0,40}}?\b(\d+)\s*(days?|d|wks?|weeks?|w|months?|mos?|years?|yrs?)\s+ago\b"
    rf"|\b(\d+)\s*(days?|wks?|weeks?|months?|mos?|years?|yrs?)\s+(?:post|after|out from|since|s/p)\s+"
    rf"(?:(?:the|his|her|an?)\s+)?{_MI}\b"
)


def infarction_age_days(lowered: str) -> int | None:
    """The MI's age in days when the text gives it ("NSTEMI 16 days ago", "6 weeks post MI")."""
    found = _AGO.search(lowered)
    if found is None:
        return None
    number = found.group(1) or found.group(3)
    unit = found.group(2) or found.group(4)
    return int(number) * _UNIT_DAYS[unit[0]]


def by_age(codes: list[str], age_days: int | None) -> tuple[list[str], list[str]]:
    """The codes with an acute MI older than four weeks made the old MI, and the reasoning."""
    acute = [c for c in codes if c.startswith(("I21", "I22"))]
    if not acute:
        return codes, []
    if age_days is not None and age_days > FOUR_WEEKS:
        kept = [c for c in codes if c not in acute]
        if "I25.2" not in kept:
            kept.insert(codes.index(acute[0]), "I25.2")
        return kept, [
            f"the infarction is {age_days} days old, more than 4 weeks: it is the old MI, "
            "I25.2, not an acute I21 code (I.C.9.e.1)"
        ]
    when = f"{age_days} days old, " if age_days is not None else ""
    return codes, [
        f"{acute[0]}: the MI is {when}an acute I21 code for 4 weeks (28 days) from its onset, "
        "in any setting; after 4 weeks, with no further care for it, I25.2 old MI "
        "(I.C.9.e.1)"
    ]
