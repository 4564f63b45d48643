"""The web app's skeleton: the app factory honours the configured database and reports the watchlist."""
from __future__ import annotations

from watchlists import ingest
from web import create_app


def test_health_reports_the_watchlist(tmp_path):
    from screening import db as dbmod

    path = tmp_path / "web.db"
    database = dbmod.connect(path)
    ingest.ingest_sample(database)
    database.close()
    app = create_app({"DB_PATH": str(path), "TESTING": True})
    res = app.test_client().get("/health")
    assert res.status_code == 200
    body = res.get_json()
    assert body["status"] == "ok"
    assert body["watchlist"]["version"] == 1
    assert body["watchlist"]["articles"] == 1
