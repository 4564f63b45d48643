"""Signing in and out, and who may open what.

Every view declares its access with ``@public`` or ``@require(permission)`` (permissions: ``screening.accounts``);
a view that declares nothing is refused to everyone (deny by default), so a new route cannot be left open by
mistake. Pages know the user from the session cookie; ``/api/`` routes only from a bearer token (no cookies, so no
CSRF on the API).

A session whose password someone else set (the first admin's one-time password, an admin's new account or reset:
``must_change_password``) opens only the password page and the public routes (sign-out among them) until its user
chooses their own password; every other page redirects there. Bearer tokens are not affected.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from screening.store import accounts
from web.db import get_db

bp = Blueprint("auth", __name__)


def public(view):
    """Mark a view open to everyone, signed in or not."""
    view._access = None
    return view


def require(permission: str):
    """Mark a view open to signed-in users whose role grants ``permission``."""
    if permission not in accounts.PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            return view(*args, **kwargs)
        inner._access = permission
        return inner
    return wrap


def may_current(permission: str) -> bool:
    """Whether the signed-in user may do this (for templates: show a button or not)."""
    return accounts.may(g.get("user"), permission)


def api_user() -> dict | None:
    """The account of the request's bearer token when it is valid (looked up once per request), else None."""
    if "api_user" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        g.api_user = accounts.token_user(get_db(), token) if scheme.lower() == "bearer" and token else None
    return g.api_user


PASSWORD_PAGE = "auth.change_password"


def must_change_password() -> bool:
    """Whether the signed-in session (never an API token) must change its password before anything else."""
    user = g.get("user")
    return bool(user and user.get("must_change_password") and not request.path.startswith("/api/"))


def _password_page(then: str | None = None) -> str:
    """The password page's address; ``then`` (a local page other than home) opens once the password is changed."""
    return url_for(PASSWORD_PAGE, next=then if then and then != url_for("runs.home") else None)


def _to_password_page(then: str):
    """Redirect a request to the password page; a page asked for by GET opens once the password is changed."""
    if request.method == "GET":
        return redirect(_password_page(safe_next(then)))
    return redirect(_password_page(), 303)


def client_address() -> str:
    """The client's address (the proxy's forwarded one when ``SCREENING_PROXY_HOPS`` trusts it)."""
    return request.remote_addr or ""


def _load_user() -> dict | None:
    if request.path.startswith("/api/"):
        return api_user()
    db = get_db()
    uid = session.get("user_id")
    if uid is None:
        return None
    user = accounts.get_user(db, uid)
    # A disabled account or a changed password ends every session at once.
    if user is None or user["disabled_at"] or user["password_changed_at"] != session.get("auth"):
        session.clear()
        return None
    return user


def init_app(app) -> None:
    @app.before_request
    def authorise():
        g.user = None
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or request.endpoint == "static":
            return None                      # 404/405 pages and static files
        if not hasattr(view, "_access"):
            current_app.logger.error("view %s declares no access rule: refused", request.endpoint)
            abort(403)
        g.user = _load_user()
        if view._access is None:
            return None
        if g.user is None:
            if request.path.startswith("/api/"):
                abort(401, description="Send a valid API token: Authorization: Bearer <token>.")
            return redirect(url_for("auth.signin", next=request.full_path if request.args else request.path))
        if must_change_password() and request.endpoint != PASSWORD_PAGE:
            return _to_password_page(request.full_path if request.args else request.path)
        if not accounts.may(g.user, view._access):
            abort(403, description=f"Your role ({g.user['role']}) may not do this.")
        return None


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the home page (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("runs.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("runs.home")
    return target


@bp.route("/signin", methods=["GET", "POST"])
@public
def signin():
    db = get_db()
    no_accounts = accounts.count_users(db) == 0
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            user = accounts.sign_in(db, name, request.form.get("password", ""), address=client_address())
        except accounts.SignInRefused as exc:
            flash(str(exc), "error")
            response = current_app.make_response((render_template("signin.html", name=name,
                                                                  no_accounts=no_accounts), 429 if exc.retry_after
                                                  else 401))
            if exc.retry_after:
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        # A fresh session on every sign-in (no fixation): the old one, and its CSRF token, are dropped.
        session.clear()
        session.permanent = True
        session["user_id"] = user["id"]
        session["auth"] = user["password_changed_at"]
        target = safe_next(request.form.get("next") or request.args.get("next"))
        if user["must_change_password"]:
            return redirect(_password_page(target))
        return redirect(target)
    return render_template("signin.html", name="", no_accounts=no_accounts)


@bp.post("/signout")
@public
def signout():
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
@require("view")
def change_password():
    """The user changes their own password (the current one first). While the password is one someone else set,
    this page says why it opened instead of the one asked for, and goes on to that one once the password is
    changed."""
    db = get_db()
    forced = bool(g.user["must_change_password"])
    if request.method == "POST":
        try:
            accounts.sign_in(db, g.user["name"], request.form.get("current", ""), address=client_address())
            if request.form.get("new") != request.form.get("repeat"):
                raise accounts.AccountError("the two new passwords differ")
            accounts.set_password(db, g.user["id"], request.form.get("new", ""), actor=g.user["name"],
                                  must_change=False)
        except (accounts.SignInRefused, accounts.AccountError) as exc:
            flash(str(exc), "error")
            return render_template("password.html", forced=forced), 400
        user = accounts.get_user(db, g.user["id"])
        session["auth"] = user["password_changed_at"]
        flash("Password changed." + (" You can now use every page your role allows." if forced else ""), "info")
        return redirect(safe_next(request.args.get("next")))
    return render_template("password.html", forced=forced)
