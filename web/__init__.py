"""The Flask web app and JSON API: routes, templates and the request plumbing; no business logic, no SQL.

``create_app`` wires what every page shares: one database connection per request (``get_db``), the signed-in user
(session cookie for pages, bearer token for ``/api/``), CSRF protection on every form, security headers, and
error pages that say what happened without a stack trace. The pages live in blueprints: ``auth`` (sign in/out),
``runs`` (home, upload, runs, hits, decisions, reports), ``watchlist`` (articles, entities, search), ``admin``
(accounts, tokens, settings) and ``api`` (JSON).
"""
from __future__ import annotations

import logging
import os
import secrets
from screening.store import settings

from flask import Flask, g, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_MB = 100


def get_db():
    """The request's database connection (opened on first use, closed at the end of the request)."""
    from flask import current_app

    from screening.store import db as dbmod

    if "db" not in g:
        g.db = dbmod.connect(current_app.config["DB_PATH"])
    return g.db


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults, then ``SCREENING_*`` environment settings, then test overrides."""
    from screening.store import accounts
    from screening.store import db as dbmod

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DB_PATH=dbmod.default_path(),
        MAX_UPLOAD_MB=DEFAULT_MAX_UPLOAD_MB,
        UPLOAD_DIR=None,                      # default: an "uploads" folder beside the database
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,           # browsers accept it on http://localhost too; TLS elsewhere
        SESSION_COOKIE_NAME="screening_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        PROXY_HOPS=0,                         # reverse proxies in front (TLS): trust their X-Forwarded-For/-Proto
    )
    app.config.from_prefixed_env("SCREENING")
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    if int(app.config["PROXY_HOPS"]):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = os.path.join(os.path.dirname(os.path.abspath(app.config["DB_PATH"])), "uploads")
    if not app.config.get("SECRET_KEY"):
        database = dbmod.connect(app.config["DB_PATH"])
        try:
            app.config["SECRET_KEY"] = settings.secret_key(database)
        finally:
            database.close()

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    from web import auth
    auth.init_app(app)
    _security(app)
    _errors(app)

    from web import admin, api, monitor, queue, runs, watchlist
    for module in (auth, runs, watchlist, admin, api, queue, monitor):
        app.register_blueprint(module.bp)

    @app.get("/health")
    @auth.public
    def health():
        from screening.store import watchlist as store

        return jsonify({"status": "ok", "watchlist": store.stats(get_db())})

    app.jinja_env.globals.update(csrf_token=csrf_token, may=auth.may_current)
    return app


# --- CSRF and headers -----------------------------------------------------------------------------------------

CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every form carries it in a hidden field."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def _security(app: Flask) -> None:
    @app.before_request
    def check_csrf():
        if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/"):
            return None
        sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token")
        expected = session.get(CSRF_FIELD)
        if not sent or not expected or not secrets.compare_digest(sent, expected):
            from flask import abort
            abort(400, description="The form was not sent by this site or has expired (no valid CSRF token). "
                                   "Reload the page and try again.")
        return None

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


def _errors(app: Flask) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 413:
            description = (f"The file is larger than the upload limit of {app.config['MAX_UPLOAD_MB']} MB "
                           "(setting SCREENING_MAX_UPLOAD_MB).")
        else:
            description = exc.description
        if wants_json():
            return jsonify({"error": exc.name, "status": exc.code, "message": description}), exc.code
        return render_template("error.html", code=exc.code, name=exc.name, description=description), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        message = "Something went wrong on our side; the error was logged. Try again, or tell your administrator."
        if wants_json():
            return jsonify({"error": "Internal Server Error", "status": 500, "message": message}), 500
        return render_template("error.html", code=500, name="Internal error", description=message), 500
