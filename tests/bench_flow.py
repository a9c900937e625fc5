"""``make bench``, the moving parts: questions through the real processes, and the
ceilings of this machine beside them (see tests/bench.py for the whole run)."""

from __future__ import annotations

import json
import os
import smtplib
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from consultant.db import transaction
from consultant.models import Draft, InboundMail, Message
from tests.mail import question
from tests.servers import free_port, wait_port
from tests.service import ServiceProcesses

PROCFILE_WORKER = [sys.executable, "-m", "celery", "-A", "workers.app", "worker"]
PROCFILE_WORKER += ["--loglevel=WARNING", "-Q", "consultant"]
TOPICS = [
    "Can we bill 96521 and 99211 the same day?",
    "Our nurse refilled a portable chemo pump and the doctor saw the patient for a rash.",
    "What modifier goes on 20610 when both knees are injected?",
    "Patient got ondansetron 8 mg IV, how many units of J2405?",
    "Is 93000 bundled with 99214?",
    "Blood draw from a port, 36591 or 36415?",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of ``samples`` (milliseconds), rounded."""
    if not samples:
        return {}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)

    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 1),
    }


def questions(n: int, tag: str) -> list[bytes]:
    """``n`` distinct question emails from distinct senders."""
    return [
        question(
            f"{TOPICS[i % len(TOPICS)]} ({tag} {i})",
            sender=f"coder{i % 500}@clinic{i % 7}.example",
            message_id=f"<{tag}.{i}.{time.time_ns()}@clinic.example>",
        )
        for i in range(n)
    ]


def blast(port: int, raws: list[bytes], connections: int = 4) -> float:
    """Send ``raws`` over ``connections`` SMTP sessions at once; seconds taken."""
    chunks = [raws[i::connections] for i in range(connections)]

    failures: list[BaseException] = []

    def send(chunk: list[bytes]) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                for raw in chunk:
                    client.sendmail("coder@clinic.example", ["consult@localhost"], raw)
        except Exception as exc:  # said at once, not as a wait for drafts that never come
            failures.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"sending the burst failed: {failures[0]!r}") from failures[0]
    return time.perf_counter() - started


def drafted_count() -> int:
    with transaction() as s:
        return int(s.scalar(select(func.count()).select_from(Draft)) or 0)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} after {timeout}s")
        time.sleep(0.2)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def drafted_latencies(since_inbound_id: int) -> tuple[list[float], float]:
    """Accept-to-first-draft milliseconds per question stored after ``since_inbound_id``,
    and the drafted-per-second rate from the first acceptance to the last draft."""
    with transaction() as s:
        rows = s.execute(
            select(InboundMail.received_at, func.min(Draft.created_at))
            .join(Message, Message.inbound_mail_id == InboundMail.id)
            .join(Draft, Draft.case_id == Message.case_id)
            .where(InboundMail.id > since_inbound_id)
            .group_by(InboundMail.id, InboundMail.received_at)
        ).all()
    if not rows:
        return [], 0.0
    latencies = [(_aware(d) - _aware(r)).total_seconds() * 1000 for r, d in rows]
    first = min(_aware(r) for r, _ in rows)
    last = max(_aware(d) for _, d in rows)
    return latencies, len(rows) / max((last - first).total_seconds(), 1e-6)


def last_inbound_id() -> int:
    with transaction() as s:
        return int(s.scalar(select(func.max(InboundMail.id))) or 0)


class MemoryWatch:
    """Peak memory of each named process group: summed PSS (shared pages counted once,
    in proportion) and summed RSS, sampled twice a second."""

    def __init__(self, procs: ServiceProcesses) -> None:
        self.procs = procs
        self.peak: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for name, child in list(self.procs.children.items()):
                pss, rss = _group_memory(child.pid)
                peak = self.peak.setdefault(name, {"pss_mb": 0.0, "rss_mb": 0.0})
                peak["pss_mb"] = max(peak["pss_mb"], round(pss / 1024, 1))
                peak["rss_mb"] = max(peak["rss_mb"], round(rss / 1024, 1))


def _stat_fields(pid: str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(
    pgids: Sequence[int], parents: Sequence[int] = (), only: Sequence[int] = ()
) -> float:
    """CPU seconds used so far by the processes of the ``pgids`` process groups, by the
    children of ``parents`` (Postgres's backends), the processes themselves included, and
    by the processes ``only``."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat_fields(entry)
            pid, ppid, pgid = int(entry), int(fields[1]), int(fields[2])
            if pgid in pgids or ppid in parents or pid in parents or pid in only:
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def postmaster_pid(data_dir: Path) -> int:
    """The pid of the Postgres server whose data directory is ``data_dir``."""
    return int((data_dir / "postmaster.pid").read_text().split()[0])


def _group_memory(pgid: int) -> tuple[int, int]:
    pss = rss = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in Path(f"/proc/{entry}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return pss, rss


@contextmanager
def stack(
    env: dict[str, str], logdir: Path, worker: list[str] | None, smtpd_port: int, web_port: int
) -> Iterator[ServiceProcesses]:
    """Worker (``worker`` argv, or ``consultant worker``), smtpd and web, started and
    ready (the worker has built its index and snapshot)."""
    procs = ServiceProcesses(env, logdir)
    try:
        procs.start("worker", argv=worker)
        procs.start("smtpd", wait_for_port=smtpd_port)
        procs.start("web", wait_for_port=web_port)
        before = drafted_count()
        # Ready when a first question is drafted.
        blast(smtpd_port, questions(2, "warm"), connections=1)
        wait_for(lambda: drafted_count() >= before + 2, 300, "the worker did not start")
        yield procs
    finally:
        procs.stop()


def throughput(
    env: dict[str, str],
    logdir: Path,
    worker: list[str] | None,
    n: int,
    pg_pid: int = 0,
    paced: int = 200,
) -> dict:
    """``n`` questions through inbound SMTP; drafted/s, accept rate, latencies, memory, and
    the CPU each process took per question (Postgres's too, given its server's pid): what
    the rates would be on an idle machine, whatever the load of this one. Then ``paced``
    more at 20 a second for latency (none: no latency figures)."""
    smtpd_port, web_port = int(env["CONSULTANT_SMTPD_PORT"]), int(env["CONSULTANT_WEB_PORT"])
    with stack(env, logdir, worker, smtpd_port, web_port) as procs, MemoryWatch(procs) as mem:
        since = last_inbound_id()
        target = drafted_count() + n
        groups = {name: [procs.children[name].pid] for name in ("worker", "smtpd")}
        cpu_before = {name: cpu_seconds(g) for name, g in groups.items()}
        pg_before = cpu_seconds([], [pg_pid]) if pg_pid else 0.0
        accept_s = blast(smtpd_port, questions(n, "burst"))
        wait_for(lambda: drafted_count() >= target, 600, f"{n} drafts")
        cpu_ms = {
            name: round((cpu_seconds(g) - cpu_before[name]) * 1000 / n, 2)
            for name, g in groups.items()
        }
        if pg_pid:
            cpu_ms["postgres"] = round((cpu_seconds([], [pg_pid]) - pg_before) * 1000 / n, 2)
        latencies, rate = drafted_latencies(since)
        # Latency when mail arrives at 20 a second, far below the ceiling.
        paced_ms = at_20_per_s(smtpd_port, paced) if paced else []
    return {
        "questions": n,
        "accepted_per_s": round(n / accept_s, 1),
        "drafted_per_s": round(rate, 1),
        "cpu_ms_per_question": cpu_ms,
        "burst_accept_to_draft_ms": percentiles(latencies),
        "at_20_per_s_accept_to_draft_ms": percentiles(paced_ms),
        "peak_memory": mem.peak,
    }


def at_20_per_s(smtpd_port: int, count: int) -> list[float]:
    """Accept-to-draft milliseconds of ``count`` questions sent at 20 a second."""
    since = last_inbound_id()
    paced = questions(count, "paced")
    target = drafted_count() + len(paced)
    with smtplib.SMTP("127.0.0.1", smtpd_port, timeout=60) as client:
        started = time.perf_counter()
        for i, raw in enumerate(paced):
            client.sendmail("coder@clinic.example", ["consult@localhost"], raw)
            pause = started + (i + 1) / 20 - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    wait_for(lambda: drafted_count() >= target, 120, "paced drafts")
    return drafted_latencies(since)[0]


def imap_to_draft(env: dict[str, str], logdir: Path, dovecot, n: int = 40) -> dict:  # type: ignore[no-untyped-def]
    """APPEND to the watched folder -> draft, with the poller in IDLE, ``n`` at 4/s."""
    folder = f"bench{time.time_ns()}"
    client = dovecot.client()
    client.create_folder(folder)
    env = {
        **env,
        "CONSULTANT_IMAP_MAILBOXES": dovecot.mailbox_json(
            f"bench-{folder}", folder=folder, processed_folder=""
        ),
    }
    procs = ServiceProcesses(env, logdir)
    appended: dict[str, float] = {}
    try:
        procs.start("worker", argv=PROCFILE_WORKER)
        procs.start("poll")
        # The worker builds its index and snapshot before it takes work (tens of seconds with
        # the full CMS data): one message drafted end to end first, so that the figures time
        # the IDLE path, not the start-up.
        first = drafted_count()
        warm, *rest = questions(n + 1, "imap")
        client.append(folder, warm)
        wait_for(lambda: drafted_count() >= first + 1, 180, "the warm-up IMAP draft")
        base = drafted_count()
        for _i, raw in enumerate(rest):
            message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].strip().decode()
            appended[message_id] = time.time()
            client.append(folder, raw)
            time.sleep(0.25)
        wait_for(lambda: drafted_count() >= base + n, 120, "IMAP drafts")
    finally:
        procs.stop()
        client.logout()
    with transaction() as s:
        rows = s.execute(
            select(Message.message_id, func.min(Draft.created_at))
            .join(Draft, Draft.case_id == Message.case_id)
            .where(Message.message_id.in_(list(appended)))
            .group_by(Message.message_id)
        ).all()
    latencies = [(_aware(d).timestamp() - appended[m]) * 1000 for m, d in rows]
    return {"messages": n, "append_to_draft_ms": percentiles(latencies)}


def celery_ceiling(redis_url: str, logdir: Path, n: int = 4000) -> float:
    """Trivial tasks per second through Redis with a two-process worker."""
    import redis

    env = {**os.environ, "BENCH_BROKER_URL": redis_url}
    counter = redis.Redis.from_url(redis_url)
    counter.delete("bench:noop")
    log = (logdir / "noop-worker.log").open("ab")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.bench_noop",
            "worker",
            "-Q",
            "noop",
            "--loglevel=WARNING",
            "--concurrency=2",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        os.environ["BENCH_BROKER_URL"] = redis_url
        from tests.bench_noop import noop

        noop.apply_async()
        wait_for(lambda: int(counter.get("bench:noop") or 0) >= 1, 60, "noop worker")
        counter.delete("bench:noop")
        started = time.perf_counter()
        for _ in range(n):
            noop.apply_async()
        wait_for(lambda: int(counter.get("bench:noop") or 0) >= n, 120, "noop tasks")
        return n / (time.perf_counter() - started)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(20)


NOOP_SMTPD = """
import sys, time
from aiosmtpd.controller import Controller
class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Accept(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
time.sleep(3600)
"""


def smtpd_ceiling(n: int = 4000) -> float:
    """Messages per second a no-op aiosmtpd accepts over four connections."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", NOOP_SMTPD, str(port)])
    try:
        wait_port(port)
        return n / blast(port, questions(n, "noop"))
    finally:
        server.terminate()
        server.wait(10)


def imap_ceiling(dovecot, n: int = 1000) -> float:  # type: ignore[no-untyped-def]
    """Messages per second fetched from Dovecot and parsed, 100 per FETCH."""
    from consultant.mailin.parse import parse

    folder = f"ceiling{time.time_ns()}"
    client = dovecot.client()
    client.create_folder(folder)
    for raw in questions(n, "fetch"):
        client.append(folder, raw)
    client.select_folder(folder, readonly=True)
    started = time.perf_counter()
    uids = client.search("ALL")
    for i in range(0, len(uids), 100):
        for data in client.fetch(uids[i : i + 100], ["BODY.PEEK[]"]).values():
            parse(data[b"BODY[]"])
    rate = len(uids) / (time.perf_counter() - started)
    client.logout()
    return rate


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


def duplicate_window(count: int = 50) -> dict[str, float]:
    """The window in which a crash sends a reply twice: from the relay's acceptance to the
    commit of ``sent``, over ``count`` replies to a local sink (milliseconds)."""
    from datetime import timedelta

    from consultant.config import get_settings
    from consultant.mailout import send
    from consultant.models import Outbound, utcnow
    from tests.sink import Sink

    windows = []
    with Sink() as sink:
        os.environ["CONSULTANT_SMTP_PORT"] = str(sink.port)
        from consultant.config import reset_settings

        reset_settings()
        settings = get_settings()
        for i in range(count):
            with transaction() as s:
                out = Outbound(
                    kind="notice",
                    message_id=f"<window.{i}.{time.time_ns()}@bench>",
                    to_address="coder@clinic.example",
                    subject="s",
                    body_text="b",
                    deliver_until=utcnow() + timedelta(hours=1),
                )
                s.add(out)
            with transaction() as s:
                claimed = send.claim_outbound(s, out.id, settings)
            assert claimed is not None
            send.deliver(claimed, settings)
            accepted = time.perf_counter()
            with transaction() as s:
                row = s.get(Outbound, out.id)
                assert row is not None
                send.record_sent(s, row)
            windows.append((time.perf_counter() - accepted) * 1000)
    return percentiles(windows)
