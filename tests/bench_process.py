"""The CPU a stored question costs the ``process_inbound`` task itself, in this process.

``python -m tests.bench_process [N] [--batch B ...] [--rounds R] [--profile FILE]`` stores
N questions per round in a fresh Postgres (fsync on), then runs the task's code on them
in this process, B ids to a call as a burst delivers them, and prints the CPU per question
of this process and of Postgres for each B. No Celery, no SMTP, no other process: the
figure moves only with the processing path (parsing, drafting, the statements and the
commits), so a change to that path is measured in seconds, to a few percent, even on a
busy machine. ``--profile`` runs py-spy on this process (collapsed stacks, CPU only).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests import bench_flow as flow
from tests.bench import flow_env, use_database, use_env


def _store(raws: list[bytes]) -> list[int]:
    from consultant.db import transaction
    from consultant.mailin.store import store_inbound

    ids = []
    for raw in raws:
        with transaction() as session:
            ids.append(store_inbound(session, raw, "smtp").inbound_id)
    return ids


def _cpu_per_question(ids: list[int], batch: int, pg_pid: int) -> dict[str, float]:
    from workers.tasks import process_inbound

    pg_before, before = flow.cpu_seconds([], [pg_pid]), time.process_time()
    for start in range(0, len(ids), batch):
        process_inbound(*ids[start : start + batch])
    cpu = time.process_time() - before
    pg = flow.cpu_seconds([], [pg_pid]) - pg_before
    return {
        "batch": batch,
        "worker": round(cpu * 1000 / len(ids), 2),
        "postgres": round(pg * 1000 / len(ids), 2),
    }


def main() -> None:
    from consultant.codes.search import warm_index
    from consultant.codes.snapshot import warm_snapshot
    from consultant.rules.icd10_terms import term_index
    from tests.servers import start_postgres

    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=400)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-process-"))
    pg = start_postgres(durable=True)
    try:
        url = pg.create_database()
        use_database(url, work)
        use_env(flow_env(work, url, "memory://"))
        pg_pid = flow.postmaster_pid(pg.workdir / "data")
        warm_index()
        warm_snapshot()
        term_index()
        warm = _store(flow.questions(50, "warm"))
        _cpu_per_question(warm, 8, pg_pid)
        spy = None
        if args.profile:
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    *("record", "--gil", "-r", "200", "-f", "raw", "-o", args.profile),
                    *("-p", str(os.getpid())),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
        for r in range(args.rounds):
            for batch in args.batch:
                ids = _store(flow.questions(args.n, f"p{r}.{batch}"))
                print(json.dumps(_cpu_per_question(ids, batch, pg_pid)), flush=True)
        if spy is not None:
            spy.send_signal(2)
            spy.wait(60)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
