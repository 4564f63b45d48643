"""The JSON API's rate limit, with Flask-Limiter.

Every ``/api/`` route shares one limit (``SCREENING_API_RATE_LIMIT``, default "600 per minute") per API token; a
request without a valid token counts against its address, so trying made-up tokens is limited too. Past the limit
the API answers 429 in its JSON error format with ``Retry-After`` (``web.errors``). The counters live in
``SCREENING_RATELIMIT_STORAGE_URI`` (default ``memory://``: each gunicorn worker process counts on its own, so the
limit a client meets is at most the workers times the setting; a ``redis://`` or ``memcached://`` URI, with its
client library installed, shares one count). ``SCREENING_RATELIMIT_ENABLED=false`` turns the limit off.

Sign-in throttling is not here: it stays in the database (``screening.store.accounts.sign_in``), shared by every
worker and kept across restarts, which Flask-Limiter's storages are not without a server of their own.
"""
from __future__ import annotations

import math
import time

import limits as limits_lib
from flask import Blueprint, Flask, current_app
from flask_limiter import Limiter

from web import auth

DEFAULT_API_RATE_LIMIT = "600 per minute"
DEFAULT_STORAGE_URI = "memory://"


def client_key() -> str:
    """Whom a request counts against: its API token when it is valid, else its address."""
    user = auth.api_user()
    return f"token:{user['token_id']}" if user else f"address:{auth.client_address()}"


def init_app(app: Flask, api: Blueprint) -> Limiter:
    """Limit every route of the ``api`` blueprint, sharing one count per client; return the app's limiter."""
    rate = str(app.config["API_RATE_LIMIT"])
    try:
        limits_lib.parse_many(rate)
    except ValueError:
        raise ValueError(f"SCREENING_API_RATE_LIMIT: {rate!r} is not a rate limit (e.g. '600 per minute' or "
                         "'10/second;600/minute')") from None
    limiter = Limiter(client_key, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    limiter.shared_limit(lambda: str(current_app.config["API_RATE_LIMIT"]), scope="api")(api)
    return limiter


def retry_after() -> int:
    """Seconds until the limit this request broke lets the client in again (at least 1)."""
    for limiter in current_app.extensions.get("limiter", ()):
        limit = limiter.current_limit
        if limit is not None:
            return max(1, math.ceil(limit.window.reset_time - time.time()))
    return 1
