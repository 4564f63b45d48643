"""Background jobs (screening runs, article imports) in a queue stored in the database, so it survives restarts.

The web app enqueues; a worker process (``screening worker``, started by ``screening serve``) claims one queued
job at a time, beats a heartbeat while it runs and records the outcome. A job whose heartbeat stopped (the worker
was killed) is put back in the queue if it has attempts left, else marked failed with the reason; a run it left
``running`` is marked failed, so no partial run is ever reported as complete. A failed job can be retried.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone

import sqlite_utils

from screening.store import audit
from screening.store.common import decoded
from screening.store.db import transaction

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
HEARTBEAT_S = 2.0           # a running job's heartbeat; when it counts as stopped is policy (``job_stale_s``)
MAX_ATTEMPTS = 2

log = logging.getLogger(__name__)


class JobError(ValueError):
    """A job operation refused (unknown job, not retryable...)."""


class JobNotFound(JobError, LookupError):
    """An unknown job id."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(t: datetime | None = None) -> str:
    return (t or _now()).isoformat(timespec="milliseconds")


def _decode(row) -> dict:
    return decoded(row, ("payload", "result"))


def enqueue(db: sqlite_utils.Database, kind: str, payload: dict, actor: str, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue a job and return its id."""
    with transaction(db):
        return db.execute("INSERT INTO jobs (kind, payload, status, attempts, max_attempts, actor, created_at) "
                          "VALUES (?, ?, ?, 0, ?, ?, ?)", [kind, json.dumps(payload, ensure_ascii=False), QUEUED,
                                                          max_attempts, actor, _iso()]).lastrowid


def get_job(db: sqlite_utils.Database, job_id: int) -> dict:
    rows = list(db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
    if not rows:
        raise JobNotFound(f"no job {job_id}")
    job = _decode(rows[0])
    run = db.execute("SELECT id FROM runs WHERE job_id = ? ORDER BY id DESC LIMIT 1", [job_id]).fetchone()
    job["run_id"] = run[0] if run else None
    return job


def list_jobs(db: sqlite_utils.Database, limit: int = 50, kind: str | None = None) -> list[dict]:
    sql = "SELECT * FROM jobs" + (" WHERE kind = ?" if kind else "") + " ORDER BY id DESC LIMIT ?"
    return [_decode(r) for r in db.query(sql, ([kind] if kind else []) + [limit])]


def claim(db: sqlite_utils.Database, worker: str) -> dict | None:
    """Take the oldest queued job (atomically: two workers never take the same one) and mark it running."""
    with transaction(db):
        row = db.execute("SELECT id FROM jobs WHERE status = ? ORDER BY id LIMIT 1", [QUEUED]).fetchone()
        if row is None:
            return None
        t = _iso()
        db.execute("UPDATE jobs SET status = ?, attempts = attempts + 1, started_at = ?, heartbeat_at = ?, worker = ?,"
                   " error = NULL, stage = 'starting' WHERE id = ?", [RUNNING, t, t, worker, row[0]])
    return get_job(db, row[0])


def beat(db: sqlite_utils.Database, job_id: int, done: int | None = None, total: int | None = None,
         stage: str | None = None) -> None:
    """Record that a job is alive, with its progress when known."""
    with transaction(db):
        db.execute("UPDATE jobs SET heartbeat_at = ?, done = coalesce(?, done), total = coalesce(?, total), "
                   "stage = coalesce(?, stage) WHERE id = ? AND status = ?", [_iso(), done, total, stage, job_id,
                                                                             RUNNING])


def finish(db: sqlite_utils.Database, job_id: int, result: dict) -> None:
    with transaction(db):
        db.execute("UPDATE jobs SET status = ?, result = ?, finished_at = ?, stage = 'done' WHERE id = ?",
                   [DONE, json.dumps(result, ensure_ascii=False), _iso(), job_id])


def fail(db: sqlite_utils.Database, job_id: int, error: str) -> None:
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    with transaction(db):
        db.execute("UPDATE jobs SET status = ?, error = ?, finished_at = ?, stage = 'failed' WHERE id = ?",
                   [FAILED, error, _iso(), job_id])


def _fail_orphan_runs(db: sqlite_utils.Database, job_id: int, reason: str) -> None:
    for run_id, actor in db.execute("SELECT id, actor FROM runs WHERE job_id = ? AND status = 'running'",
                                    [job_id]).fetchall():
        db.execute("UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
                   [reason, _iso(), run_id])
        audit.record(db, actor, "run.failed", "run", run_id, {"run_id": run_id, "error": reason})


def recover(db: sqlite_utils.Database, stale_after: float) -> list[int]:
    """Requeue (or fail, when out of attempts) running jobs whose heartbeat stopped; return their ids."""
    limit = _iso(_now() - timedelta(seconds=stale_after))
    found = []
    with transaction(db):
        for job_id, attempts, max_attempts in db.execute(
                "SELECT id, attempts, max_attempts FROM jobs WHERE status = ? AND heartbeat_at < ?",
                [RUNNING, limit]).fetchall():
            _fail_orphan_runs(db, job_id, f"interrupted: the worker stopped (job {job_id})")
            if attempts < max_attempts:
                db.execute("UPDATE jobs SET status = ?, stage = 'queued again after the worker stopped', "
                           "error = 'the worker stopped; queued again' WHERE id = ?", [QUEUED, job_id])
            else:
                db.execute("UPDATE jobs SET status = ?, finished_at = ?, stage = 'failed', error = ? WHERE id = ?",
                           [FAILED, _iso(), f"the worker stopped during attempt {attempts} of {max_attempts}; "
                                            f"retry it", job_id])
            found.append(job_id)
    return found


def retry(db: sqlite_utils.Database, job_id: int, actor: str = "") -> None:
    """Queue a failed job again (with one more attempt)."""
    with transaction(db):
        job = get_job(db, job_id)
        if job["status"] != FAILED:
            raise JobError(f"job {job_id} is {job['status']}: only a failed job can be retried")
        db.execute("UPDATE jobs SET status = ?, max_attempts = attempts + 1, error = NULL, finished_at = NULL, "
                   "stage = 'queued for retry' WHERE id = ?", [QUEUED, job_id])
        audit.record(db, actor, "job.retried", "job", job_id, {"kind": job["kind"]})


def has_queued(db: sqlite_utils.Database, kind: str) -> bool:
    """Whether a job of ``kind`` waits in the queue."""
    return db.execute("SELECT 1 FROM jobs WHERE kind = ? AND status = ?", [kind, QUEUED]).fetchone() is not None


def needed_uploads(db: sqlite_utils.Database) -> set[str]:
    """The names of the uploaded files that a queued, running or failed job (a retry) still needs."""
    needed: set[str] = set()
    for (payload,) in db.execute("SELECT payload FROM jobs WHERE status IN (?, ?, ?)", [QUEUED, RUNNING, FAILED]):
        data = json.loads(payload)
        needed.update(os.path.basename(p) for p in [data.get("path"), *(data.get("paths") or [])] if p)
    return needed
