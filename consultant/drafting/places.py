"""Place of service: the code for the setting the question names, whether Medicare pays it
at the facility or the non-facility rate, and a POS code put where a modifier goes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes import lookup
from consultant.matching.analyse import Analysis

FIELD = "POS goes in the claim's place-of-service field (item 24B), never in the modifier field."


def place_statement(session: Session, analysis: Analysis) -> str | None:
    """The first line for a question about place of service, or None."""
    number = analysis.number_as_modifier
    if number:
        pos = lookup.place_of_service(session, number)
        if pos is not None and lookup.modifier(session, number) is None:
            return (
                f"{number} is not a modifier: it is place of service (POS) {number}, "
                f"{pos.name}, paid at the {_rate(pos.setting)} rate. {FIELD}"
            )
    if not analysis.asks_place_of_service:
        return None
    # The setting the words describe decides over a POS code the asker offers ("POS 11 or
    # 22?" for a provider-based clinic on the hospital's campus is 22).
    code = analysis.setting_place or analysis.place_of_service
    pos = lookup.place_of_service(session, code) if code else None
    if pos is None:
        return None
    line = (
        f"Use POS {pos.code} ({pos.name}); Medicare pays the physician at the "
        f"{_rate(pos.setting)} rate of the fee schedule there."
    )
    offered = analysis.place_of_service
    if offered and offered != pos.code:
        other = lookup.place_of_service(session, offered)
        named = f" ({other.name}, {_rate(other.setting)} rate)" if other is not None else ""
        line += f" Not POS {offered}{named}: the setting described is {pos.name.lower()}."
    return f"{line} {FIELD}"


def _rate(setting: str) -> str:
    return "facility" if setting.lower().startswith("facility") else "non-facility"
