"""The Celery application. Redis in production; a file-system transport embedded."""

from __future__ import annotations

from typing import Any

from celery import Celery

from consultant.config import Settings, get_settings


def celery_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "broker_url": settings.broker,
        "task_ignore_result": True,
        # Acknowledge after the task ran, so a worker killed mid-task leaves the message
        # for another; tasks are idempotent, so running twice is safe.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "consultant",
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "sweep": {"task": "workers.tasks.sweep", "schedule": settings.sweep_every_seconds},
            **_data_update_schedule(settings),
        },
        "imports": ["workers.tasks"],
    }
    if settings.broker.startswith("filesystem://"):
        folder = settings.broker_dir
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        # kombu's own writes messages in place; ours renames whole files into the queue.
        config["broker_transport"] = "workers.broker:AtomicFilesystemTransport"
        config["broker_transport_options"] = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            # Without it kombu writes a "control" folder into the current directory.
            "control_folder": str(folder / "control"),
            "store_processed": False,
            # How long an idle consumer sleeps before it looks again: short, or the pool
            # waits on the folder instead of drafting (0.1 s held it to 29 drafted/s).
            "polling_interval": 0.01,
        }
    return config


def _data_update_schedule(settings: Settings) -> dict[str, Any]:
    """``consultant data update`` every CONSULTANT_DATA_UPDATE_HOURS; off when 0 (the
    default: an admin decides when new CMS releases reach the answers)."""
    if settings.data_update_hours <= 0:
        return {}
    every = settings.data_update_hours * 3600
    return {"data-update": {"task": "workers.tasks.update_reference_data", "schedule": every}}


def make_app(settings: Settings | None = None) -> Celery:
    celery = Celery("consultant")
    celery.conf.update(celery_config(settings or get_settings()))
    return celery


app = make_app()
