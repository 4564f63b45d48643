"""Ongoing monitoring: keep the clients of earlier runs under watch and re-screen them when the watchlist changes.

A monitored client is one row of ``monitored`` per client identity (``client_key``: the client ID when the file
has one, else the normalised name with type, countries and birth date), with the watchlist version it was last
screened against (``screened_version``). ``rescreen`` is delta screening: each client is compared only with the
entities created or changed after its ``screened_version`` (delisted ones left out), through a small ``Matcher``
over those entities, and the clients with new alerts are stored on a run of kind ``monitoring`` through
``screen.store_results``. Decisions live on the hits of earlier runs, so they are kept as they were.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator

import sqlite_utils

from . import audit, runs
from .db import transaction
from .cases import client_identity

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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- putting clients under monitoring, stopping, listing -------------------------------------------------------

def add_run(db: sqlite_utils.Database, run_id: int, actor: str) -> dict:
    """Put every screened client of a completed run under monitoring, as screened against the run's watchlist
    version; a client already monitored (same identity) is updated, not duplicated. Return the counts."""
    run = runs.get_run(db, run_id)                  # RunNotFound for an unknown run
    if run["status"] != runs.COMPLETED:
        raise MonitorError(f"run {run_id} is {run['status']}: only a completed run's clients can be monitored")
    rows = runs.iter_rows(db, run_id, status="screened")
    clients = (MonitoredClient(row=r["row"], name=r["name"], client_id=r["client_id"] or "", type=r["type"],
                               countries=tuple(r["countries"] or ()), birth_date=r["birth_date"],
                               client_key=r.get("client_key") or "") for r in rows)
    return add_clients(db, clients, run["watchlist_version"], actor, run_id=run_id)


def add_clients(db: sqlite_utils.Database, clients, version: int, actor: str, run_id: int | None = None) -> dict:
    """Put clients (``ClientLike`` with a ``client_id``; ``row`` is their row in run ``run_id``) under monitoring
    as screened against ``version``, in one transaction; return how many were added and updated."""
    now = _now()
    added = updated = 0
    with transaction(db):
        known = {r[0] for r in db.execute("SELECT client_key FROM monitored")}
        batch = []
        for c in clients:
            countries = list(c.countries or ())
            key, fingerprint = client_identity(c.client_id, c.name, c.type, countries, c.birth_date)
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
        db.execute("UPDATE monitored SET stopped_at = ? WHERE id = ?", [_now(), row[0]])
        audit.record(db, actor, "monitor.stopped", "monitored", row[0], {"client_key": key})


def _decode(row: dict) -> dict:
    out = dict(row)
    out["countries"] = json.loads(out["countries"]) if out.get("countries") else []
    return out


def list_clients(db: sqlite_utils.Database, limit: int = 50, offset: int = 0, stopped: bool = False) -> list[dict]:
    """Return monitored clients (those taken off too, if ``stopped``), the latest added first."""
    where = "" if stopped else "WHERE stopped_at IS NULL"
    return [_decode(r) for r in db.query(f"SELECT * FROM monitored {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                         [limit, offset])]


def counts(db: sqlite_utils.Database) -> dict:
    """How many clients are monitored, stopped, and behind the current watchlist version."""
    from watchlists import store

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


def _clients(db: sqlite_utils.Database, below: int) -> Iterator[MonitoredClient]:
    for mid, key, name, etype, countries, birth, cid, version, run_id, row in db.execute(
            "SELECT id, client_key, name, type, countries, birth_date, client_id, screened_version, source_run_id, "
            "source_row FROM monitored WHERE stopped_at IS NULL AND screened_version < ? ORDER BY id", [below]):
        yield MonitoredClient(
            row=mid, name=name, client_id=cid or "", type=etype or "unknown",
            countries=tuple(json.loads(countries) if countries else ()), birth_date=birth,
            screened_version=version or 0, client_key=key,
            cells={"monitored client": str(mid), "client key": key, "source run": str(run_id or ""),
                   "source row": str(row or "")})


# --- re-screening ----------------------------------------------------------------------------------------------

def rescreen(db: sqlite_utils.Database, actor: str, progress: Callable[[int, int], None] | None = None,
             full: bool = False, job_id: int | None = None) -> dict:
    """Re-screen the monitored clients behind the current watchlist version and raise their new alerts.

    Delta (the default): each client against the entities created or changed since its ``screened_version``
    only. ``full``: every monitored client against the whole watchlist (for comparison). Clients with alerts are
    stored on a ``monitoring`` run; then every client compared is marked screened against the current version.
    Return ``run_id`` (None when nothing was compared), ``clients`` compared, ``entities`` compared (their ids),
    ``alerts`` (hits) and ``clients_with_alerts``.
    """
    from watchlists import store

    from . import accounts, screen
    from .batch import screen_rows
    from .engine import algorithm_id
    from .index import Matcher

    version = store.current_version(db)
    threshold = accounts.setting(db, "threshold")
    hit_limit = accounts.setting(db, "hit_limit")
    policy = screen.news_min_relevance(db)
    behind = version + 1 if full else version          # full: every client, even those up to date
    groups: dict[int, list[MonitoredClient]] = {}
    for client in _clients(db, behind):
        groups.setdefault(client.screened_version, []).append(client)
    plan: list[tuple[Matcher, list[MonitoredClient]]] = []
    entity_ids: set[int] = set()
    if full and groups:
        matcher, _, _ = screen.matcher_for(db)
        entity_ids = {int(r.id) for r in matcher.records}
        plan.append((matcher, [c for v in sorted(groups) for c in groups[v]]))
    else:
        for since in sorted(groups):
            records = store.match_records_changed(db, since, policy)
            if records:
                entity_ids.update(int(r.id) for r in records)
                plan.append((Matcher(records), groups[since]))
    compared = [c for _, clients in plan for c in clients]
    base = min((c.screened_version for c in compared), default=None)
    summary = {"run_id": None, "full": full, "watchlist_version": version, "base_version": base,
               "clients": len(compared), "entities": sorted(entity_ids), "alerts": 0, "clients_with_alerts": 0}
    if compared:
        mapping = {"header_row": None, "columns": {}, "monitoring": {
            "full": full, "base_versions": sorted({c.screened_version for c in compared}),
            "entities": None if full else sorted(entity_ids)}}
        run_id = runs.create_run(
            db, file_name=(f"monitoring after watchlist version {version}" + (" (full re-run)" if full else "")),
            sha256="", file_size=0, sheet=None, actor=actor, mapping=mapping, threshold=threshold,
            hit_limit=hit_limit, algorithm=algorithm_id(), watchlist_version=version,
            watchlist_entities=len(entity_ids), rows_total=len(compared), job_id=job_id, kind=KIND,
            base_version=base, compared=len(compared), news_min_relevance=policy)
        total = len(compared)
        done = [0]

        def results():
            for matcher, clients in plan:
                offset = done[0]

                def tick(n: int, offset: int = offset) -> None:
                    done[0] = offset + n
                    if progress:
                        progress(done[0], total)
                yield from screen_rows(matcher, clients, threshold, hit_limit, progress=tick)

        screen.store_results(db, run_id, results(), keep=lambda r: bool(r.matches))
        run = runs.get_run(db, run_id)
        summary.update(run_id=run_id, alerts=run["hits"], clients_with_alerts=run["rows_with_hits"])
    with transaction(db):
        # Every client considered is now screened against this version: those compared, and those with nothing
        # new since their version (one that only delisted). Only a client still at the version it was considered
        # from moves: one re-added meanwhile with changed data keeps its own.
        db.conn.executemany("UPDATE monitored SET screened_version = ? WHERE id = ? AND screened_version = ? AND "
                            "stopped_at IS NULL", [(version, c.row, c.screened_version)
                                                   for clients in groups.values() for c in clients
                                                   if c.screened_version < version])
        audit.record(db, actor, "monitor.rescreened", "run" if summary["run_id"] else "monitoring",
                     summary["run_id"] or "", {
                         "run_id": summary["run_id"], "full": full, "watchlist_version": version,
                         "base_version": base, "clients": len(compared), "alerts": summary["alerts"],
                         "entity_count": len(entity_ids), "entities": None if full else sorted(entity_ids)})
    return summary


JOB_KIND = "monitor"


def enqueue_if_behind(db: sqlite_utils.Database, actor: str) -> int | None:
    """Queue a re-screening job when monitored clients are behind the current watchlist version and none is queued
    yet; return its id (None: nothing to do, or already queued)."""
    from . import jobs

    if not counts(db)["behind"]:
        return None
    if db.execute("SELECT 1 FROM jobs WHERE kind = ? AND status = ?", [JOB_KIND, jobs.QUEUED]).fetchone():
        return None
    return jobs.enqueue(db, JOB_KIND, {"full": False}, actor=actor)


def describe(summary: dict) -> str:
    """One paragraph saying what a re-screen did (the CLI prints it)."""
    ids = summary["entities"]
    what = "whole watchlist" if summary["full"] else "entities added or changed"
    if not summary["clients"]:
        return (f"Nothing to re-screen: no monitored client is behind watchlist version "
                f"{summary['watchlist_version']}." if not summary["full"] else "No monitored clients.")
    shown = ", ".join(map(str, ids[:20])) + (f", ... ({len(ids) - 20} more)" if len(ids) > 20 else "")
    return (f"Monitoring run {summary['run_id']} ({what} since version {summary['base_version']}, watchlist "
            f"version {summary['watchlist_version']}): {summary['clients']} clients compared with {len(ids)} "
            f"entities" + ("" if summary["full"] else f" ({shown})") + f"; {summary['alerts']} alerts raised for "
            f"{summary['clients_with_alerts']} clients.")
