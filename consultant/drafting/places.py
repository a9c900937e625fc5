"""Place of service: the code for the setting the question names, whether Medicare pays it
at the facility or the non-facility rate, and a POS code put where a modifier goes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.matching.analyse import Analysis


def place_statement(session: Session, analysis: Analysis) -> str | None:
    """The first line for a question about place of service, or None."""
    number = analysis.number_as_modifier
    if number:
        pos = lookup.place_of_service(session, number)
        if pos is not None and lookup.modifier(session, number) is None:
            return (
                f"{number} is a place-of-service code ({pos.name}), not a modifier: it goes in "
                "the claim's place-of-service field (item 24B), never in the modifier field."
            )
    if not analysis.asks_place_of_service:
        return None
    code = analysis.place_of_service or analysis.setting_place
    pos = lookup.place_of_service(session, code) if code else None
    if pos is None:
        return None
    rate = "facility" if pos.setting.lower().startswith("facility") else "non-facility"
    return (
        f"Use POS {pos.code} ({pos.name}); Medicare pays the physician at the {rate} rate of "
        "the fee schedule there. POS goes in the claim's place-of-service field (item 24B), "
        "never in the modifier field."
    )
