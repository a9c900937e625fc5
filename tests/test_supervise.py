"""`consultant run`'s supervisor keeps its children running: one that exits is started
again after a pause that grows while it keeps exiting, and each restart is one line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from consultant.supervise import Supervisor


def test_a_child_that_exits_is_restarted_after_a_growing_pause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starts = tmp_path / "starts"
    sup = Supervisor(dict(os.environ))
    sup.BACKOFF_FIRST, sup.BACKOFF_MAX = 0.2, 0.4
    sup.start("worker", [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('.'); exit(3)"])
    sup.start("web", [sys.executable, "-c", "import time; time.sleep(60)"])
    web = sup.children["web"]
    try:
        deadline = time.monotonic() + 30
        while (starts.read_text() if starts.exists() else "") != "....":
            assert time.monotonic() < deadline, "the worker was not restarted"
            sup.check()
            time.sleep(0.02)
    finally:
        sup.stop()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "worker exited with 3; restarting in 0.2 s",
        "worker exited with 3; restarting in 0.4 s",
        "worker exited with 3; restarting in 0.4 s",  # no longer than the cap
    ]
    assert sup.children["web"] is web  # the one still running was left alone


def test_stop_does_not_restart_what_it_stops(capsys: pytest.CaptureFixture[str]) -> None:
    sup = Supervisor(dict(os.environ))
    sup.start("worker", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup.stop()
    sup.check()
    assert sup.children["worker"].poll() is not None
    assert "restarting" not in capsys.readouterr().out
