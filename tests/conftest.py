"""Shared fixtures: a file database per test, and the bundled sample ingested once per session."""
from __future__ import annotations

import pytest

from screening import db as dbmod


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated SQLite file database."""
    database = dbmod.connect(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """A database holding the bundled sample article (DW, 20 September 2016), ingested once."""
    from watchlists import ingest

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    database = dbmod.connect(path)
    result = ingest.ingest_sample(database)
    assert [o.status for o in result.outcomes] == ["added"], result.outcomes
    yield database
    database.close()


@pytest.fixture
def sample_copy(sample_db, tmp_path):
    """A private copy of the database holding the sample article, so runs stored by one test stay in it."""
    path = tmp_path / "screening.db"
    sample_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = dbmod.connect(path, migrate_schema=False)
    sample_db.conn.backup(target.conn)
    target.close()
    return path
