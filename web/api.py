"""The JSON API for integrations, with bearer-token authentication (filled in by the web-app issue)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
