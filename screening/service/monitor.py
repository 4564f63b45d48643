"""Ongoing monitoring: keep the clients of earlier runs under watch and re-screen them when the watchlist changes.

``rescreen`` is delta screening: each monitored client (``screening.store.monitoring``) is compared only with the
entities created or changed after the watchlist version it was last screened against (delisted ones left out),
through a small ``Matcher`` over those entities, and the clients with new alerts are stored on a run of kind
``monitoring`` through ``screen.store_results``. Decisions live on the hits of earlier runs, so they are kept as
they were. Threshold, hits per row and the news policy are resolved by ``policy``, as for every run.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

from screening.engine.index import Matcher
from screening.engine.pairs import algorithm_id
from screening.service import policy as policies
from screening.service import screen
from screening.service.matching import index_bytes
from screening.store import jobs, monitoring, runs
from screening.store import watchlist as store
from screening.store.monitoring import KIND, MonitoredClient, MonitorError

JOB_KIND = "monitor"


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
    return monitoring.add_clients(db, clients, run["watchlist_version"], actor, run_id=run_id)


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


    version = store.current_version(db)
    resolved = policies.resolve(db)
    threshold, hit_limit, policy = resolved.threshold, resolved.hit_limit, resolved.news_min_relevance
    behind = version + 1 if full else version          # full: every client, even those up to date
    groups: dict[int, list[MonitoredClient]] = {}
    for client in monitoring.clients_behind(db, behind):
        groups.setdefault(client.screened_version, []).append(client)
    plan: list[tuple[Matcher, list[MonitoredClient]]] = []
    entity_ids: set[int] = set()
    if full and groups:
        matcher, _, _ = screen.matcher_for(db, policy)
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
            base_version=base, compared=len(compared), news_min_relevance=policy,
            alert_classes=resolved.alerting)
        total = len(compared)
        done = [0]

        def results():
            for matcher, clients in plan:
                offset = done[0]

                def tick(n: int, offset: int = offset) -> None:
                    done[0] = offset + n
                    if progress:
                        progress(done[0], total)
                # On a cluster, a full re-run sends the version's index file; a delta, its matcher's bytes.
                yield from screen.screen_batch(resolved, matcher, clients, tick,
                                               (lambda: index_bytes(db, policy)) if full else None)

        # Clients with new alerts (hits of a class that alerts) are stored; the hits per row limit applies to those.
        screen.store_results(db, run_id, results(), keep=lambda result, hits: bool(hits),
                             alert_classes=resolved.alerting, hit_limit=hit_limit)
        run = runs.get_run(db, run_id)
        summary.update(run_id=run_id, alerts=run["hits"], clients_with_alerts=run["rows_with_hits"])
    # Every client considered is now screened against this version: those compared, and those with nothing new
    # since their version (one that only delisted).
    monitoring.mark_screened(db, [c for clients in groups.values() for c in clients], version, actor, {
        "run_id": summary["run_id"], "full": full, "watchlist_version": version, "base_version": base,
        "clients": len(compared), "alerts": summary["alerts"], "entity_count": len(entity_ids),
        "entities": None if full else sorted(entity_ids)}, summary["run_id"])
    return summary


def enqueue_if_behind(db: sqlite_utils.Database, actor: str) -> int | None:
    """Queue a re-screening job when monitored clients are behind the current watchlist version and none is queued
    yet; return its id (None: nothing to do, or already queued)."""

    if not monitoring.counts(db)["behind"]:
        return None
    if jobs.has_queued(db, JOB_KIND):
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
