"""``make bench``: the speed targets, measured on real data (../shared/data/cms).

Imports everything into a fresh SQLite and a fresh Postgres, then times code pages,
search and drafting on the SQLite copy. Prints a table and writes var/bench.json.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from consultant.codes.importers.cli import expand, import_one
from consultant.codes.importers.detect import NotReferenceData
from consultant.config import reset_settings
from consultant.db import engine_for, transaction
from consultant.migrate import upgrade
from tests.conftest import SHARED_DATA

CODES = [
    "96521",
    "96522",
    "96523",
    "99213",
    "99214",
    "99211",
    "J2405",
    "36415",
    "96372",
    "E0781",
    "G0438",
    "96413",
    "11042",
    "20610",
    "93000",
    "71046",
    "80053",
    "45380",
    "J1100",
    "90471",
]
QUERIES = [
    "portable pump refill",
    "port flush",
    "left knee pain",
    "ondansetron injection",
    "office visit established patient",
    "type 2 diabetes with neuropathy",
    "chemo infusion first hour",
    "blood draw from port",
    "intrathecal pump refill",
    "annual wellness visit",
    "knee joint injection",
    "debridement subcutaneous tissue",
    "ekg interpretation",
    "chest x-ray two views",
    "colonoscopy with biopsy",
]


def use_database(url: str, home: Path) -> None:
    os.environ.update(
        CONSULTANT_DATABASE_URL=url, CONSULTANT_HOME=str(home), CONSULTANT_BROKER_URL="memory://"
    )
    reset_settings()
    upgrade(url)


def import_all() -> float:
    started = time.perf_counter()
    for path in expand([SHARED_DATA]):
        with contextlib.suppress(NotReferenceData):  # PDFs and record layouts
            import_one(path)
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50": round(statistics.median(samples), 2),
        "p95": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
        "max": round(samples[-1], 2),
    }


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def bench_queries() -> dict[str, object]:
    from consultant.codes.page import code_page
    from consultant.codes.search import index_for, search
    from consultant.drafting.answer import build_answer

    with transaction() as s:
        started = time.perf_counter()
        index_for(s)
        build = time.perf_counter() - started
    # Steady state, as a running server sees it: one pass fills the per-release caches.
    for code in CODES:
        with transaction() as s:
            code_page(s, code)
    page_ms: list[float] = []
    for code in CODES * 5:
        with transaction() as s:
            page_ms += timed(lambda code=code, s=s: code_page(s, code), 1)  # type: ignore[misc]
    search_ms: list[float] = []
    with transaction() as s:
        for query in QUERIES * 10:
            search_ms += timed(lambda q=query: search(s, q), 1)  # type: ignore[misc]
    questions = _questions()
    draft_ms: list[float] = []
    for text in questions * 3:
        with transaction() as s:
            draft_ms += timed(lambda t=text, s=s: build_answer(s, t), 1)  # type: ignore[misc]
    return {
        "index_build_s": round(build, 2),
        "code_page_ms": percentiles(page_ms),
        "search_ms": percentiles(search_ms),
        "draft_ms": percentiles(draft_ms),
        "questions": len(questions),
    }


def _questions() -> list[str]:
    """The evaluation questions' cleaned text, else a few built-in ones."""
    try:
        from eval.corpus import load_cases

        return [case.question_text for case in load_cases()]
    except ImportError:
        return [f"Can we bill {a} with {b} on the same day?" for a, b in itertools.pairwise(CODES)]


def bench_workspace(work: Path, cases: int = 10_000, reviewers: int = 20) -> dict[str, object]:
    """Queue and case page p95 with ``reviewers`` working at once on ``cases`` cases.

    A fresh database, the web process started as in production (``consultant web``), one
    thread per reviewer, each logged in with its own session, alternating the queue (with
    a filter or a next page now and then) and a case page.
    """
    import random
    import subprocess
    import threading

    import httpx

    from tests import workspace_data
    from tests.servers import free_port, wait_port

    url = f"sqlite:///{work / 'workspace.db'}"
    use_database(url, work / "workspace-home")
    with transaction() as session:
        emails = [
            workspace_data.reviewer(session, f"r{i}@desk.example").email for i in range(reviewers)
        ]
        workspace_data.many_cases(session, cases)
    port = free_port()
    env = dict(
        os.environ,
        CONSULTANT_DATABASE_URL=url,
        CONSULTANT_HOME=str(work / "workspace-home"),
        CONSULTANT_WEB_PORT=str(port),
        CONSULTANT_LOG_LEVEL="WARNING",
        CONSULTANT_WEB_WORKERS=str(os.cpu_count() or 1),
    )
    server = subprocess.Popen([sys.executable, "-m", "consultant.cli", "web"], env=env)
    timings: dict[str, list[float]] = {"queue": [], "case": []}
    lock = threading.Lock()

    def reviewer(email: str, rounds: int) -> None:
        rng = random.Random(email)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
            signed_in = client.post(
                "/login",
                data={
                    "email": email,
                    "password": workspace_data.PASSWORD,
                    "next": "/",
                    "csrf": csrf,
                },
            )
            assert signed_in.status_code == 303, signed_in.text
            for i in range(rounds):
                params = [
                    {},
                    {"kind": "units"},
                    {"confidence": "low"},
                    {"q": "Bulk question 0042"},
                ][i % 4]
                for what, path in (("queue", "/"), ("case", f"/cases/{rng.randint(1, cases)}")):
                    started = time.perf_counter()
                    response = client.get(path, params=params if what == "queue" else None)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (path, response.status_code)
                    with lock:
                        timings[what].append(elapsed)

    try:
        wait_port(port, timeout=60)
        reviewer(emails[0], 3)  # warm-up: first requests load templates and plans
        timings = {"queue": [], "case": []}
        threads = [threading.Thread(target=reviewer, args=(email, 15)) for email in emails]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(30)
    engine_for(url).dispose()
    return {
        f"workspace_{what}_{reviewers}_reviewers_{cases}_cases_ms": percentiles(samples)
        for what, samples in timings.items()
    }


def main() -> int:
    results: dict[str, object] = {}
    if "--workspace" in sys.argv:  # only the workspace figures
        print(json.dumps(bench_workspace(Path(tempfile.mkdtemp(prefix="bench-"))), indent=2))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    sqlite_url = f"sqlite:///{work / 'bench.db'}"
    use_database(sqlite_url, work)
    results["import_sqlite_s"] = round(import_all(), 1)
    import_one(Path("simple-icd-10-cm"))  # searched by diagnosis questions
    results.update(bench_queries())
    engine_for(sqlite_url).dispose()
    results.update(bench_workspace(work))
    if "--no-postgres" not in sys.argv:
        from tests.servers import start_postgres

        pg = start_postgres()
        try:
            use_database(pg.create_database(), work)
            results["import_postgres_s"] = round(import_all(), 1)
        finally:
            pg.stop()
    print(json.dumps(results, indent=2))
    out = Path("var")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
