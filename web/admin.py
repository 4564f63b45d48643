"""Administration pages: accounts, API tokens, settings (filled in by the web-app issue)."""
from __future__ import annotations

from flask import Blueprint, render_template

from .auth import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require("admin")
def users():
    return render_template("base.html")
