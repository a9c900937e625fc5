"""Drug administration codes from the route, the purpose, the order and the minutes of each
administration in one encounter, with the infusion-hour arithmetic.

Sources: the CPT guidelines for hydration, therapeutic, prophylactic, diagnostic and
chemotherapy administration (96360-96549) as summarised in CMS and MAC guidance (Medicare
Claims Processing Manual ch. 12 s. 30.5; NCCI Policy Manual ch. XI): one initial
service per encounter chosen by the hierarchy chemotherapy > therapeutic/prophylactic/
diagnostic > hydration, and within it infusion > push > injection; an infusion of 15 minutes
or less is a push; an additional hour needs more than 30 minutes beyond the last full hour;
hydration needs 31 minutes and is not reported when it runs concurrently with other
infusions; 96376 (same drug pushed again after more than 30 minutes) is for facilities only;
96523 is reported only when no other service is reported that day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum

PUSH_MAX_MINUTES = 15  # an infusion of 15 minutes or less is reported as a push
HYDRATION_MIN_MINUTES = 31
EXTRA_HOUR_THRESHOLD = 30  # minutes beyond the last full hour for another hour's unit
SAME_DRUG_PUSH_GAP = 30  # 96376: the same drug pushed again more than 30 minutes later
PUMP_INFUSION_MIN_MINUTES = 8 * 60  # 96416: prolonged chemotherapy infusion on a pump


class Route(Enum):
    IV = "intravenous"  # push or infusion by its minutes
    IV_INFUSION = "intravenous infusion"  # said to be an infusion; its minutes may be unknown
    IV_PUSH = "intravenous push"
    IM = "intramuscular"
    SC = "subcutaneous"


class Purpose(IntEnum):
    """The hierarchy: a lower value outranks a higher one for the initial service."""

    CHEMO = 1  # chemotherapy and other highly complex drugs or biologics
    HORMONAL_CHEMO = 2  # hormonal anti-neoplastic (96402 when given IM/SC)
    THERAPEUTIC = 3  # therapeutic, prophylactic or diagnostic
    HYDRATION = 4


class Method(IntEnum):
    INFUSION = 1
    PUSH = 2
    INJECTION = 3


@dataclass(frozen=True)
class Administration:
    """One drug given once. start/stop are minutes on one clock for the encounter (needed
    for IV drugs not given as a push)."""

    drug: str
    route: Route
    purpose: Purpose
    start: int | None = None
    stop: int | None = None
    pump: bool = False  # a prolonged chemotherapy infusion started on a pump the patient keeps

    @property
    def minutes(self) -> int | None:
        return None if self.start is None or self.stop is None else self.stop - self.start

    @property
    def is_chemo(self) -> bool:
        return self.purpose <= Purpose.HORMONAL_CHEMO

    def method(self) -> Method:
        if self.route in (Route.IM, Route.SC):
            return Method.INJECTION
        if self.route is Route.IV_PUSH:
            return Method.PUSH
        if self.route is Route.IV_INFUSION and self.minutes is None:
            return Method.INFUSION
        if self.minutes is None:
            raise ValueError(f"{self.drug}: an IV drug needs its start and stop minutes")
        return Method.PUSH if self.minutes <= PUSH_MAX_MINUTES else Method.INFUSION


class DeviceCare(Enum):
    PORTABLE_PUMP_REFILL = "96521"
    IMPLANTED_PUMP_SYSTEMIC_REFILL = "96522"  # intravenous or intra-arterial reservoir
    IMPLANTED_PUMP_SPINAL_REFILL = "95990"  # intrathecal, epidural or brain: not 96522
    IMPLANTED_PUMP_SPINAL_REFILL_PHYSICIAN = "95991"  # needing a physician's or QHP's skill
    PORT_FLUSH = "96523"


# What each refill is, and why not its neighbour (CPT 95990/95991, 96521/96522).
DEVICE_CARE = {
    DeviceCare.PORTABLE_PUMP_REFILL: "refill and maintenance of a portable pump",
    DeviceCare.IMPLANTED_PUMP_SYSTEMIC_REFILL: (
        "refill and maintenance of an implanted pump for intravenous or intra-arterial drug "
        "delivery"
    ),
    DeviceCare.IMPLANTED_PUMP_SPINAL_REFILL: (
        "refill and maintenance of an implanted pump for spinal (intrathecal, epidural) or brain "
        "drug delivery, without a physician's or QHP's skill (not 96522, which is for "
        "intravenous or intra-arterial pumps)"
    ),
    DeviceCare.IMPLANTED_PUMP_SPINAL_REFILL_PHYSICIAN: (
        "refill and maintenance of an implanted pump for spinal (intrathecal, epidural) or brain "
        "drug delivery needing a physician's or QHP's skill (not 96522)"
    ),
    DeviceCare.PORT_FLUSH: "flush of an implanted venous access device",
}


@dataclass(frozen=True)
class AdminLine:
    code: str
    units: int
    drug: str = ""


@dataclass(frozen=True)
class AdministrationCodes:
    lines: tuple[AdminLine, ...]  # the initial service first, then add-ons in time order
    worked: tuple[str, ...]


def extra_hours(minutes: int) -> int:
    """Units of an additional-hour code after the first hour: one per further hour, and one
    for a last part of more than 30 minutes (91 min -> 1, 150 -> 1, 151 -> 2)."""
    beyond = minutes - 60
    if beyond <= EXTRA_HOUR_THRESHOLD:
        return 0
    hours, rest = divmod(beyond, 60)
    return hours + (1 if rest > EXTRA_HOUR_THRESHOLD else 0)


@dataclass
class _Encounter:
    facility: bool
    lines: list[AdminLine] = field(default_factory=list)
    worked: list[str] = field(default_factory=list)
    concurrent_reported: bool = False

    def add(self, code: str, units: int, drug: str, why: str) -> None:
        if units > 0:
            self.lines.append(AdminLine(code, units, drug))
        self.worked.append(f"{drug}: {why} -> {code} x {units}" if units else f"{drug}: {why}")


# (purpose is chemo, method) -> (initial code, additional-hour code) for the first service.
INITIAL = {
    (True, Method.INFUSION): ("96413", "96415"),
    (True, Method.PUSH): ("96409", None),
    (False, Method.INFUSION): ("96365", "96366"),
    (False, Method.PUSH): ("96374", None),
}


def administration_codes(
    given: Sequence[Administration],
    *,
    devices: Sequence[DeviceCare] = (),
    facility: bool = False,
    other_services_today: bool = False,
    initial_elsewhere: str = "",
) -> AdministrationCodes:
    """The administration codes for one encounter, the initial service first.
    ``initial_elsewhere`` names a service of the encounter that outranks every one given
    here (the chemotherapy an antiemetic is pushed before): then each of these is an add-on."""
    enc = _Encounter(facility)
    iv = [a for a in given if a.method() is not Method.INJECTION]
    iv = [a for a in iv if _reportable_hydration(a, enc)]
    ranked = sorted(iv, key=lambda a: (_rank(a), a.method(), a.start or 0))
    if ranked and initial_elsewhere:
        enc.worked.append(
            f"the {initial_elsewhere} is the initial service (highest in the hierarchy), "
            "reported with its own code; what is given beside it is sequential"
        )
        later = sorted(ranked, key=lambda a: a.start or 0)
        for index, item in enumerate(later):
            _subsequent(item, later[:index], later, enc)
    elif ranked:
        first = ranked[0]
        _initial(first, enc)
        if not facility and first is not iv[0]:
            # CPT: a physician's initial code is the service that is the main reason for the
            # encounter; facilities follow the hierarchy whatever came first.
            enc.worked.append(
                f"{first.drug} is initial by the hierarchy although it came later; on a "
                "physician's claim the initial code is the main reason for the encounter"
            )
        later = sorted(ranked[1:], key=lambda a: a.start or 0)
        for index, item in enumerate(later):
            _subsequent(item, [first, *later[:index]], [first, *later], enc)
    for item in given:
        if item.method() is Method.INJECTION:
            _injection(item, enc)
    _devices(devices, enc, other_services_today)
    return AdministrationCodes(tuple(enc.lines), tuple(enc.worked))


def _rank(item: Administration) -> int:
    # Hormonal and other anti-neoplastics share the chemotherapy rank for IV services.
    return 1 if item.is_chemo else int(item.purpose)


def _reportable_hydration(item: Administration, enc: _Encounter) -> bool:
    if item.purpose is not Purpose.HYDRATION:
        return True
    if item.minutes is None:
        enc.worked.append(
            f"{item.drug}: hydration without its minutes is not reported (31 minutes needed)"
        )
        return False
    if item.minutes < HYDRATION_MIN_MINUTES:
        enc.worked.append(
            f"{item.drug}: hydration of {item.minutes} min is not reported (31 minutes needed)"
        )
        return False
    return True


def _initial(item: Administration, enc: _Encounter) -> None:
    method, minutes = item.method(), item.minutes or 0
    if item.purpose is Purpose.HYDRATION:
        enc.add("96360", 1, item.drug, f"initial hydration, {minutes} min")
        _hours("96361", item, enc)
        return
    if item.is_chemo and item.pump and minutes > PUMP_INFUSION_MIN_MINUTES:
        enc.add("96416", 1, item.drug, "prolonged chemotherapy infusion (over 8 h) on a pump")
        return
    code, hours = INITIAL[(item.is_chemo, method)]
    kind = "chemotherapy" if item.is_chemo else "therapeutic"
    what = _what(item, method)
    enc.add(code, 1, item.drug, f"initial {kind} {what} (highest in the hierarchy)")
    if hours:
        _hours(hours, item, enc)


def _what(item: Administration, method: Method) -> str:
    if method is Method.INFUSION:
        return f"infusion, {item.minutes} min" if item.minutes is not None else "infusion"
    if item.minutes is not None:
        # CPT: an infusion of 15 minutes or less is reported as a push.
        return f"push (given over {item.minutes} min: 15 minutes or less is a push)"
    return "push"


def _hours(code: str, item: Administration, enc: _Encounter) -> None:
    minutes = item.minutes or 0
    units = extra_hours(minutes)
    if minutes > 60:
        why = f"{minutes} min = 60 + {minutes - 60}: each further hour needs more than 30 min"
        enc.add(code, units, item.drug, why)


def _overlaps(item: Administration, other: Administration) -> bool:
    if item.method() is not Method.INFUSION or other.method() is not Method.INFUSION:
        return False
    (a, b), (c, d) = _span(item), _span(other)
    return item is not other and a < d and c < b


def _span(item: Administration) -> tuple[int, int]:
    """Start and stop; an infusion whose stop is unknown ran at least past a push's 15 min."""
    start = item.start or 0
    stop = item.stop if item.stop is not None else start + PUSH_MAX_MINUTES + 1
    return start, stop


def _subsequent(
    item: Administration,
    before: list[Administration],
    everything: list[Administration],
    enc: _Encounter,
) -> None:
    method, minutes = item.method(), item.minutes or 0
    concurrent = any(_overlaps(item, other) for other in before)
    if item.purpose is Purpose.HYDRATION:
        if any(_overlaps(item, other) for other in everything):
            enc.add(
                "96361", 0, item.drug, "hydration concurrent with another infusion: not reported"
            )
            return
        enc.add(
            "96361", 1 + extra_hours(minutes), item.drug, f"sequential hydration, {minutes} min"
        )
        return
    if item.is_chemo:
        if item.pump and minutes > PUMP_INFUSION_MIN_MINUTES:
            enc.add(
                "96416",
                1,
                item.drug,
                "prolonged chemotherapy infusion (over 8 h) started on a pump",
            )
        elif concurrent:
            enc.add(
                "", 0, item.drug, "concurrent chemotherapy infusion: no code, review the record"
            )
        elif method is Method.INFUSION:
            enc.add(
                "96417",
                1,
                item.drug,
                f"sequential chemotherapy infusion of a new drug, {minutes} min",
            )
            _hours("96415", item, enc)
        else:
            enc.add("96411", 1, item.drug, "additional chemotherapy push of a new drug")
        return
    if method is Method.INFUSION:
        if concurrent:
            units = 0 if enc.concurrent_reported else 1
            enc.concurrent_reported = True
            why = "concurrent infusion" + (" (96368 once per encounter)" if not units else "")
            enc.add("96368", units, item.drug, why)
        else:
            enc.add("96367", 1, item.drug, f"sequential infusion of a new drug, {minutes} min")
            _hours("96366", item, enc)
        return
    _push(item, before, enc)


def _push(item: Administration, before: list[Administration], enc: _Encounter) -> None:
    same = [b for b in before if b.drug.lower() == item.drug.lower()]
    if not same:
        enc.add("96375", 1, item.drug, "sequential push of a new drug")
        return
    last = max((b.stop if b.stop is not None else b.start) or 0 for b in same)
    gap = (item.start or 0) - last
    if gap <= SAME_DRUG_PUSH_GAP:
        enc.add(
            "96376",
            0,
            item.drug,
            f"same drug again {gap} min later: 96376 needs more than 30 minutes after the "
            "earlier push, so it is not reported",
        )
    elif enc.facility:
        enc.add("96376", 1, item.drug, f"same drug pushed again {gap} min later (facility)")
    else:
        enc.add(
            "96376",
            0,
            item.drug,
            "same drug pushed again: 96376 is for facilities, not reported by a physician",
        )


def _injection(item: Administration, enc: _Encounter) -> None:
    route = item.route.value
    if item.purpose is Purpose.HORMONAL_CHEMO:
        enc.add("96402", 1, item.drug, f"hormonal anti-neoplastic, {route}")
    elif item.is_chemo:
        enc.add("96401", 1, item.drug, f"non-hormonal anti-neoplastic, {route}")
    else:
        enc.add(
            "96372", 1, item.drug, f"therapeutic, prophylactic or diagnostic injection, {route}"
        )


def _devices(devices: Sequence[DeviceCare], enc: _Encounter, other_services_today: bool) -> None:
    for device in devices:
        if device is not DeviceCare.PORT_FLUSH:
            enc.add(device.value, 1, "device", DEVICE_CARE[device])
    if DeviceCare.PORT_FLUSH in devices:
        if enc.lines or other_services_today:
            enc.add("96523", 0, "port", "flush with other services that day: 96523 not reported")
        else:
            enc.add(
                "96523",
                1,
                "port",
                "flush of an implanted venous access device, nothing else that day",
            )
