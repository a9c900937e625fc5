"""Entry points of the long-running processes (see the Procfile) and the supervisor."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import textwrap
import threading
import time
import warnings

from consultant.config import Settings, get_settings
from consultant.logs import LEVEL_VARIABLE, level_name

log = logging.getLogger(__name__)


def web() -> int:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "consultant.review.web:create_app",
        factory=True,
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        proxy_headers=True,
        workers=settings.web_workers,
    )
    return 0


def _celery(*args: str) -> int:
    from celery.exceptions import SecurityWarning

    from workers.app import app

    if get_settings().mode == "embedded":
        # A newcomer's machine (or container) often runs as root; the warning is for servers.
        warnings.simplefilter("ignore", SecurityWarning)
    quiet = ["--quiet"] if level_name() not in ("DEBUG", "INFO") else []
    app.start(argv=[*quiet, *args])
    return 0


def worker() -> int:
    settings = get_settings()
    # Processes, not threads, even embedded: drafting is CPU work, and the GIL would hold
    # it to one core. The parent builds the search index and reference snapshot before it
    # forks (workers/tasks.py), so the children share them.
    pool = ["--pool=prefork", f"--concurrency={os.cpu_count() or 2}"]
    if settings.mode != "embedded":
        pool = []
    return _celery("worker", f"--loglevel={level_name()}", "-Q", "consultant", *pool)


def beat() -> int:
    settings = get_settings()
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    return _celery(
        "beat",
        f"--loglevel={level_name()}",
        f"--schedule={settings.home_dir / 'celerybeat-schedule'}",
    )


def poll() -> int:
    from consultant.mailin.poller import run_pollers

    settings = get_settings()
    if not settings.imap_mailboxes:
        print(
            "no IMAP mailbox configured (CONSULTANT_IMAP_MAILBOXES); nothing to poll",
            file=sys.stderr,
        )
        return 1
    run_pollers(settings)
    return 0


def smtpd() -> int:
    from consultant.mailin.smtpd import make_controller

    settings = get_settings()
    # aiosmtpd logs every SMTP command at INFO: several lines a message, a real share of
    # the listener's CPU under a burst. Its warnings and errors still show.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = make_controller(settings)
    controller.start()
    log.info("inbound SMTP on %s:%s", settings.smtpd_host, settings.smtpd_port)
    _wait_for_signal()
    controller.stop()
    return 0


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        stop.wait(0.5)


def run() -> int:
    """Start everything on the embedded default and print where things are, last."""
    from consultant.mailout.capture import capture_controller
    from consultant.supervise import (
        Supervisor,
        ensure_first_reviewer,
        prepare_database,
        reference_data_note,
    )

    settings = get_settings()
    quiet = LEVEL_VARIABLE not in os.environ
    if quiet:  # migrations and children log at WARNING unless asked otherwise
        logging.getLogger().setLevel(logging.WARNING)
    env = dict(os.environ, CONSULTANT_HOME=str(settings.home_dir))
    if quiet:
        env[LEVEL_VARIABLE] = "WARNING"
    embedded_sink = settings.mode == "embedded"
    smtp_port = settings.smtp_port
    if embedded_sink and "smtp_port" not in settings.model_fields_set:
        # Nobody chose a port for the local capture: any free one will do.
        smtp_port = free_port(settings.smtp_host)
        env["CONSULTANT_SMTP_PORT"] = str(smtp_port)
    wanted = [
        ("CONSULTANT_WEB_PORT", settings.web_host, settings.web_port),
        ("CONSULTANT_SMTPD_PORT", settings.smtpd_host, settings.smtpd_port),
    ]
    if embedded_sink:
        wanted.append(("CONSULTANT_SMTP_PORT", settings.smtp_host, smtp_port))
    for variable, host, port in wanted:
        if port_taken(host, port):
            print(
                f"{host}:{port} is already in use: set {variable} to a free port "
                "(or stop the other instance).",
                file=sys.stderr,
            )
            return 2
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings)
    email, password = ensure_first_reviewer(settings)
    sup = Supervisor(env)
    capture = None
    if embedded_sink:
        capture = capture_controller(settings.outbox_dir, settings.smtp_host, smtp_port)
        capture.start()
    names = ["web", "worker", "beat", "smtpd"] + (["poll"] if settings.imap_mailboxes else [])
    for name in names:
        sup.start(name, [sys.executable, "-m", "consultant.cli", name])
    try:
        # The banner comes last: after the listeners answer, so nothing scrolls it away.
        for host, port in (
            (settings.web_host, settings.web_port),
            (settings.smtpd_host, settings.smtpd_port),
        ):
            wait_for_port(host, port, 60)
        _banner(settings, email, password, reference_data_note())
        sup.wait()
    finally:
        sup.stop()
        if capture is not None:
            capture.stop()
    return 0


def free_port(host: str) -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_taken(host: str, port: int) -> bool:
    """True when something already listens on ``host:port``."""
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    """Wait until ``host:port`` accepts connections; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _banner(settings: Settings, email: str, password: str, data_note: str = "") -> None:
    """Print where everything is, in a box."""
    print(_banner_text(settings, email, password, data_note), flush=True)


def _banner_text(settings: Settings, email: str, password: str, data_note: str) -> str:
    lines = [
        f"Consultant is running (embedded: SQLite + file-system broker under {settings.home_dir})",
        "",
        f"Send a question:  SMTP 127.0.0.1:{settings.smtpd_port} to {settings.consult_address}",
        '                  or: .venv/bin/consultant ask "Can we bill 96521 with 99213 the same day?"',
        f"Workspace:        http://{settings.web_host}:{settings.web_port}/",
        f"Reviewer login:   {email}  password: {password}",
        f"Sent replies:     {settings.outbox_dir}/*.eml",
    ]
    if data_note:
        label = "Reference data:   "
        wrapped = textwrap.wrap(data_note, 96 - len(label))
        lines += ["", *(("" if i else label).ljust(len(label)) + w for i, w in enumerate(wrapped))]
    lines += ["", "Ctrl-C stops everything."]
    width = max(len(line) for line in lines)
    top = "┌" + "─" * (width + 2) + "┐"
    bottom = "└" + "─" * (width + 2) + "┘"
    return "\n".join(["", top, *(f"│ {line.ljust(width)} │" for line in lines), bottom, ""])
