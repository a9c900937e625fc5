"""`consultant run`: quiet output with the banner last and boxed, a free port for the local
capture when none is set, and a one-line message naming the setting for a taken port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import free_port

pytestmark = pytest.mark.integration


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTANT_")}
    env |= {
        "CONSULTANT_HOME": str(tmp_path / "home"),
        "CONSULTANT_ENV_FILE": str(tmp_path / "no.env"),
        "CONSULTANT_WEB_PORT": str(free_port()),
        "CONSULTANT_SMTPD_PORT": str(free_port()),
    }
    return env | extra


def test_run_is_quiet_and_prints_its_banner_last(tmp_path: Path) -> None:
    # The capture's old fixed port is taken: with no port set, run must not care.
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            taken.bind(("127.0.0.1", 8026))
            taken.listen()
        except OSError:
            pass  # already taken by something else: just as good
        log = tmp_path / "run.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "consultant.cli", "run"],
                env=_env(tmp_path),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 120
            while "Ctrl-C stops everything" not in log.read_text() and proc.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
            time.sleep(3)  # anything the children would still print
            text = log.read_text()
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(30)
    assert proc.returncode in (0, -signal.SIGINT), text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("┌") and lines[-1].startswith("└"), text
    assert "Reviewer login:" in text
    for noise in (
        "mail.log",
        "SecurityWarning",
        "celery beat",
        "alembic",
        "-------------- celery@",
    ):
        assert noise not in text


def test_a_taken_port_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for variable in ("CONSULTANT_WEB_PORT", "CONSULTANT_SMTPD_PORT", "CONSULTANT_SMTP_PORT"):
            result = subprocess.run(
                [sys.executable, "-m", "consultant.cli", "run"],
                env=_env(tmp_path, **{variable: str(port)}),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 2
            assert result.stdout == ""
            assert result.stderr.strip().splitlines() == [
                f"127.0.0.1:{port} is already in use: set {variable} to a free port "
                "(or stop the other instance)."
            ]
