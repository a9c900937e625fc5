"""The service's own processes (worker, web, poller, smtpd) as subprocesses for tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.servers import wait_port

T = TypeVar("T")


class ServiceProcesses:
    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = {**os.environ, **env}
        self.logdir = logdir
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.argv: dict[str, list[str] | None] = {}

    def start(
        self, name: str, wait_for_port: int | None = None, argv: list[str] | None = None
    ) -> None:
        """Start ``consultant NAME`` (or ``argv``) in its own process group."""
        self.argv[name] = argv
        log = (self.logdir / f"{name}.log").open("ab")
        self.children[name] = subprocess.Popen(
            argv or [sys.executable, "-m", "consultant.cli", name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait_for_port:
            try:
                wait_port(wait_for_port, timeout=30)
            except TimeoutError:
                raise RuntimeError(f"{name} did not start:\n{self.log(name)}") from None

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        child = self.children.pop(name)
        os.killpg(child.pid, sig)
        child.wait(10)

    def revive(self, name: str) -> bool:
        """Start ``name`` again if it has exited, as a process supervisor (systemd's
        Restart=always, a Procfile runner) does in production. True if it had exited."""
        child = self.children.get(name)
        if child is not None and child.poll() is None:
            return False
        self.start(name, argv=self.argv.get(name))
        return True

    def log(self, name: str) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.children.clear()


def service_env(
    home: Path, database_url: str, broker_url: str, smtpd_port: int, **settings: object
) -> dict[str, str]:
    """Environment for the service's processes: their home, database, broker and inbound
    port, no sender, domain or client rate limit; ``settings`` adds ``CONSULTANT_<NAME>`` values."""
    from tests.conftest import TEST_SECRET

    env = {
        "CONSULTANT_HOME": str(home),
        "CONSULTANT_DATABASE_URL": database_url,
        "CONSULTANT_BROKER_URL": broker_url,
        "CONSULTANT_SECRET_KEY": TEST_SECRET,
        "CONSULTANT_SMTPD_PORT": str(smtpd_port),
        "CONSULTANT_SMTPD_RATE_PER_HOUR": "1000000",
        "CONSULTANT_SMTPD_RATE_PER_DOMAIN_PER_HOUR": "1000000",
        "CONSULTANT_SMTPD_RATE_PER_CLIENT_PER_HOUR": "1000000",
    }
    env.update({f"CONSULTANT_{key.upper()}": str(value) for key, value in settings.items()})
    return env


def eventually(check: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
