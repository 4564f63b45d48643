"""What an operator does with accounts beyond the store's reads and writes: the first administrator on first start.

The store (``screening.store.accounts``) keeps accounts, roles, sign-in throttling and API tokens; this module holds
the steps that decide something about them.
"""
from __future__ import annotations

import sqlite_utils

from screening.store import accounts

FIRST_ADMIN = "admin"


def ensure_first_admin(db: sqlite_utils.Database) -> tuple[str, str] | None:
    """On an installation without accounts, create the administrator ``admin`` with a random password and return
    (name, password), to be shown once; return None when accounts exist (or another process made it just now).

    The password is one-time: it was printed on the console, so it must be changed at the first sign-in before any
    other page opens."""
    if accounts.count_users(db):
        return None
    try:
        user, password = accounts.add_user(db, FIRST_ADMIN, "admin", created_by="first start",
                                          must_change=True)
    except accounts.AccountError:          # another process made it at the same moment
        return None
    return user["name"], password
