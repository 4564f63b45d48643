"""The ``monitored`` table: clients kept under monitoring, each with the watchlist version it was last screened
against, and the monitoring runs. Storage only; re-screening is ``screening.service.monitor``.

A monitored client is one row per client identity (``client_key``: the client ID when the file has one, else the
normalised name with countries and birth date; a shared ID adds the name).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from screening.store import audit
from screening.store import watchlist as store
from screening.store.identity import client_identity
from screening.store.common import decoded, now_iso
from screening.store.db import transaction

KIND = "monitoring"


class MonitorError(ValueError):
    """A monitoring operation refused (unknown run or client, run not completed...), with the reason in words."""


@dataclass(slots=True)
class MonitoredClient:
    """A monitored client as the batch screener reads it (``ClientLike``); ``row`` is its ``monitored`` id."""

    row: int
    name: str
    client_id: str = ""
    type: str = "unknown"
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    screened_version: int = 0
    client_key: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add_clients(db: sqlite_utils.Database, clients, version: int, actor: str, run_id: int | None = None) -> dict:
    """Put clients (``ClientLike`` with a ``client_id``; ``row`` is their row in run ``run_id``) under monitoring
    as screened against ``version``, in one transaction; return how many were added and updated."""
    now = now_iso()
    added = updated = 0
    with transaction(db):
        known = {r[0] for r in db.execute("SELECT client_key FROM monitored")}
        batch = []
        for c in clients:
            countries = list(c.countries or ())
            key, fingerprint = client_identity(c.client_id, c.name, countries, c.birth_date)
            key = getattr(c, "client_key", "") or key        # a run row's key (a shared client ID adds the name)
            if key in known:
                updated += 1
            else:
                added += 1
                known.add(key)
            batch.append((key, fingerprint, c.name, c.type,
                          json.dumps(countries), c.birth_date, c.client_id or "", run_id, c.row, now, actor, version))
            if len(batch) >= 5000:
                _upsert(db, batch)
                batch = []
        if batch:
            _upsert(db, batch)
        audit.record(db, actor, "monitor.added", "run" if run_id else "monitored", run_id or "", {
            "run_id": run_id, "added": added, "updated": updated, "watchlist_version": version})
    return {"run_id": run_id, "added": added, "updated": updated, "watchlist_version": version}


def _upsert(db: sqlite_utils.Database, batch: list[tuple]) -> None:
    # Same data: keep the later of the two screened versions. Changed data: screened as this run screened it.
    db.conn.executemany(
        "INSERT INTO monitored (client_key, client_fingerprint, name, type, countries, birth_date, client_id, "
        "source_run_id, source_row, added_at, added_by, screened_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(client_key) DO UPDATE SET screened_version = CASE WHEN monitored.client_fingerprint = "
        "excluded.client_fingerprint AND monitored.stopped_at IS NULL THEN max(monitored.screened_version, "
        "excluded.screened_version) ELSE excluded.screened_version END, client_fingerprint = "
        "excluded.client_fingerprint, name = excluded.name, type = excluded.type, countries = excluded.countries, "
        "birth_date = excluded.birth_date, client_id = excluded.client_id, source_run_id = excluded.source_run_id, "
        "source_row = excluded.source_row, added_at = excluded.added_at, added_by = excluded.added_by, "
        "stopped_at = NULL", batch)


def stop(db: sqlite_utils.Database, key: str, actor: str) -> None:
    """Take a client (by its client key) off monitoring; it stays listed as stopped."""
    with transaction(db):
        row = db.execute("SELECT id, stopped_at FROM monitored WHERE client_key = ?", [key]).fetchone()
        if row is None:
            raise MonitorError(f"no monitored client {key!r}")
        if row[1]:
            raise MonitorError(f"client {key!r} was already taken off monitoring at {row[1]}")
        db.execute("UPDATE monitored SET stopped_at = ? WHERE id = ?", [now_iso(), row[0]])
        audit.record(db, actor, "monitor.stopped", "monitored", row[0], {"client_key": key})


def _decode(row: dict) -> dict:
    out = decoded(row, ("countries",))
    out["countries"] = out["countries"] or []
    return out


def list_clients(db: sqlite_utils.Database, limit: int = 50, offset: int = 0, stopped: bool = False) -> list[dict]:
    """Return monitored clients (those taken off too, if ``stopped``), the latest added first."""
    where = "" if stopped else "WHERE stopped_at IS NULL"
    return [_decode(r) for r in db.query(f"SELECT * FROM monitored {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                         [limit, offset])]


def counts(db: sqlite_utils.Database) -> dict:
    """How many clients are monitored, stopped, and behind the current watchlist version."""

    version = store.current_version(db)
    active, stopped, behind = db.execute(
        "SELECT coalesce(sum(stopped_at IS NULL), 0), coalesce(sum(stopped_at IS NOT NULL), 0), "
        "coalesce(sum(stopped_at IS NULL AND screened_version < ?), 0) FROM monitored", [version]).fetchone()
    return {"monitored": active, "stopped": stopped, "behind": behind, "watchlist_version": version}


def monitoring_runs(db: sqlite_utils.Database, limit: int = 10) -> list[dict]:
    """The latest monitoring runs first."""
    return [dict(r) for r in db.query(
        "SELECT id, file_name, status, started_at, finished_at, watchlist_version, base_version, compared, "
        "watchlist_entities, rows_with_hits, hits, actor FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?",
        [KIND, limit])]


def clients_behind(db: sqlite_utils.Database, below: int) -> Iterator[MonitoredClient]:
    """The monitored clients (not stopped) last screened against a version below ``below``."""
    for mid, key, name, etype, countries, birth, cid, version, run_id, row in db.execute(
            "SELECT id, client_key, name, type, countries, birth_date, client_id, screened_version, source_run_id, "
            "source_row FROM monitored WHERE stopped_at IS NULL AND screened_version < ? ORDER BY id", [below]):
        yield MonitoredClient(
            row=mid, name=name, client_id=cid or "", type=etype or "unknown",
            countries=tuple(json.loads(countries) if countries else ()), birth_date=birth,
            screened_version=version or 0, client_key=key,
            cells={"monitored client": str(mid), "client key": key, "source run": str(run_id or ""),
                   "source row": str(row or "")})


def mark_screened(db: sqlite_utils.Database, clients: list[MonitoredClient], version: int, actor: str,
                  details: dict, run_id: int | None) -> None:
    """Mark clients as screened against ``version`` and audit the re-screen, in one transaction.

    Only a client still at the version it was considered from moves: one re-added meanwhile with changed data keeps
    its own.
    """
    with transaction(db):
        db.conn.executemany("UPDATE monitored SET screened_version = ? WHERE id = ? AND screened_version = ? AND "
                            "stopped_at IS NULL", [(version, c.row, c.screened_version) for c in clients
                                                   if c.screened_version < version])
        audit.record(db, actor, "monitor.rescreened", "run" if run_id else "monitoring", run_id or "", details)
