"""The Flask web app and JSON API (pages arrive with the web-app issue; for now a health check and watchlist stats)."""
from __future__ import annotations

from flask import Flask, g, jsonify


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then ``SCREENING_*`` environment settings, then test overrides."""
    from screening import db as dbmod

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DB_PATH=dbmod.default_path())
    app.config.from_prefixed_env("SCREENING")
    if test_config:
        app.config.update(test_config)

    def get_db():
        if "db" not in g:
            g.db = dbmod.connect(app.config["DB_PATH"])
        return g.db

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    @app.get("/health")
    def health():
        from watchlists import store

        return jsonify({"status": "ok", "watchlist": store.stats(get_db())})

    return app
