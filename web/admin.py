"""Administration pages: accounts, API tokens, settings and official lists (admin role only).

A generated password or a new token is shown once, on the page that answers the form (never stored in clear,
never sent again); the page is not cached. A password made here (a new account's, a reset) is known to the admin, so
its user must change it at their next sign-in before any other page opens (``web.auth``). Refusals of ``screening.accounts`` (the last admin, a name taken, a bad
value) are shown as messages on the page.

Lists: an upload (the list's file; for OFAC's SDN set also alt.csv, add.csv and sdn_comments.csv) is kept in a
folder of its own under the upload folder, named by a random id, and previewed (``screening.service.lists``: counts
and changes, its files' SHA-256 and the publication date, nothing stored); the confirmation imports that same upload
(checked against the SHA-256 previewed) within the request: the whole OFAC SDN list takes under a second to read
and store (0.4 s and 0.3 s on the July 2021 set), far below what would need the job queue.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import time

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

from screening.service import lists as list_import
from screening.service import monitor, policy
from screening.store import accounts
from screening.store import watchlist as store
from watchlists import lists
from web import uploads
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
    # A setting of several values (checkboxes) arrives as several fields of one name.
    values = {key: ", ".join(v for v in request.form.getlist(key) if v.strip())
              for key in policy.ADMIN_SETTINGS if key in request.form}
    try:
        changed = policy.set_values(db, values, actor=g.user["name"])
    except policy.PolicyErrors as exc:
        for e in exc.problems:
            flash(f"Not saved: {e}.", "error")
        return render_template("admin/settings.html", settings=policy.admin_settings(db), values=values), 400
    current_app.logger.info("%s changed settings: %s", g.user["name"], ", ".join(changed) or "nothing")
    flash(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.", "info")
    return redirect(url_for("admin.settings"))


# --- official lists ---------------------------------------------------------------------------------------------

LIST_UPLOAD = re.compile(r"[0-9a-f]{32}")
LIST_FILES = {"csv": (".csv", ".tsv", ".txt"), "ofac-sdn": (".csv",), "un-consolidated": (".xml",),
              "uk-hmt": (".csv",)}
LIST_UPLOAD_MAX_AGE_S = 24 * 3600          # a preview never confirmed is removed after a day


def _list_uploads() -> str:
    return os.path.join(current_app.config["UPLOAD_DIR"], "lists")


def _list_folder(upload_id: str) -> str:
    """The folder of a previewed upload, from its id (never a path sent by the browser); 400 if it is gone."""
    folder = os.path.join(_list_uploads(), upload_id)
    if not LIST_UPLOAD.fullmatch(upload_id) or not os.path.isdir(folder):
        abort(400, description="This upload is no longer here (imported, cancelled or older than a day): upload the "
                               "list again.")
    return folder


def _discard(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _sweep_list_uploads() -> None:
    """Remove the list uploads previewed more than a day ago and never confirmed."""
    root = _list_uploads()
    if os.path.isdir(root):
        cutoff = time.time() - LIST_UPLOAD_MAX_AGE_S
        for entry in os.scandir(root):
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry.path, ignore_errors=True)


def _stored_name(name: str, fmt: str) -> str:
    """The name a list file is kept under in its upload's folder: OFAC's companions by their own names (the reader
    finds them beside sdn.csv), any other file by its own name with only letters, digits, dots, dashes and
    underscores."""
    if fmt == "ofac-sdn" and name.lower() in lists.OFAC_COMPANIONS:
        return name.lower()
    base, ext = os.path.splitext(name)
    return (re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_")[:100] or "list") + ext.lower()


def _save_list_upload(fmt: str) -> tuple[str, str, str]:
    """Save the uploaded list files into a new folder; return (upload id, path of the list's file, the name that file
    has on the user's computer). Raise ``uploads.UploadError`` (the folder removed) for no file, a wrong extension
    or an unexpected set of files."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        raise uploads.UploadError("choose the list's file to upload")
    names = [uploads.display_name(f.filename) for f in files]
    for name in names:
        if os.path.splitext(name)[1].lower() not in LIST_FILES[fmt]:
            raise uploads.UploadError(f"{name}: not accepted for {fmt} (use {', '.join(LIST_FILES[fmt])})")
    stored = [_stored_name(n, fmt) for n in names]
    if len(set(stored)) < len(stored):
        raise uploads.UploadError("the same file name twice: upload each file once")
    main = [s for s in stored if s not in lists.OFAC_COMPANIONS] if fmt == "ofac-sdn" else stored
    if fmt != "ofac-sdn" and len(files) > 1:
        raise uploads.UploadError("this list is one file: upload one")
    if fmt == "ofac-sdn" and len(main) != 1:
        raise uploads.UploadError("upload OFAC's sdn.csv (one file), with alt.csv, add.csv and sdn_comments.csv if "
                                  "you have them" + (f"; got {', '.join(names)}" if main else ""))
    upload_id = secrets.token_hex(16)
    folder = os.path.join(_list_uploads(), upload_id)
    os.makedirs(folder, mode=0o700)
    try:
        for f, name, kept in zip(files, names, stored):
            path = os.path.join(folder, kept)
            f.save(path)
            if os.path.getsize(path) == 0:
                raise uploads.UploadError(f"{name}: the file is empty")
    except uploads.UploadError:
        _discard(folder)
        raise
    return upload_id, os.path.join(folder, main[0]), names[stored.index(main[0])]


def _list_form() -> dict:
    form = {k: " ".join(request.form.get(k, "").split())[:200] for k in ("format", "name", "published", "mtime")}
    if form["format"] not in lists.FORMATS:
        form["format"] = ""
    return form


def _lists_page(status: int = 200, form: dict | None = None):
    db = get_db()
    version = store.current_version(db)
    counts = {s["name"]: s for s in store.list_sources(db)}
    return render_template("admin/lists.html", version=version, lists=store.lists_of_version(db, version),
                           counts=counts, imports=store.list_imports(db, limit=10), formats=lists.FORMATS,
                           form=form or {"format": "ofac-sdn", "name": "", "published": "", "mtime": ""}), status


@bp.get("/lists")
@require("admin")
def lists_page():
    return _lists_page()


@bp.post("/lists/preview")
@require("admin")
def list_preview():
    form = _list_form()
    folder = None
    try:
        if not form["format"]:
            raise uploads.UploadError(f"choose the list's format ({' or '.join(lists.FORMATS)})")
        _sweep_list_uploads()
        upload_id, path, shown = _save_list_upload(form["format"])
        folder = os.path.dirname(path)
        prepared = list_import.prepare(path, form["format"],
                                       name=form["name"] or list_import.default_name(form["format"], shown),
                                       published=form["published"] or None, mtime=form["mtime"] or None,
                                       uploaded=True)
        plan = list_import.preview(get_db(), prepared)
    except (uploads.UploadError, list_import.ListError) as exc:
        _discard(folder)
        flash(f"Nothing was imported: {exc}", "error")
        return _lists_page(400, form)
    if not plan.changes_anything:
        _discard(folder)                      # nothing to confirm
    return render_template("admin/list_preview.html", prepared=prepared, plan=plan, upload_id=upload_id,
                           form={**form, "name": prepared.name}, sample=list_import.PREVIEW_SAMPLE,
                           sanctions=prepared.format in lists.SANCTIONS_FORMATS,
                           version_next=store.current_version(get_db()) + 1)


@bp.post("/lists/import")
@require("admin")
def list_confirm():
    form = _list_form()
    folder = _list_folder(request.form.get("upload", ""))
    kept = request.form.get("file", "")
    if not form["format"] or kept not in os.listdir(folder):      # a name the server gave, never a path
        _discard(folder)
        abort(400, description="This upload is incomplete: upload the list again.")
    path = os.path.join(folder, kept)
    db = get_db()
    try:
        prepared = list_import.prepare(path, form["format"], name=form["name"] or None,
                                       published=form["published"] or None, mtime=form["mtime"] or None,
                                       uploaded=True)
        if prepared.digest != request.form.get("digest"):
            raise list_import.ListError(path, "the files are not the ones previewed: upload the list again")
        result = list_import.import_prepared(db, prepared, actor=g.user["name"])
    except list_import.ListError as exc:
        flash(f"Nothing was imported: {exc}", "error")
        return _lists_page(400, form)
    finally:
        _discard(folder)
    if result.version is None:
        flash(f"List {result.name}: {result.read} entries read, unchanged: nothing stored.", "info")
        return redirect(url_for("admin.lists_page"))
    current_app.logger.info("%s imported the list %r: watchlist version %s", g.user["name"], result.name,
                            result.version)
    job_id = monitor.enqueue_if_behind(db, g.user["name"])
    flash(f"List {result.name} imported: {result.added} added, {result.updated} updated"
          f"{f' ({result.relisted} relisted)' if result.relisted else ''}, {result.delisted} delisted, "
          f"{result.unchanged} unchanged; watchlist version {result.version}."
          + (f" Monitored clients are re-screened (job {job_id})." if job_id else ""), "info")
    return redirect(url_for("admin.lists_page"))


@bp.post("/lists/cancel")
@require("admin")
def list_cancel():
    upload_id = request.form.get("upload", "")
    if LIST_UPLOAD.fullmatch(upload_id):
        _discard(os.path.join(_list_uploads(), upload_id))
    flash("The upload was discarded: nothing was imported.", "info")
    return redirect(url_for("admin.lists_page"))
