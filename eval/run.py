"""``make eval``: accuracy of the drafter on eval/questions.py, in two settings.

- bundled: a fresh database with only what the product ships (our notes and ICD-10-CM);
- full: the same plus every CMS file in ../shared/data/cms and ICD-10-CM.

Reports top-1 and top-3 accuracy, question-type accuracy, modifier recall, PTP edit
recall and precision, PHI leaks and drafting time, overall and per kind of question.
Writes var/eval/report.json.
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

from eval.corpus import Case, load_cases

WORK = Path("var") / "eval"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cms"


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


def evaluate(mode: str, cases: list[Case]) -> dict[str, Any]:
    from consultant.codes import lookup
    from consultant.db import transaction
    from consultant.drafting.answer import build_answer
    from consultant.drafting.render import render_reply

    rows = []
    for case in cases:
        text = case.question_text
        with transaction() as session:
            started = time.perf_counter()
            answer = build_answer(session, text)
            reply = render_reply(answer, f"Re: {case.spec['text'][:40]}", "Case reference: eval")
            elapsed = (time.perf_counter() - started) * 1000
            expected_codes = [c for c in [case.spec["top"], *case.spec["also"]] if c]
            expected_edits = _pairs(lookup.active_edits_between(session, expected_codes))
        codes = [c.code for c in answer.codes]
        reported = _pairs(answer.edits)
        out = reply.subject + reply.text + reply.html
        rows.append(
            {
                "n": case.number,
                "style": case.style,
                "kind": case.spec["kind"],
                "top": case.spec["top"],
                "got": codes[:5],
                "question_type": answer.analysis.question_type,
                "top1": _top(case, codes, answer.needs_expert, 1),
                "top3": _top(case, codes, answer.needs_expert, 3),
                "modifiers_expected": case.spec["modifiers"],
                "modifiers_found": [
                    m
                    for m in case.spec["modifiers"]
                    if m in {x.modifier for x in answer.modifiers}
                    or f"modifier {m}" in reply.text
                    or f"{m}:" in reply.text
                ],
                "edits_expected": sorted(expected_edits),
                "edits_reported": sorted(reported),
                "edits_correct": sorted(reported & expected_edits),
                "phi_leaks": [p for p in case.phi if p in out],
                "ms": round(elapsed, 1),
                "needs_expert": answer.needs_expert,
            }
        )
    return {"mode": mode, "summary": summarise(rows), "by_kind": by_kind(rows), "rows": rows}


def _pairs(edits: Any) -> set[tuple[str, str, str]]:
    return {(e.column1, e.column2, e.modifier_indicator) for e in edits}


def _top(case: Case, codes: list[str], needs_expert: bool, k: int) -> bool | None:
    tops = case.spec["tops"]
    if not tops:
        return needs_expert if case.spec["kind"] == "other" else None
    return any(t in codes[:k] for t in tops)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [r for r in rows if r["top1"] is not None]
    exp_edits = sum(len(r["edits_expected"]) for r in rows)
    rep_edits = sum(len(r["edits_reported"]) for r in rows)
    ok_edits = sum(len(r["edits_correct"]) for r in rows)
    mods = sum(len(r["modifiers_expected"]) for r in rows)
    times = sorted(r["ms"] for r in rows)
    return {
        "questions": len(rows),
        "top1": _rate(sum(bool(r["top1"]) for r in scored), len(scored)),
        "top3": _rate(sum(bool(r["top3"]) for r in scored), len(scored)),
        "question_type": _rate(sum(r["question_type"] == r["kind"] for r in rows), len(rows)),
        "modifier_recall": _rate(sum(len(r["modifiers_found"]) for r in rows), mods),
        "edit_recall": _rate(ok_edits, exp_edits),
        "edit_precision": _rate(ok_edits, rep_edits),
        "phi_leaks": sum(len(r["phi_leaks"]) for r in rows),
        "draft_ms_p95": times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0,
    }


def by_kind(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["kind"]].append(row)
    return {kind: summarise(group) for kind, group in sorted(groups.items())}


def _rate(hit: int, total: int) -> float | None:
    return round(hit / total, 3) if total else None


def print_report(result: dict[str, Any]) -> None:
    s = result["summary"]
    print(f"\n== {result['mode']}: {s['questions']} questions")
    cols = [
        "top1",
        "top3",
        "question_type",
        "modifier_recall",
        "edit_recall",
        "edit_precision",
        "phi_leaks",
    ]
    print(f"{'kind':<16}{'n':>4}" + "".join(f"{c:>16}" for c in cols))
    for kind, k in [("ALL", s), *result["by_kind"].items()]:
        print(f"{kind:<16}{k['questions']:>4}" + "".join(f"{_fmt(k[c]):>16}" for c in cols))
    print(f"drafting p95: {s['draft_ms_p95']} ms")
    misses = [r for r in result["rows"] if r["top1"] is False]
    for r in misses:
        print(
            f"  miss #{r['n']:03d} [{r['kind']}/{r['style']}] expected {r['top'] or 'expert'} got {r['got'][:3]}"
        )


def _fmt(value: Any) -> str:
    return "-" if value is None else (f"{value:.1%}" if isinstance(value, float) else str(value))


def main(argv: list[str]) -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    cases = load_cases()
    modes = [m for m in ("bundled", "full") if not argv or m in argv]
    report = {}
    for mode in modes:
        prepare(mode)
        result = evaluate(mode, cases)
        print_report(result)
        report[mode] = result
    (WORK / "report.json").write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
