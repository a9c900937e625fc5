"""A short flow for comparing the CPU a question costs, before and after a change.

``python -m tests.bench_cpu [N] [--embedded] [--cms] [--profile FILE] [--rounds R]
[--paced M]`` sends N
questions (300 by default) through the SMTP listener to the Procfile's worker on Redis +
Postgres (or the embedded default with ``--embedded``), R times back to back with the same
processes, and prints each process's CPU per question (worker, smtpd, Postgres) per round.
CPU, not the rate, is the figure to compare: it does not depend on what else the machine
runs. ``--cms`` imports ``../shared/data/cms`` first (as ``make bench`` does; bundled
knowledge only without it); ``--profile`` records the worker's processes (or the listener's, with
``--profile-of smtpd``) with py-spy (collapsed stacks, CPU only) during the last round; ``--paced M`` then sends M at 20 a second and
prints the accept-to-draft percentiles.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests import bench_flow as flow
from tests.bench import flow_env, import_all, use_database, use_env


def rounds(
    env: dict[str, str], work: Path, worker: list[str] | None, args: argparse.Namespace, pg_pid: int
) -> list[dict[str, float]]:
    """CPU per question of each process, one dict per round, with the same processes."""
    smtpd_port, web_port = int(env["CONSULTANT_SMTPD_PORT"]), int(env["CONSULTANT_WEB_PORT"])
    out = []
    with flow.stack(env, work, worker, smtpd_port, web_port) as procs:
        groups = {name: [procs.children[name].pid] for name in ("worker", "smtpd")}
        for r in range(args.rounds):
            spy = None
            if args.profile and r == args.rounds - 1:
                spy = subprocess.Popen(
                    [
                        str(Path(sys.executable).with_name("py-spy")),
                        *("record", "--subprocesses", "--gil", "-r", "200", "-f", "raw"),
                        *("-o", args.profile, "-p", str(procs.children[args.profile_of].pid)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            target = flow.drafted_count() + args.n
            before = {name: flow.cpu_seconds(g) for name, g in groups.items()}
            pg_before = flow.cpu_seconds([], [pg_pid]) if pg_pid else 0.0
            parent = procs.children["worker"].pid
            parent_before = flow.cpu_seconds([], [], only=[parent])
            flow.blast(smtpd_port, flow.questions(args.n, f"cpu{r}"))
            flow.wait_for(lambda t=target: flow.drafted_count() >= t, 600, "drafts")
            cpu = {
                name: round((flow.cpu_seconds(g) - before[name]) * 1000 / args.n, 2)
                for name, g in groups.items()
            }
            # The worker's parent (the consumer) on its own: Celery's share beside the tasks.
            cpu["worker_parent"] = round(
                (flow.cpu_seconds([], [], only=[parent]) - parent_before) * 1000 / args.n, 2
            )
            if pg_pid:
                cpu["postgres"] = round(
                    (flow.cpu_seconds([], [pg_pid]) - pg_before) * 1000 / args.n, 2
                )
            if spy is not None:
                spy.send_signal(2)
                spy.wait(60)
            print(json.dumps(cpu), flush=True)
            out.append(cpu)
        if args.paced:
            latency = flow.percentiles(flow.at_20_per_s(smtpd_port, args.paced))
            print(json.dumps({"at_20_per_s_accept_to_draft_ms": latency}), flush=True)
    return out


def main() -> None:
    from tests.servers import start_postgres, start_redis

    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=300)
    parser.add_argument("--embedded", action="store_true")
    parser.add_argument("--cms", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--profile-of", default="worker", choices=["worker", "smtpd"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paced", type=int, default=0, help="then this many at 20/s")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    if args.embedded:
        url = f"sqlite:///{work / 'bench.db'}"
        use_database(url, work)
        if args.cms:
            import_all()
        env = flow_env(work, url, "filesystem://")
        use_env(env)
        rounds(env, work, None, args, 0)
        return
    pg, redis = start_postgres(durable=True), start_redis()
    try:
        url = pg.create_database()
        use_database(url, work)
        if args.cms:
            import_all()
        env = flow_env(work, url, redis.url)
        use_env(env)
        rounds(env, work, flow.PROCFILE_WORKER, args, flow.postmaster_pid(pg.workdir / "data"))
    finally:
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
