"""Every Alembic revision walks up and down, on SQLite and on Postgres."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from consultant.migrate import downgrade, revisions, upgrade
from consultant.models import Base


def test_walk_every_revision_down_and_up(db_url: str) -> None:
    revs = revisions()
    assert revs, "no migrations found"
    downgrade(db_url, "base")
    engine = create_engine(db_url)
    assert "cases" not in inspect(engine).get_table_names()
    for rev in revs:
        upgrade(db_url, rev)
    for rev in reversed(revs[:-1]):
        downgrade(db_url, rev)
    downgrade(db_url, "base")
    upgrade(db_url, "head")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
