"""The embedded supervisor: child processes started together and stopped cleanly."""

from __future__ import annotations

import signal
import subprocess
import time

from sqlalchemy import select

from consultant.config import Settings
from consultant.db import transaction
from consultant.models import Reviewer
from consultant.review.passwords import generate_password, hash_password

FIRST_REVIEWER = "reviewer@localhost"


def prepare_database(settings: Settings) -> None:
    from consultant.codes.knowledge import load_bundled
    from consultant.migrate import upgrade

    upgrade(settings.db_url)
    with transaction() as session:
        load_bundled(session)


def ensure_first_reviewer(settings: Settings) -> tuple[str, str]:
    """A reviewer for the newcomer, with a fresh generated password each start."""
    password = generate_password()
    with transaction() as session:
        reviewer = session.scalar(select(Reviewer).where(Reviewer.email == FIRST_REVIEWER))
        if reviewer is None:
            reviewer = Reviewer(email=FIRST_REVIEWER, name="First reviewer", is_admin=True)
            session.add(reviewer)
        reviewer.password_hash = hash_password(password)
        reviewer.active = True
    return FIRST_REVIEWER, password


def reference_data_note() -> str:
    """The banner's line about CMS data: what is missing and the command that loads it."""
    from consultant.codes.releases import data_gaps, gaps_sentence

    with transaction() as session:
        return gaps_sentence(data_gaps(session), ".venv/bin/consultant data update")


class Supervisor:
    """Starts the children and keeps them running: a child that exits on its own (the
    worker when Redis goes away, say) is started again after a pause that doubles with
    each quick exit, and the restart is said in one line."""

    # Pauses before a restart: doubling from FIRST up to MAX; a child that ran for STABLE
    # seconds before it exited starts again after FIRST.
    BACKOFF_FIRST, BACKOFF_MAX, STABLE = 1.0, 30.0, 60.0

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._argv: dict[str, list[str]] = {}
        self._started: dict[str, float] = {}
        self._pause: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}
        self._stopping = False

    def start(self, name: str, argv: list[str]) -> None:
        self._argv[name] = argv
        self._started[name] = time.monotonic()
        self.children[name] = subprocess.Popen(argv, env=self.env, start_new_session=True)

    def wait(self) -> None:
        """Until Ctrl-C / SIGTERM, restarting any child that exits meanwhile."""

        def _stop(*_: object) -> None:
            self._stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        while not self._stopping:
            self.check()
            time.sleep(0.3)

    def check(self) -> None:
        """Schedule a restart for each child that has exited; start those that are due."""
        if self._stopping:  # children exit because we stop them
            return
        now = time.monotonic()
        for name, child in list(self.children.items()):
            if child.poll() is None or name in self._restart_at:
                continue
            ran = now - self._started[name]
            pause = self.BACKOFF_FIRST
            if ran < self.STABLE and name in self._pause:
                pause = min(self.BACKOFF_MAX, self._pause[name] * 2)
            self._pause[name] = pause
            self._restart_at[name] = now + pause
            print(f"{name} exited with {child.returncode}; restarting in {pause:g} s", flush=True)
        for name, due in list(self._restart_at.items()):
            if due <= now:
                del self._restart_at[name]
                self.start(name, self._argv[name])

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        self._restart_at.clear()
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        print("stopped", flush=True)
