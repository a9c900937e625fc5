"""Publishing from a process that never imported the task module (the SMTP listener)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_publish_registers_tasks_in_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "CONSULTANT_HOME": str(tmp_path), "CONSULTANT_BROKER_URL": "filesystem://"}
    code = (
        "import logging; logging.basicConfig()\n"
        "from consultant import queue\n"
        "queue.publish_now_commit_unsafe(queue.PROCESS_INBOUND, 1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "could not publish" not in result.stderr, result.stderr
    queued = list((tmp_path / "broker" / "queue").iterdir())
    assert len(queued) == 1, "the task message is in the file-system broker"
    assert not (tmp_path / "control").exists(), "broker state stays under CONSULTANT_HOME"
