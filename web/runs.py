"""Pages of screening runs: home, upload, runs, hits, decisions, reports (filled in by the web-app issue)."""
from __future__ import annotations

from flask import Blueprint, render_template

from .auth import require

bp = Blueprint("runs", __name__)


@bp.get("/")
@require("view")
def home():
    return render_template("base.html")


@bp.get("/runs")
@require("view")
def run_list():
    return render_template("base.html")


@bp.get("/upload")
@require("screen")
def upload():
    return render_template("base.html")
