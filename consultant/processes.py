"""Entry points of the long-running processes (see the Procfile) and the supervisor."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from consultant.config import Settings, get_settings

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
    )
    return 0


def _celery(*args: str) -> int:
    from workers.app import app

    app.start(argv=list(args))
    return 0


def worker() -> int:
    settings = get_settings()
    # Processes, not threads, even embedded: drafting is CPU work, and the GIL would hold
    # it to one core. The parent builds the search index and reference snapshot before it
    # forks (workers/tasks.py), so the children share them.
    pool = ["--pool=prefork", f"--concurrency={os.cpu_count() or 2}"]
    if settings.mode != "embedded":
        pool = []
    return _celery("worker", "--loglevel=INFO", "-Q", "consultant", *pool)


def beat() -> int:
    settings = get_settings()
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    return _celery(
        "beat", "--loglevel=INFO", f"--schedule={settings.home_dir / 'celerybeat-schedule'}"
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
    """Start everything on the embedded default and print where things are."""
    from consultant.mailout.capture import capture_controller
    from consultant.supervise import Supervisor, ensure_first_reviewer, prepare_database

    settings = get_settings()
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings)
    email, password = ensure_first_reviewer(settings)
    env = dict(os.environ, CONSULTANT_HOME=str(settings.home_dir))
    sup = Supervisor(env)
    capture = None
    if settings.mode == "embedded":
        capture = capture_controller(settings.outbox_dir, settings.smtp_host, settings.smtp_port)
        capture.start()
    names = ["web", "worker", "beat", "smtpd"] + (["poll"] if settings.imap_mailboxes else [])
    for name in names:
        sup.start(name, [sys.executable, "-m", "consultant.cli", name])
    _banner(settings, email, password)
    try:
        sup.wait()
    finally:
        sup.stop()
        if capture is not None:
            capture.stop()
    return 0


def _banner(settings: Settings, email: str, password: str) -> None:
    print(
        f"""
Consultant is running (embedded: SQLite + file-system broker under {settings.home_dir}).

  Send a question:   SMTP 127.0.0.1:{settings.smtpd_port} to {settings.consult_address}
                     or: .venv/bin/consultant ask "Can we bill 96521 with 99213 the same day?"
  Workspace:         http://{settings.web_host}:{settings.web_port}/
  Reviewer login:    {email}  password: {password}
  Sent replies:      {settings.outbox_dir}/*.eml

Ctrl-C stops everything.
""",
        flush=True,
    )
