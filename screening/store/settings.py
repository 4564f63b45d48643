"""The ``settings`` table: key-value pairs an administrator changed (audited), and the installation's secret key.

Storage only: what each setting means, its default and its bounds are declared in ``screening.service.policy``.
"""
from __future__ import annotations

import secrets

import sqlite_utils

from screening.store import audit
from screening.store.common import now_iso
from screening.store.db import transaction


def get(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    """The stored value of ``key``, or ``default`` when it was never set."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db: sqlite_utils.Database, key: str, value: str, actor: str = "") -> None:
    """Store ``value`` for ``key`` and audit the change, in one transaction."""
    with transaction(db):
        db.execute("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT(key) "
                   "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
                   "updated_by = excluded.updated_by", [key, value, now_iso(), actor])
        audit.record(db, actor, "setting.changed", "setting", key, {"value": value})


def changed(db: sqlite_utils.Database, key: str) -> tuple[str, str] | None:
    """When and by whom ``key`` was last changed, or None."""
    row = db.execute("SELECT updated_at, updated_by FROM settings WHERE key = ?", [key]).fetchone()
    return (row[0], row[1]) if row else None


def secret_key(db: sqlite_utils.Database) -> str:
    """The installation's session secret: made once, on first use, and shared by every worker through the database."""
    with transaction(db):
        key = get(db, "secret_key")
        if key is None:
            key = secrets.token_hex(32)
            db.execute("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('secret_key', ?, ?, "
                       "'system')", [key, now_iso()])
    return key
