"""The evidence beside a draft, read from the facts the drafter stored with it.

The drafter's JSON changes as drafting improves, so every field is read defensively: a
missing or oddly shaped key leaves its section empty instead of breaking the page, and
keys this module does not know are still shown, as they are, under "other facts".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

KNOWN = {
    "question_type",
    "kind",
    "codes",
    "edits",
    "mue",
    "mues",
    "rvus",
    "modifiers",
    "units",
    "warnings",
    "advice",
    "corrections",
    "confidence",
    "needs_expert",
    "sources",
    "releases",
    "ptp_release",
    "analysis",
}
# Keys under which a code's reason for matching has been stored.
WHY_KEYS = ("why", "reason", "reasons", "matched_on", "matched", "because", "evidence")


@dataclass
class Evidence:
    kind: str = ""
    confidence: float | None = None
    needs_expert: bool = False
    codes: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    mues: list[dict[str, Any]] = field(default_factory=list)
    rvus: list[dict[str, Any]] = field(default_factory=list)
    modifiers: list[dict[str, Any]] = field(default_factory=list)
    units: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # the reply's "watch for" points
    corrections: list[str] = field(default_factory=list)  # to the codes the asker wrote
    sources: list[str] = field(default_factory=list)
    releases: list[str] = field(default_factory=list)
    question: list[tuple[str, str]] = field(default_factory=list)  # what analysis read
    other: list[tuple[str, str]] = field(default_factory=list)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rvu(code: str, raw: dict[str, Any]) -> dict[str, Any]:
    def pick(*keys: str) -> str:
        return next((_text(raw[k]) for k in keys if raw.get(k) not in (None, "")), "")

    return {
        "code": code or pick("code"),
        "work": pick("work_rvu", "work"),
        "nf_total": pick("nf_total", "non_facility_total"),
        "f_total": pick("f_total", "facility_total"),
        "nf_payment": pick("nf_payment", "non_facility_payment"),
        "f_payment": pick("f_payment", "facility_payment"),
        "release": pick("release", "release_year", "year"),
    }


def read_evidence(analysis: Any) -> Evidence:
    """Normalize a draft's stored facts for the case page; never raises."""
    facts = _dict(analysis)
    found = Evidence(
        kind=_text(facts.get("question_type") or facts.get("kind")),
        confidence=_number(facts.get("confidence")),
        needs_expert=bool(facts.get("needs_expert")),
    )
    read = _dict(facts.get("analysis"))
    asked = {str(c).upper() for c in _list(read.get("codes")) + _list(read.get("icd_codes"))}
    found.question = [
        (str(k).replace("_", " "), _text(v))
        for k, v in read.items()
        if v not in (None, "", [], {}, False, 0)
    ]
    for raw in _list(facts.get("codes")):
        item = _dict(raw) if not isinstance(raw, str) else {"code": raw}
        code = _text(item.get("code"))
        if not code:
            continue
        why = next((_text(item[k]) for k in WHY_KEYS if item.get(k)), "")
        if not why:
            why = (
                "the asker wrote it"
                if item.get("named") or code.upper() in asked
                else "matched from the question's words"
            )
        found.codes.append(
            {
                "code": code,
                "system": _text(item.get("system")),
                "description": _text(item.get("description") or item.get("title")),
                "score": _number(item.get("score")),
                "billed": item.get("billed", True) is not False,
                "named": bool(item.get("named")),
                "why": why,
                # The worked reasoning of a rule (units, E/M level...) behind the code.
                "worked": [_text(w) for w in _list(item.get("worked")) if w],
            }
        )
        if rvus := _dict(item.get("rvus")):
            found.rvus.append(_rvu(code, rvus))
    for raw in _list(facts.get("edits")):
        item = _dict(raw)
        if item:
            found.edits.append(
                {
                    "column1": _text(item.get("column1")),
                    "column2": _text(item.get("column2")),
                    "indicator": _text(item.get("modifier_indicator", item.get("indicator"))),
                    "rationale": _text(item.get("rationale")),
                    "release": _text(item.get("release")),
                }
            )
    for raw in _list(facts.get("mue")) + _list(facts.get("mues")):
        item = _dict(raw)
        if item:
            found.mues.append(
                {
                    "code": _text(item.get("code")),
                    "units": _text(item.get("units")),
                    "mai": _text(item.get("mai")),
                    "release": _text(item.get("release")),
                }
            )
    for raw in _list(facts.get("rvus")):
        item = _dict(raw)
        if item:
            found.rvus.append(_rvu(_text(item.get("code")), item))
    for raw in _list(facts.get("modifiers")):
        item = _dict(raw)
        if item:
            found.modifiers.append(
                {
                    "modifier": _text(item.get("modifier")),
                    "description": _text(item.get("description")),
                }
            )
    found.units = [(str(k), _text(v)) for k, v in _dict(facts.get("units")).items()]
    found.warnings = [_text(w) for w in _list(facts.get("warnings")) if w]
    found.advice = [_text(w) for w in _list(facts.get("advice")) if w]
    found.corrections = [_text(w) for w in _list(facts.get("corrections")) if w]
    found.sources = [_text(s) for s in _list(facts.get("sources")) if s]
    releases = [*_list(facts.get("releases")), facts.get("ptp_release")]
    found.releases = [_text(r) for r in releases if r]
    found.releases += sorted(
        {e["release"] for e in found.edits if e["release"]} - set(found.releases)
    )
    for key, value in facts.items():
        if key not in KNOWN and value not in (None, "", [], {}):
            shown = value if isinstance(value, str) else json.dumps(value, default=str)
            found.other.append((key, shown[:500]))
    return found
