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


@pytest.fixture
def web_app(sample_copy, tmp_path):
    """The Flask app over a private copy of the sample database (uploads in the test's folder)."""
    from web import create_app

    return create_app({"DB_PATH": str(sample_copy), "TESTING": True, "SESSION_COOKIE_SECURE": False,
                       "UPLOAD_DIR": str(tmp_path / "uploads")})


@pytest.fixture
def signed_in(web_app):
    """``signed_in(role, name=None)`` returns a test client signed in as a new account of that role; the client's
    ``csrf`` attribute holds its CSRF token for posting forms."""
    import re

    from screening import accounts
    from screening import db as dbmod

    def make(role: str, name: str | None = None):
        name = name or f"{role}-user"
        db = dbmod.connect(web_app.config["DB_PATH"])
        try:
            if accounts.find_user(db, name) is None:
                accounts.add_user(db, name, role, password="correct horse battery")
        finally:
            db.close()
        client = web_app.test_client()
        page = client.get("/signin").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        res = client.post("/signin", data={"name": name, "password": "correct horse battery", "csrf_token": token})
        assert res.status_code == 302, res.get_data(as_text=True)
        page = client.get("/account/password").get_data(as_text=True)
        client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client
    return make
