"""Administration pages: accounts, API tokens and settings (admin role only).

A generated password or a new token is shown once, on the page that answers the form (never stored in clear,
never sent again); the page is not cached. A password made here (a new account's, a reset) is known to the admin, so
its user must change it at their next sign-in before any other page opens (``web.auth``). Refusals of ``screening.accounts`` (the last admin, a name taken, a bad
value) are shown as messages on the page.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from screening.service import policy
from screening.store import accounts
from web.auth import require
from web.db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")
ID = "int(max=9223372036854775807)"        # SQLite's largest integer: a larger id is a 404


def _user_or_404(db, user_id: int) -> dict:
    user = accounts.get_user(db, user_id)
    if user is None:
        abort(404, description=f"There is no user {user_id}.")
    return user


def _users_page(status: int = 200, form: dict | None = None):
    db = get_db()
    tokens = accounts.list_tokens(db)
    active = {}
    for t in tokens:
        if not t["revoked_at"]:
            active[t["user_id"]] = active.get(t["user_id"], 0) + 1
    return render_template("admin/users.html", users=accounts.list_users(db), roles=accounts.ROLES,
                           permissions=accounts.PERMISSIONS, active_tokens=active,
                           form=form or {"name": "", "role": "analyst"}), status


@bp.get("/")
@require("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@require("admin")
def users():
    return _users_page()


@bp.post("/users")
@require("admin")
def add_user():
    db = get_db()
    name, role = request.form.get("name", ""), request.form.get("role", "")
    try:
        user, password = accounts.add_user(db, name, role, created_by=g.user["name"], must_change=True)
    except accounts.AccountError as exc:
        flash(f"The account was not created: {exc}.", "error")
        return _users_page(400, {"name": name, "role": role})
    current_app.logger.info("%s created the account %r (%s)", g.user["name"], user["name"], user["role"])
    return render_template("admin/secret.html", title="Account created", user=user, secret=password,
                           what="password", back=url_for("admin.users"))


@bp.post(f"/users/<{ID}:user_id>/role")
@require("admin")
def set_role(user_id: int):
    db = get_db()
    user = _user_or_404(db, user_id)
    role = request.form.get("role", "")
    try:
        accounts.set_role(db, user_id, role, actor=g.user["name"])
    except accounts.AccountError as exc:
        flash(f"{user['name']} keeps the role {user['role']}: {exc}.", "error")
        return _users_page(400)
    current_app.logger.info("%s set the role of %r to %s", g.user["name"], user["name"], role)
    flash(f"{user['name']} is now {role}.", "info")
    return redirect(url_for("admin.users"))


@bp.post(f"/users/<{ID}:user_id>/disabled")
@require("admin")
def set_disabled(user_id: int):
    db = get_db()
    user = _user_or_404(db, user_id)
    disable = request.form.get("disabled") == "1"
    try:
        accounts.set_disabled(db, user_id, disable, actor=g.user["name"])
    except accounts.AccountError as exc:
        flash(f"{user['name']} was not {'disabled' if disable else 'enabled'}: {exc}.", "error")
        return _users_page(400)
    current_app.logger.info("%s %s the account %r", g.user["name"], "disabled" if disable else "enabled",
                            user["name"])
    flash(f"{user['name']} is {'disabled: signed out everywhere, tokens stopped' if disable else 'enabled again'}.",
          "info")
    return redirect(url_for("admin.users"))


@bp.post(f"/users/<{ID}:user_id>/password")
@require("admin")
def reset_password(user_id: int):
    db = get_db()
    user = _user_or_404(db, user_id)
    try:
        password = accounts.set_password(db, user_id, actor=g.user["name"], must_change=True)
    except accounts.AccountError as exc:
        flash(f"The password was not reset: {exc}.", "error")
        return _users_page(400)
    current_app.logger.info("%s reset the password of %r", g.user["name"], user["name"])
    return render_template("admin/secret.html", title="Password reset", user=user, secret=password,
                           what="password", back=url_for("admin.users"))


# --- API tokens -----------------------------------------------------------------------------------------------

def _tokens_page(status: int = 200, form: dict | None = None):
    db = get_db()
    return render_template("admin/tokens.html", tokens=accounts.list_tokens(db), users=accounts.list_users(db),
                           form=form or {"user_id": "", "label": ""}), status


@bp.get("/tokens")
@require("admin")
def tokens():
    return _tokens_page()


@bp.post("/tokens")
@require("admin")
def create_token():
    db = get_db()
    label = " ".join(request.form.get("label", "").split())[:100]
    user_id = request.form.get("user_id", "")
    user = accounts.get_user(db, int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
    if user is None:
        flash("The token was not created: choose its user.", "error")
        return _tokens_page(400, {"user_id": user_id, "label": label})
    try:
        token_id, token = accounts.create_token(db, user["id"], label, actor=g.user["name"])
    except accounts.AccountError as exc:
        flash(f"The token was not created: {exc}.", "error")
        return _tokens_page(400, {"user_id": user_id, "label": label})
    current_app.logger.info("%s created API token %s for %r", g.user["name"], token_id, user["name"])
    return render_template("admin/secret.html", title="API token created", user=user, secret=token, what="token",
                           label=label, disabled=bool(user["disabled_at"]), back=url_for("admin.tokens"))


@bp.post(f"/tokens/<{ID}:token_id>/revoke")
@require("admin")
def revoke_token(token_id: int):
    accounts.revoke_token(get_db(), token_id, actor=g.user["name"])      # an unknown token: 404 (web.errors)
    current_app.logger.info("%s revoked API token %s", g.user["name"], token_id)
    flash(f"Token {token_id} revoked: it no longer opens the API.", "info")
    return redirect(url_for("admin.tokens"))


# --- settings -------------------------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@require("admin")
def settings():
    db = get_db()
    if request.method == "GET":
        return render_template("admin/settings.html", settings=policy.admin_settings(db), values={})
    values = {key: request.form.get(key, "") for key in policy.ADMIN_SETTINGS if key in request.form}
    try:
        changed = policy.set_values(db, values, actor=g.user["name"])
    except policy.PolicyErrors as exc:
        for e in exc.problems:
            flash(f"Not saved: {e}.", "error")
        return render_template("admin/settings.html", settings=policy.admin_settings(db), values=values), 400
    current_app.logger.info("%s changed settings: %s", g.user["name"], ", ".join(changed) or "nothing")
    flash(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.", "info")
    return redirect(url_for("admin.settings"))
