"""Celery app and thin task wrappers; the work itself lives in ``consultant``."""
