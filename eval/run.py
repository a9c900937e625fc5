"""``make eval``: how the drafts score on the dev set and on the holdout, side by side.

- dev (eval/dev): the questions we tune on;
- holdout (eval/holdout): written before the work it judges and never tuned on.

Each set is drafted with every CMS file in ../shared/data/cms and ICD-10-CM loaded ("full");
``python -m eval.run bundled`` drafts with only what the product ships. For each question the
runner checks, where the question says what to expect: the first billed code (top-1), the first
three (top-3), each further code to bill, ICD-10-CM codes, codes that must not be billed,
modifiers recommended and not, units, PTP edits and MUEs reported, statements the reply must
make, routing to an expert, PHI kept out of the reply. "All checks" is the share of those
checks passed. It also counts descriptors given from the wrong code system and prints a
calibration table (how often the top code is right at each confidence). Writes
var/eval/report.json.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from eval import corpus, holdout
from eval.items import EvalItem

WORK = Path("var") / "eval"
DEV = Path(__file__).resolve().parent / "dev"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cms"
CONFIDENCE_BANDS = [(0.0, 0.4), (0.4, 0.7), (0.7, 0.9), (0.9, 1.01)]


def prepare(mode: str) -> None:
    url = f"sqlite:///{(WORK / f'{mode}.db').resolve()}"
    os.environ.update(
        CONSULTANT_DATABASE_URL=url,
        CONSULTANT_HOME=str(WORK.resolve()),
        CONSULTANT_BROKER_URL="memory://",
    )
    from consultant.codes.knowledge import load_bundled
    from consultant.config import reset_settings
    from consultant.db import transaction
    from consultant.migrate import upgrade

    reset_settings()
    upgrade(url)
    with transaction() as session:
        load_bundled(session)
    if mode == "full":
        from consultant.codes.importers.cli import expand, import_one
        from consultant.codes.importers.detect import NotReferenceData

        for path in [*expand([SHARED_DATA]), Path("simple-icd-10-cm")]:
            with contextlib.suppress(NotReferenceData):
                import_one(path)  # unchanged files are skipped by checksum


def evaluate(items: list[EvalItem]) -> list[dict[str, Any]]:
    from consultant.db import transaction
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import render_reply

    rows = []
    for item in items:
        text = item.question_text
        with transaction() as session:
            started = time.perf_counter()
            answer = build_answer(session, text)
            reply = render_reply(answer, "Re: question", "Case reference: eval")
            elapsed = (time.perf_counter() - started) * 1000
            wrong_system = _wrong_system(session, answer)
        rows.append(score(item, answer, reply, elapsed, wrong_system))
    return rows


def score(item: EvalItem, answer: Any, reply: Any, ms: float, wrong: list[str]) -> dict[str, Any]:
    """Every check the item asks for, each True or False."""
    billed = [c.code.replace(".", "") for c in answer.billed]
    ranked = [c.code.replace(".", "") for c in answer.codes]
    icd = {c.code.replace(".", "") for c in answer.billed if c.system == "ICD-10-CM"}
    recommended = {m.modifier for m in answer.modifiers if m.recommended}
    body = reply.text
    lowered = body.lower()
    out = reply.subject + reply.text + reply.html
    checks: dict[str, bool] = {}
    top1 = top3 = None
    if item.tops:
        tops = [t.replace(".", "") for t in item.tops]
        first = billed[0] if billed else None
        top1 = first in tops
        top3 = any(t in ranked[:3] for t in tops)
        checks["top1"] = top1
    elif item.expert:
        top1 = top3 = answer.needs_expert
    if item.expert:
        checks["expert"] = answer.needs_expert
    for code in item.also:
        checks[f"also {code}"] = code in (billed if item.also_billed else ranked)
    for code in item.icd10:
        checks[f"icd {code}"] = code.replace(".", "") in icd
    for code in item.not_codes:
        checks[f"not {code}"] = code not in billed and code.replace(".", "") not in icd
    for mod in item.modifiers:
        checks[f"modifier {mod}"] = mod in recommended
    for mod in item.not_modifiers:
        checks[f"no modifier {mod}"] = mod not in recommended
    units = {k: v for k, v in answer.as_json()["units"].items()}
    for code, n in item.units.items():
        checks[f"units {code}={n}"] = units.get(code) == n
    reported = {(e.column1, e.column2, e.modifier_indicator) for e in answer.edits}
    for edit in item.edits:
        checks[f"edit {'/'.join(edit)}"] = tuple(edit) in reported
    mues = {c.mue.code: c.mue.units for c in answer.codes if c.mue is not None}
    for code, n in item.mue.items():
        checks[f"mue {code}={n}"] = mues.get(code) == n
    for alternatives in item.must_say:
        checks[f"says {alternatives[0]!r}"] = any(a.lower() in lowered for a in alternatives)
    leaks = [p for p in item.phi if p in out]
    if item.phi:
        checks["no PHI"] = not leaks
    return {
        "id": item.ident,
        "area": item.area,
        "style": item.style,
        "expected": item.tops[:1] or (["expert"] if item.expert else []),
        "got": billed[:4],
        "top1": top1,
        "top3": top3,
        "question_type_ok": (answer.analysis.question_type == item.kind) if item.kind else None,
        "checks": checks,
        "failed": [name for name, ok in checks.items() if not ok],
        "confidence": answer.confidence,
        "needs_expert": answer.needs_expert,
        "wrong_system": wrong,
        "phi_leaks": leaks,
        "ms": round(ms, 1),
    }


def _wrong_system(session: Any, answer: Any) -> list[str]:
    """Codes described from another code system than their own (J1100 given J11.00's title)."""
    from sqlalchemy import select

    from consultant.models import CodeRecord

    wrong = []
    for fact in answer.codes:
        records = session.execute(
            select(
                CodeRecord.system, CodeRecord.long_description, CodeRecord.short_description
            ).where(CodeRecord.code == fact.code.replace(".", ""))
        ).all()
        own = [r for r in records if r.system == fact.system]
        others = [r for r in records if r.system != fact.system]
        if (
            fact.description
            and others
            and not any(fact.description in (r.long_description, r.short_description) for r in own)
            and any(fact.description in (r.long_description, r.short_description) for r in others)
        ):
            wrong.append(fact.code)
        if fact.system == "ICD-10-CM" and "." not in fact.code and len(fact.code) > 3:
            wrong.append(f"{fact.code} (ICD-10-CM without its dot)")
    return wrong


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [r for r in rows if r["top1"] is not None]
    checks = [ok for r in rows for ok in r["checks"].values()]
    typed = [r for r in rows if r["question_type_ok"] is not None]
    times = sorted(r["ms"] for r in rows)
    return {
        "questions": len(rows),
        "top1": _rate(sum(bool(r["top1"]) for r in scored), len(scored)),
        "top3": _rate(sum(bool(r["top3"]) for r in scored), len(scored)),
        "all_checks": _rate(sum(checks), len(checks)),
        "question_type": _rate(sum(bool(r["question_type_ok"]) for r in typed), len(typed)),
        "wrong_system": sum(len(r["wrong_system"]) for r in rows),
        "phi_leaks": sum(len(r["phi_leaks"]) for r in rows),
        "draft_ms_p95": times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0,
    }


def by_area(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["area"]].append(row)
    return {area: summarise(group) for area, group in sorted(groups.items())}


def calibration(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each confidence band: how many drafts, and how often their top code was right."""
    table = []
    for low, high in CONFIDENCE_BANDS:
        band = [r for r in rows if low <= r["confidence"] < high and r["top1"] is not None]
        table.append(
            {
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "drafts": len(band),
                "top1": _rate(sum(bool(r["top1"]) for r in band), len(band)),
            }
        )
    return table


def confident_band(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The drafts sent without an expert (confidence at or over the expert line), how often
    their top code is right, and how many right drafts were held below the line."""
    from consultant.drafting.calibrate import EXPERT_BELOW

    scored = [r for r in rows if r["top1"] is not None]
    band = [r for r in scored if r["confidence"] >= EXPERT_BELOW]
    right = sum(bool(r["top1"]) for r in band)
    return {
        "drafts": len(band),
        "right": right,
        "top1": _rate(right, len(band)),
        "right_held_below": sum(bool(r["top1"]) for r in scored if r["confidence"] < EXPERT_BELOW),
    }


def _rate(hit: int, total: int) -> float | None:
    return round(hit / total, 3) if total else None


COLUMNS = ["top1", "top3", "all_checks", "question_type", "wrong_system", "phi_leaks"]


def print_report(name: str, result: dict[str, Any], verbose: bool) -> None:
    s = result["summary"]
    print(f"\n== {name}: {s['questions']} questions (drafting p95 {s['draft_ms_p95']} ms)")
    print(f"{'area':<16}{'n':>4}" + "".join(f"{c:>15}" for c in COLUMNS))
    for area, k in [("ALL", s), *result["by_area"].items()]:
        print(f"{area:<16}{k['questions']:>4}" + "".join(f"{_fmt(k[c]):>15}" for c in COLUMNS))
    print(
        "calibration: "
        + "; ".join(
            f"{b['band']}: {b['drafts']} drafts, top-1 {_fmt(b['top1'])}"
            for b in result["calibration"]
        )
    )
    band = result["confident"]
    print(
        f"0.9+ band: {band['drafts']} drafts, {band['right']} right ({_fmt(band['top1'])}); "
        f"right drafts held below 0.9: {band['right_held_below']}"
    )
    if verbose:
        for r in result["rows"]:
            if r["failed"]:
                print(
                    f"  {r['id']} [{r['area']}/{r['style']}] expected {r['expected']} "
                    f"got {r['got']} conf {r['confidence']}: failed {r['failed']}"
                )


def _fmt(value: Any) -> str:
    return "-" if value is None else (f"{value:.1%}" if isinstance(value, float) else str(value))


def main(argv: list[str]) -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    modes = [m for m in ("full", "bundled") if m in argv] or ["full"]
    dev = corpus.load_items() + holdout.load_items(DEV / "checks.json", DEV / "emails_checks")
    sets = {"dev": dev, "holdout": holdout.load_items()}
    # Each sub-folder (fresh, fresh2, ...) was written blind at the start of a round of
    # drafting work: the least-read measures, reported on their own.
    for folder in sorted(p for p in holdout.HOLDOUT.iterdir() if p.is_dir()):
        if (folder / "questions.json").exists():
            sets[f"holdout-{folder.name}"] = holdout.load_items(
                folder / "questions.json", folder / "emails"
            )
    # The holdout's misses are not printed one by one: reading them is how tuning starts.
    show = "--show-holdout" in argv
    verbose = {name: name == "dev" or show for name in sets}
    report: dict[str, Any] = {"holdout_sha256": holdout.checksum()}
    for mode in modes:
        prepare(mode)
        for name, items in sets.items():
            if not items:
                continue
            rows = evaluate(items)
            result = {
                "summary": summarise(rows),
                "by_area": by_area(rows),
                "calibration": calibration(rows),
                "confident": confident_band(rows),
                "rows": rows,
            }
            print_report(f"{name} ({mode})", result, verbose[name])
            report[f"{name}/{mode}"] = result
    (WORK / "report.json").write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
