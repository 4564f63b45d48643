"""Maintenance as an operator runs it: retention by the policy's days, and backups."""
from __future__ import annotations

from datetime import datetime

import sqlite_utils

from screening.service import policy
from screening.store import maintenance as store
from screening.store.maintenance import (
    LIFTED_BY_RETENTION,
    MaintenanceError,
    Retention,
    backup,
)

__all__ = ["LIFTED_BY_RETENTION", "MaintenanceError", "Retention", "backup", "retention", "set_retention"]


def retention(db: sqlite_utils.Database, actor: str, dry_run: bool = False, now: datetime | None = None) -> Retention:
    """Delete what is older than the retention settings (``retention_runs_days``, ``retention_articles_days``)."""
    try:
        runs_days = policy.value(db, policy.RETENTION_RUNS_DAYS.key)
        articles_days = policy.value(db, policy.RETENTION_ARTICLES_DAYS.key)
    except policy.PolicyError as exc:
        raise MaintenanceError(str(exc)) from None
    return store.apply_retention(db, actor, runs_days, articles_days, dry_run=dry_run, now=now)


def set_retention(db: sqlite_utils.Database, key: str, days: int | None, actor: str) -> None:
    """Store a retention setting in days (None: keep forever), checked and audited like every setting."""
    if key not in (policy.RETENTION_RUNS_DAYS.key, policy.RETENTION_ARTICLES_DAYS.key):
        raise MaintenanceError(f"unknown retention setting {key!r}")
    try:
        policy.set_value(db, key, "" if days is None else days, actor)
    except policy.PolicyError as exc:
        raise MaintenanceError(str(exc)) from None


RUNS_DAYS = policy.RETENTION_RUNS_DAYS.key
ARTICLES_DAYS = policy.RETENTION_ARTICLES_DAYS.key
