"""Fixtures: real servers per session, a fresh migrated database per test on SQLite and
on Postgres, settings pointed at them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from consultant.config import Settings, get_settings, reset_settings
from consultant.db import engine_for, session_factory
from consultant.migrate import upgrade
from tests.servers import Dovecot, Postgres, Redis, start_dovecot, start_postgres, start_redis

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cms"
TEST_SECRET = "test-secret-key-not-for-production"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    server = start_dovecot()
    yield server
    server.stop()


def use_settings(monkeypatch: pytest.MonkeyPatch, **values: object) -> Settings:
    """Set CONSULTANT_* variables and return fresh settings (the worker tasks read them)."""
    for key, value in values.items():
        monkeypatch.setenv(f"CONSULTANT_{key.upper()}", str(value))
    reset_settings()
    settings = get_settings()
    from workers.app import app, celery_config

    app.conf.update(celery_config(settings))
    # Broker connections are pooled per app: a new broker URL needs new pools.
    app._pool = None
    app.amqp._producer_pool = None
    return settings


@pytest.fixture(scope="session")
def icd10_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Per backend, a migrated database holding ICD-10-CM, built once: loading its 98,000
    codes took five seconds of every test that codes diagnoses."""
    return {}


def _icd10_template(request: pytest.FixtureRequest, backend: str) -> str:
    from consultant.codes.knowledge import ensure_icd10

    templates = request.getfixturevalue("icd10_templates")
    if backend not in templates:
        if backend == "sqlite":
            folder = request.getfixturevalue("tmp_path_factory").mktemp("icd10")
            url = f"sqlite:///{folder / 'template.db'}"
        else:
            url = request.getfixturevalue("postgres_server").create_database()
        upgrade(url)
        with session_factory(engine_for(url))() as s:
            ensure_icd10(s)
            s.commit()
        engine_for(url).dispose()  # a Postgres template may have no one connected
        templates[backend] = url
    return templates[backend]


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    # Tests marked icd10 start from a copy of a database that already holds ICD-10-CM.
    template = (
        _icd10_template(request, request.param) if request.node.get_closest_marker("icd10") else ""
    )
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'consultant.db'}"
        if template:
            shutil.copyfile(template.removeprefix("sqlite:///"), tmp_path / "consultant.db")
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(template.rsplit("/", 1)[-1] if template else "")
    monkeypatch.setenv("CONSULTANT_ENV_FILE", str(tmp_path / "no.env"))
    use_settings(
        monkeypatch,
        home=tmp_path / "home",
        database_url=url,
        secret_key=TEST_SECRET,
        broker_url="memory://",
    )
    upgrade(url)
    yield url
    engine_for(url).dispose()
    reset_settings()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    s = session_factory(engine_for(db_url))()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def eager_tasks(db_url: str) -> Iterator[None]:
    """Run published tasks in-process, right after the publishing commit."""
    import workers.tasks  # noqa: F401  (registers the tasks the app runs in-process)
    from workers.app import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
