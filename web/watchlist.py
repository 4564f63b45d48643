"""Pages of the watchlist: articles, entities, search, entity profiles (filled in by the web-app issue)."""
from __future__ import annotations

from flask import Blueprint, render_template

from .auth import require

bp = Blueprint("watchlist", __name__, url_prefix="/watchlist")


@bp.get("/")
@require("view")
def overview():
    return render_template("base.html")
