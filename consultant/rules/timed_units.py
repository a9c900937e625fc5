"""Units of timed (15-minute) services: Medicare's 8-minute rule over the total timed minutes
of the day, and CPT's per-code mid-point rule.

Sources: Medicare Claims Processing Manual ch. 5 s. 20.2 (total timed minutes: 8-22 one
unit, 23-37 two, ...; each full 15 minutes goes to its own code and the remaining units to
the services with the most minutes left; its Examples 1-5), and the CPT time rule (a unit of
time is attained when the mid-point is passed), applied code by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

UNIT = 15
MIDPOINT = 8  # minutes that make one unit: more than half of 15


@dataclass(frozen=True)
class TimedService:
    """One timed (15-minute) code and the direct one-on-one minutes spent on it that day.
    Untimed services (evaluations, group therapy, supervised modalities) are left out."""

    code: str
    minutes: int


@dataclass(frozen=True)
class TimedUnits:
    units: tuple[tuple[str, int], ...]  # (code, units) in the order given, zero-unit codes too
    total_minutes: int
    total_units: int
    worked: tuple[str, ...]


def units_for_minutes(minutes: int) -> int:
    """Units in a span of minutes under the mid-point rule: 8-22 -> 1, 23-37 -> 2, ..."""
    return (minutes + UNIT - MIDPOINT) // UNIT if minutes >= MIDPOINT else 0


def medicare_timed_units(services: Sequence[TimedService]) -> TimedUnits:
    """Medicare's 8-minute rule: units from the total timed minutes, then spread over the
    codes (full 15-minute units first, the rest to the largest remainders)."""
    services = merged(services)
    total = sum(s.minutes for s in services)
    units = units_for_minutes(total)
    full = {s.code: s.minutes // UNIT for s in services}
    left = {s.code: s.minutes % UNIT for s in services}
    worked = [f"total timed minutes {_sum(services)} = {total} -> {_units(units)} (8-minute rule)"]
    assigned = dict(full)
    if any(full.values()):
        shown = ", ".join(f"{c} {n}" for c, n in full.items() if n)
        worked.append(f"full 15-minute units first: {shown}")
    remaining = units - sum(full.values())
    if remaining > 0:
        ranked = sorted(services, key=lambda s: -left[s.code])
        chosen = ranked[:remaining]
        for service in chosen:
            assigned[service.code] += 1
        cut = left[chosen[-1].code]
        tied = [s.code for s in ranked[remaining:] if left[s.code] == cut]
        shown = ", ".join(f"{s.code} {left[s.code]} min" for s in ranked if left[s.code])
        worked.append(
            f"{_units(remaining, 'more ')} to the most minutes left ({shown}): "
            + ", ".join(s.code for s in chosen)
        )
        if tied:
            worked.append(f"tie: {', '.join(tied)} could take that unit instead")
    result = tuple((s.code, assigned[s.code]) for s in services)
    worked.append("bill " + ", ".join(f"{c} x {n}" for c, n in result if n))
    return TimedUnits(result, total, units, tuple(worked))


def cpt_timed_units(services: Sequence[TimedService]) -> TimedUnits:
    """CPT's rule for payers that follow it: each code on its own, a unit once the mid-point
    (8 minutes) is passed, so minutes are not pooled across codes."""
    services = merged(services)
    result = tuple((s.code, units_for_minutes(s.minutes)) for s in services)
    worked = [
        f"{code}: {s.minutes} min -> {_units(n)}"
        for s, (code, n) in zip(services, result, strict=True)
    ]
    total = sum(s.minutes for s in services)
    worked.append("each code on its own (CPT mid-point rule); minutes are not pooled")
    return TimedUnits(result, total, sum(n for _, n in result), tuple(worked))


def merged(services: Sequence[TimedService]) -> list[TimedService]:
    """One entry per code (minutes of repeated entries added), in first-seen order."""
    minutes: dict[str, int] = {}
    for service in services:
        minutes[service.code] = minutes.get(service.code, 0) + service.minutes
    return [TimedService(code, m) for code, m in minutes.items()]


def _units(n: int, word: str = "") -> str:
    """ "3 units", "1 unit": the count as the reply says it."""
    return f"{n} {word}unit{'' if n == 1 else 's'}"


def _sum(services: Sequence[TimedService]) -> str:
    return " + ".join(str(s.minutes) for s in services)
