"""The E/M modifiers that depend on a procedure's global period: 57 (decision for major
surgery), 25 (significant, separately identifiable E/M on the day of a minor procedure) and
24 (unrelated E/M during a postoperative period). Never 25 and 57 together.

Sources: Medicare Claims Processing Manual ch. 12 s. 40.1-40.2 (global surgery: the day
before and the day of a major procedure, the decision for a minor procedure is part of it)
and s. 30.6.6 (modifier 25); the NCCI Policy Manual on E/M with procedures; MLN "Global Surgery"
booklet (MLN907166)."""

from __future__ import annotations

from dataclasses import dataclass

MAJOR_GLOBAL_DAYS = 90  # 0 and 10 days mark minor procedures and endoscopies


@dataclass(frozen=True)
class VisitAndProcedure:
    """An E/M visit by the physician (or same-specialty group member) who does a procedure.

    days_after_procedure: visit date minus procedure date (-1 the day before, 0 the same day,
    5 five days after). global_days: 0, 10 or 90, or None for a procedure without a global
    period (the fee schedule's XXX)."""

    global_days: int | None
    days_after_procedure: int
    decision_for_surgery: bool = False
    separately_identifiable: bool = False  # significant work beyond the usual pre/post-op care
    related_to_procedure: bool = True  # for visits after the procedure


@dataclass(frozen=True)
class GlobalDecision:
    modifier: str | None  # "24", "25", "57" or None
    billable: bool  # False: the visit is part of the procedure's payment
    worked: tuple[str, ...]


def global_modifier(case: VisitAndProcedure) -> GlobalDecision:
    """Whether the visit is billable and with which of 24, 25 or 57 (at most one)."""
    days, offset = case.global_days, case.days_after_procedure
    period = "no global period" if days is None else f"{days}-day global"
    if offset < 0:
        return _before(case, period)
    if offset == 0:
        return _same_day(case, period)
    if days is None or offset > days:
        return GlobalDecision(
            None, True, (f"day {offset} after a procedure with {period}: outside it, no modifier",)
        )
    if case.related_to_procedure:
        line = (
            f"day {offset} of the {period}: related postoperative care is included "
            "(report 99024 if tracked), not billable"
        )
        return GlobalDecision(None, False, (line,))
    line = f"day {offset} of the {period}, unrelated to the surgery -> modifier 24"
    return GlobalDecision("24", True, (line,))


def _before(case: VisitAndProcedure, period: str) -> GlobalDecision:
    major = case.global_days == MAJOR_GLOBAL_DAYS
    if case.days_after_procedure == -1 and major:
        if case.decision_for_surgery:
            line = "day before a major (90-day) procedure, visit made the decision -> modifier 57"
            return GlobalDecision("57", True, (line,))
        if case.related_to_procedure:
            line = "day before a major procedure, preoperative visit: included in the global"
            return GlobalDecision(None, False, (line,))
    line = f"{-case.days_after_procedure} day(s) before a procedure with {period}: not in it"
    return GlobalDecision(None, True, (line,))


def _same_day(case: VisitAndProcedure, period: str) -> GlobalDecision:
    if case.global_days == MAJOR_GLOBAL_DAYS and case.decision_for_surgery:
        line = (
            "same day as a major (90-day) procedure and the visit made the decision for "
            "surgery -> modifier 57 (not 25; never both)"
        )
        return GlobalDecision("57", True, (line,))
    worked: list[str] = []
    if case.decision_for_surgery:
        worked.append(
            f"procedure with {period} is minor: the decision to perform it is part of the "
            "procedure, so 57 does not apply"
        )
    if case.separately_identifiable:
        worked.append(
            f"same day as a procedure with {period}: significant, separately identifiable "
            "E/M beyond the usual pre- and post-procedure work -> modifier 25 (not 57)"
        )
        return GlobalDecision("25", True, tuple(worked))
    worked.append(
        "same day, no significant separately identifiable E/M: the visit is part of the "
        "procedure, not billable"
    )
    return GlobalDecision(None, False, tuple(worked))


@dataclass(frozen=True)
class ProcedureInGlobal:
    """A procedure by the same physician during an earlier procedure's postoperative period.

    staged: planned at the time of the first (or more extensive than it, or therapy after a
    diagnostic procedure); return_for_complication: an unplanned return to the operating or
    procedure room for a related problem; otherwise the procedure is unrelated."""

    staged: bool = False
    return_for_complication: bool = False


def postoperative_procedure_modifier(case: ProcedureInGlobal) -> GlobalDecision:
    """58, 78 or 79 for a procedure within another's global period (MLN Global Surgery
    booklet: 58 and 79 start a new global period, 78 does not)."""
    if case.staged:
        line = "staged or related procedure planned with the first (or more extensive, or therapy after a diagnostic procedure) -> modifier 58; a new global period starts"
        return GlobalDecision("58", True, (line,))
    if case.return_for_complication:
        line = "unplanned return to the operating or procedure room for a related problem -> modifier 78; no new global period"
        return GlobalDecision("78", True, (line,))
    line = "procedure unrelated to the first, in its postoperative period -> modifier 79; a new global period starts"
    return GlobalDecision("79", True, (line,))
