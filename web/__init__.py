"""The Flask web app and JSON API: routes, templates and the request plumbing; no business logic, no SQL.

``create_app`` wires what every page shares: one database connection per request (``web.db.get_db``), the
signed-in user (session cookie for pages, bearer token for ``/api/``), CSRF protection on every form (Flask-WTF's
``CSRFProtect``; the API is exempt: it reads no cookies), the API's rate limit (``web.limits``, Flask-Limiter),
security headers, and one map from errors to error pages and JSON (``web.errors``). The pages live in blueprints:
``auth`` (sign in/out), ``runs`` (home, upload, runs, hits, decisions, reports), ``watchlist`` (articles,
entities, search), ``admin`` (accounts, tokens, settings), ``queue`` (the work queue), ``monitor`` (monitoring)
and ``api`` (JSON).
"""
from __future__ import annotations

import sqlite3

from flask import Flask, g, jsonify, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from screening.service import policy, screen
from screening.store import db as dbmod
from screening.store import settings
from screening.store import watchlist as store
from watchlists.lists import published_text
from web import admin, api, auth, errors, limits, monitor, queue, runs, watchlist
from web import db as web_db
from web.db import get_db

__all__ = ["create_app", "get_db"]

BLUEPRINTS = (auth, runs, watchlist, admin, api, queue, monitor)

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then ``SCREENING_*`` environment settings, then test overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DB_PATH=dbmod.default_path(),
        MAX_UPLOAD_MB=None,                   # default: the policy's (screening.service.policy)
        UPLOAD_DIR=None,                      # default: the policy's, an "uploads" folder beside the database
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,           # browsers accept it on http://localhost too; TLS elsewhere
        SESSION_COOKIE_NAME="screening_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        PROXY_HOPS=0,                         # reverse proxies in front (TLS): trust their X-Forwarded-For/-Proto
        WTF_CSRF_TIME_LIMIT=None,             # a form's token is good for as long as its session (8 hours)
        API_RATE_LIMIT=limits.DEFAULT_API_RATE_LIMIT,
        RATELIMIT_STORAGE_URI=limits.DEFAULT_STORAGE_URI,
    )
    app.config.from_prefixed_env("SCREENING")
    if test_config:
        app.config.update(test_config)
    resolved = policy.resolve(None, db_path=app.config["DB_PATH"], max_upload_mb=app.config["MAX_UPLOAD_MB"],
                              upload_dir=app.config["UPLOAD_DIR"] or None)
    app.config["MAX_UPLOAD_MB"], app.config["UPLOAD_DIR"] = resolved.max_upload_mb, resolved.upload_dir
    app.config["MAX_CONTENT_LENGTH"] = int(resolved.max_upload_mb * 1024 * 1024)
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("SECRET_KEY"):
        database = dbmod.connect(app.config["DB_PATH"])
        try:
            app.config["SECRET_KEY"] = settings.secret_key(database)
        finally:
            database.close()

    _wire(app)
    return app


def _wire(app: Flask) -> None:
    """Hooks run in this order before each request: the API's rate limit, who the user is and what they may do,
    then the CSRF token of a form."""
    web_db.init_app(app)
    limits.init_app(app, api.bp)
    auth.init_app(app)
    csrf.init_app(app)
    csrf.exempt(api.bp)                       # bearer tokens only, no cookies: no cross-site requests
    _headers(app)
    errors.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)

    @app.get("/health")
    @auth.public
    def health():
        return jsonify({"status": "ok", "watchlist": store.stats(get_db())})

    app.jinja_env.globals.update(may=auth.may_current)    # csrf_token() comes from Flask-WTF
    app.jinja_env.globals.update(case_file_in_background=screen.case_file_in_background)
    _lists(app)


def _lists(app: Flask) -> None:
    """What every page may show of the official lists: the warning when no sanctions list is loaded (base.html),
    and the lists of a watchlist version with their provenance (a run's page)."""
    @app.context_processor
    def sanctions_warning():
        missing = False
        if g.get("user"):
            try:
                missing = not store.sanctions_loaded(get_db())
            except sqlite3.Error:             # an error page about the database itself: no banner then
                missing = False
        return {"no_sanctions_list": missing}

    app.jinja_env.globals.update(lists_of_version=lambda version: store.lists_of_version(get_db(), version),
                                 published_text=published_text)


def _headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                     "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path != "/health" and not request.path.startswith("/static/"):
            h.setdefault("Cache-Control", "no-store")
        return response
