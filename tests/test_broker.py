"""The embedded broker hands a consumer whole messages even while a publisher writes."""

from __future__ import annotations

import threading
from pathlib import Path

from kombu import Connection

BIG = "x" * 200_000  # a message that takes more than one write


def _race(transport: str, folder: Path, count: int = 300) -> list[Exception]:
    (folder / "queue").mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "store_processed": False,
        "control_folder": str(folder / "control"),
        "polling_interval": 0.001,
    }
    errors: list[Exception] = []
    received = 0
    with Connection(transport=transport, transport_options=options) as publisher_conn:
        queue_out = publisher_conn.SimpleQueue("race")

        def publish() -> None:
            for i in range(count):
                queue_out.put({"i": i, "body": BIG})

        thread = threading.Thread(target=publish)
        thread.start()
        with Connection(transport=transport, transport_options=options) as consumer_conn:
            queue_in = consumer_conn.SimpleQueue("race")
            while received < count:
                try:
                    message = queue_in.get(timeout=10)
                except Exception as exc:  # a half-written file reads as bad JSON
                    errors.append(exc)
                    if len(errors) > 3 or "Empty" in type(exc).__name__:
                        break
                    continue
                message.ack()
                received += 1
        thread.join()
    return errors


def test_consumer_never_sees_a_half_written_message(tmp_path: Path) -> None:
    # kombu's own "filesystem" transport fails this: the consumer takes files half written.
    assert _race("workers.broker:AtomicFilesystemTransport", tmp_path) == []
