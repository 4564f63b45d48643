"""The request's database connection: opened on first use, closed when the request ends (``init_app``).

A module of its own so that every blueprint can import ``get_db`` and ``web/__init__.py`` can import the blueprints
at its top, without an import cycle.
"""
from __future__ import annotations

import sqlite_utils
from flask import Flask, current_app, g

from screening.store import db as dbmod


def get_db() -> sqlite_utils.Database:
    """The request's database connection (opened on first use, closed at the end of the request)."""
    if "db" not in g:
        g.db = dbmod.connect(current_app.config["DB_PATH"])
    return g.db


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()
