"""A Celery app with one task that does nothing but count: the broker's ceiling on this
machine, beside which the service's own rate reads as a fraction (``make bench``)."""

from __future__ import annotations

import os

import redis
from celery import Celery

app = Celery("bench_noop", broker=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1/0"))
app.conf.update(
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_default_queue="noop",
    worker_hijack_root_logger=False,
)
_counter: redis.Redis | None = None


@app.task(name="bench.noop")
def noop() -> None:
    global _counter
    if _counter is None:
        _counter = redis.Redis.from_url(app.conf.broker_url)
    _counter.incr("bench:noop")
