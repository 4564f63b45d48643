"""Keep the database: consistent online backups, and retention (delete runs and articles past their time).

``backup`` copies the live database with SQLite's backup API in one step: a read transaction that sees one
committed state, while the service goes on writing (WAL: readers and writers do not block each other). The copy is
written to a temporary file beside the target, checked, and renamed into place.

``apply_retention`` deletes what the settings ``retention_runs_days`` and ``retention_articles_days`` say is past
its time, in one transaction, and never touches the audit log: every deletion appends its own entry (one per run
and per article, with counts), so ``audit.verify`` holds afterwards. Decisions and approvals are append-only
(triggers); they go only with their run, the two delete guards dropped and recreated inside the same transaction
(no other connection ever sees them missing), and each decision and verdict stays in the audit trail, whose
entries hold its hit, run, decision, reason, comment, author and approver.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from screening.store import audit
from screening.store import watchlist as store

LIFTED_BY_RETENTION = "retention: the clearing decision's run was deleted"
_GUARDS = ("decisions_no_delete", "approvals_no_delete")


class MaintenanceError(ValueError):
    """A backup or retention refused (target exists, bad setting...), with the reason in words."""


# --- backup ---------------------------------------------------------------------------------------------------

def backup(db: sqlite_utils.Database, out: str | os.PathLike, force: bool = False) -> dict:
    """Copy the database to ``out`` as it is at one moment, while others write; return the copy's counts.

    Refuse an existing ``out`` unless ``force``. The copy is a single file (no -wal), checked with
    ``PRAGMA integrity_check`` before it is renamed into place, so ``out`` is never a half-written file.
    """
    out = Path(out).expanduser()
    if out.exists() and not force:
        raise MaintenanceError(f"{out} exists already: choose another name, or --force to replace it")
    if out.is_dir():
        raise MaintenanceError(f"{out} is a folder: give a file name")
    folder = out.resolve().parent
    if not folder.is_dir():
        raise MaintenanceError(f"folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=folder)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            # pages=-1: every page in one step, one read transaction, hence one committed state of the database.
            db.conn.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode = DELETE")      # one self-contained file
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise MaintenanceError(f"the copy failed its integrity check: {check}")
            counts = {t: target.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                      for t in ("runs", "decisions", "articles", "audit_log")}
        finally:
            target.close()
        os.replace(tmp, out)
    except BaseException:
        with _suppress_oserror():
            os.remove(tmp)
        raise
    return {"path": str(out), "bytes": out.stat().st_size, **counts}


class _suppress_oserror:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, OSError)


# --- retention ------------------------------------------------------------------------------------------------

@dataclass
class Retention:
    """What a retention pass deleted (or, on a dry run, would delete)."""

    runs_days: int | None
    articles_days: int | None
    runs: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    entities_deleted: int = 0
    entities_withdrawn: int = 0
    entities_refreshed: int = 0
    version: int | None = None
    dry_run: bool = False

    def describe(self) -> str:
        would = "would delete" if self.dry_run else "deleted"
        if self.runs_days is None and self.articles_days is None:
            return "Retention: nothing set (runs and articles are kept forever); nothing deleted."
        parts = [f"Retention ({'dry run' if self.dry_run else 'applied'}): "]
        if self.runs_days is None:
            parts.append("runs kept forever; ")
        else:
            rows = sum(r["rows"] for r in self.runs)
            decisions = sum(r["decisions"] for r in self.runs)
            parts.append(f"{would} {len(self.runs)} runs older than {self.runs_days} days ({rows} client rows, "
                         f"{sum(r['hits'] for r in self.runs)} hits, {decisions} decisions); ")
        if self.articles_days is None:
            parts.append("articles kept forever.")
        else:
            parts.append(f"{would} {len(self.articles)} articles older than {self.articles_days} days "
                         f"({sum(a['mentions'] for a in self.articles)} mentions), {self.entities_deleted} entities "
                         f"left without mentions, {self.entities_withdrawn} more withdrawn from screening (kept for "
                         f"earlier hits), {self.entities_refreshed} entities recomputed.")
        return "".join(parts)


def _cutoff(days: int, now: datetime | None) -> str:
    return ((now or datetime.now(timezone.utc)) - timedelta(days=days)).replace(microsecond=0).isoformat()


def apply_retention(db: sqlite_utils.Database, actor: str, runs_days: int | None, articles_days: int | None,
                    dry_run: bool = False, now: datetime | None = None) -> Retention:
    """Delete the runs older than ``runs_days`` and the articles older than ``articles_days`` (None: keep them
    forever), in one transaction, each deletion audited. The days are policy (``screening.service.policy``).

    A dry run does the same work and rolls it back, so its counts are exactly what a real pass would delete now.
    """
    result = Retention(runs_days, articles_days, dry_run=dry_run)
    if result.runs_days is None and result.articles_days is None:
        return result
    conn = db.conn
    if conn.in_transaction:
        raise MaintenanceError("retention runs in a transaction of its own")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if result.runs_days is not None:
            _delete_runs(db, _cutoff(result.runs_days, now), result, actor, now)
        if result.articles_days is not None:
            _delete_articles(db, _cutoff(result.articles_days, now), result, actor)
        if result.runs or result.articles:
            audit.record(db, actor, "retention.applied", "retention", "", {
                "runs_days": result.runs_days, "articles_days": result.articles_days,
                "runs": [r["run_id"] for r in result.runs], "articles": [a["article_id"] for a in result.articles],
                "entities_deleted": result.entities_deleted, "entities_withdrawn": result.entities_withdrawn,
                "watchlist_version": result.version,
                "guards": "decisions_no_delete and approvals_no_delete dropped and recreated in this transaction"
                          if result.runs else ""})
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if dry_run else "COMMIT")
    return result


def _ids(db: sqlite_utils.Database, sql: str, args: list) -> list[int]:
    return [r[0] for r in db.execute(sql, args).fetchall()]


def _in(ids: list[int]) -> str:
    return "(" + ",".join(str(int(i)) for i in ids) + ")"


def _delete_runs(db: sqlite_utils.Database, cutoff: str, result: Retention, actor: str,
                 now: datetime | None) -> None:
    # Only finished runs: a running one belongs to a live job (or to recovery).
    old = db.execute("SELECT id, started_at, status, kind FROM runs WHERE started_at < ? AND status != 'running' "
                     "ORDER BY id", [cutoff]).fetchall()
    if not old:
        return
    guards = {name: sql for name, sql in db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN {tuple(_GUARDS)}")}
    for name in guards:
        db.execute(f"DROP TRIGGER {name}")
    for run_id, started_at, status, kind in old:
        decisions = _ids(db, "SELECT id FROM decisions WHERE run_id = ?", [run_id])
        counts = {"run_id": run_id, "started_at": started_at, "status": status, "kind": kind,
                  "rows": db.execute("SELECT count(*) FROM run_rows WHERE run_id = ?", [run_id]).fetchone()[0],
                  "hits": db.execute("SELECT count(*) FROM hits WHERE run_id = ?", [run_id]).fetchone()[0],
                  "decisions": len(decisions), "approvals": 0, "suppressions_lifted": 0,
                  "suppressions_detached": 0, "changed_since_cleared": 0, "earlier_detached": 0,
                  "monitored_detached": 0,
                  "reason": f"older than {result.runs_days} days (retention_runs_days)"}
        if decisions:
            dset = _in(decisions)
            # A suppression stands on its clearing decision: with the decision gone, the alert must be seen again.
            for sid, key, entity_id, decision_id, lifted in db.execute(
                    f"SELECT id, client_key, entity_id, decision_id, lifted_at FROM suppressions WHERE decision_id IN "
                    f"{dset}").fetchall():
                if lifted is None:
                    db.execute("UPDATE suppressions SET lifted_at = ?, lifted_reason = ? WHERE id = ?",
                               [_cutoff(0, now), LIFTED_BY_RETENTION, sid])
                    audit.record(db, actor, "suppression.lifted", "suppression", sid, {
                        "run_id": run_id, "decision_id": decision_id, "reason": LIFTED_BY_RETENTION,
                        "client_key": key, "entity_id": entity_id})
                    counts["suppressions_lifted"] += 1
                counts["suppressions_detached"] += 1
            db.execute(f"UPDATE suppressions SET decision_id = NULL WHERE decision_id IN {dset}")
            counts["changed_since_cleared"] = db.execute(
                f"UPDATE hits SET changed_since_decision = NULL WHERE changed_since_decision IN {dset}").rowcount
            # Hits of kept runs that showed a decision carried from this run keep their status, without the link.
            counts["earlier_detached"] = db.execute(
                f"UPDATE hits SET earlier_decision_id = NULL WHERE earlier_decision_id IN {dset}").rowcount
            counts["approvals"] = db.execute(f"DELETE FROM approvals WHERE decision_id IN {dset}").rowcount
            db.execute(f"DELETE FROM decisions WHERE id IN {dset}")
        # Monitored clients hold their own copy of what is screened: they stay monitored, without the link.
        counts["monitored_detached"] = db.execute(
            "UPDATE monitored SET source_run_id = NULL, source_row = NULL WHERE source_run_id = ?", [run_id]).rowcount
        db.execute("DELETE FROM hits WHERE run_id = ?", [run_id])
        db.execute("DELETE FROM run_rows WHERE run_id = ?", [run_id])
        db.execute("DELETE FROM runs WHERE id = ?", [run_id])
        audit.record(db, actor, "run.deleted", "run", run_id, counts)
        result.runs.append(counts)
    for sql in guards.values():
        db.execute(sql)


def _delete_articles(db: sqlite_utils.Database, cutoff: str, result: Retention, actor: str) -> None:

    old = db.execute("SELECT id, added_at, version FROM articles WHERE added_at < ? ORDER BY id", [cutoff]).fetchall()
    if not old:
        return
    # The watchlist changes: a new version, so that matchers built on the old one are replaced.
    result.version = store.new_version(db, "retention", f"retention: {len(old)} articles older than "
                                       f"{result.articles_days} days deleted", actor)
    touched: set[int] = set()
    for article_id, added_at, version in old:
        entities = _ids(db, "SELECT DISTINCT entity_id FROM mentions WHERE article_id = ?", [article_id])
        touched.update(entities)
        mentions = db.execute("DELETE FROM mentions WHERE article_id = ?", [article_id]).rowcount
        db.execute("DELETE FROM article_bands WHERE article_id = ?", [article_id])
        copies = db.execute("UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = ?", [article_id]).rowcount
        db.execute("DELETE FROM articles WHERE id = ?", [article_id])
        counts = {"article_id": article_id, "added_at": added_at, "version": version, "mentions": mentions,
                  "entities": len(entities), "copies_unlinked": copies,
                  "reason": f"older than {result.articles_days} days (retention_articles_days)"}
        audit.record(db, actor, "article.deleted", "article", article_id, counts)
        result.articles.append(counts)
    for entity_id in sorted(touched):
        left, origin = db.execute("SELECT (SELECT count(*) FROM mentions WHERE entity_id = e.id), e.origin FROM "
                                  "entities e WHERE e.id = ?", [entity_id]).fetchone()
        if origin != "news":
            continue                          # a list entry: the list's imports decide about it
        if left:
            store.refresh_entity(db, entity_id, result.version)
            result.entities_refreshed += 1
            continue
        kept_for = db.execute("SELECT (SELECT count(*) FROM hits WHERE entity_id = ?) + (SELECT count(*) FROM "
                              "suppressions WHERE entity_id = ?)", [entity_id, entity_id]).fetchone()[0]
        if kept_for:
            # Earlier hits and suppressions point at it (their evidence is in the hits' snapshots): keep the row
            # for them, out of screening.
            db.execute("UPDATE entities SET delisted_version = ? WHERE id = ?",
                       [result.version, entity_id])
            store.refresh_entity(db, entity_id, result.version)
            result.entities_withdrawn += 1
        else:
            db.execute("DELETE FROM aliases WHERE entity_id = ?", [entity_id])
            db.execute("DELETE FROM entities WHERE id = ?", [entity_id])
            result.entities_deleted += 1
