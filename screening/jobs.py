"""Background jobs (screening runs, article imports) in a queue stored in the database, so it survives restarts.

The web app enqueues; a worker process (``screening worker``, started by ``screening serve``) claims one queued
job at a time, beats a heartbeat while it runs and records the outcome. A job whose heartbeat stopped (the worker
was killed) is put back in the queue if it has attempts left, else marked failed with the reason; a run it left
``running`` is marked failed, so no partial run is ever reported as complete. A failed job can be retried.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

import sqlite_utils

from . import audit
from .db import transaction

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
HEARTBEAT_S = 2.0
# A job whose heartbeat is older than this is taken for dead (``SCREENING_JOB_STALE_S`` overrides it; keep it
# well above HEARTBEAT_S, or a live job is taken for dead).
STALE_AFTER_S = float(os.environ.get("SCREENING_JOB_STALE_S") or 30.0)
MAX_ATTEMPTS = 2

log = logging.getLogger(__name__)


class JobError(ValueError):
    """A job operation refused (unknown job, not retryable...)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(t: datetime | None = None) -> str:
    return (t or _now()).isoformat(timespec="milliseconds")


def _decode(row) -> dict:
    job = dict(row)
    for col in ("payload", "result"):
        if isinstance(job.get(col), str):
            job[col] = json.loads(job[col])
    return job


def enqueue(db: sqlite_utils.Database, kind: str, payload: dict, actor: str, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue a job and return its id."""
    with transaction(db):
        return db.execute("INSERT INTO jobs (kind, payload, status, attempts, max_attempts, actor, created_at) "
                          "VALUES (?, ?, ?, 0, ?, ?, ?)", [kind, json.dumps(payload, ensure_ascii=False), QUEUED,
                                                          max_attempts, actor, _iso()]).lastrowid


def get_job(db: sqlite_utils.Database, job_id: int) -> dict:
    rows = list(db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
    if not rows:
        raise JobError(f"no job {job_id}")
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


def recover(db: sqlite_utils.Database, stale_after: float = STALE_AFTER_S) -> list[int]:
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


# --- the worker -----------------------------------------------------------------------------------------------

Handler = Callable[[sqlite_utils.Database, dict, Callable[..., None]], dict]


def _screen_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    from . import screen

    p = job["payload"]
    progress(stage="reading the file")
    prepared = screen.prepare(p["path"], p.get("sheet"), p.get("columns") or None, display_name=p["file_name"])
    progress(stage="loading the watchlist", total=len(prepared.clients), done=0)
    run_id = screen.screen(db, prepared, actor=job["actor"] or "", threshold=p.get("threshold"),
                           hit_limit=p.get("hit_limit") or 10, display_name=p["file_name"], job_id=job["id"],
                           progress=lambda done, total: progress(done=done, total=total, stage="screening"))
    if p.get("uploaded"):
        # The run holds every row and the file's SHA-256; the client list itself is not kept (a failed job keeps
        # it, for a retry).
        with contextlib.suppress(OSError):
            os.remove(p["path"])
    return {"run_id": run_id}


def _import_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    """Add uploaded articles to the watchlist; outcomes (and stored articles) carry the files' original names.

    Payload: ``paths``, ``names`` (stored path -> the name the user knows), ``source``, ``count`` and
    ``uploaded`` (the files are this job's own copies: removed once the import has run, kept for a retry if not).
    """
    from watchlists import ingest, store
    from watchlists.errors import ArticleError
    from watchlists.sources import read_all

    p = job["payload"]
    names = p.get("names") or {}

    def shown(where: str) -> str:
        # "…/3f9c….jsonl line 3" -> "clients.jsonl line 3"
        for path, name in names.items():
            if where == path or where.startswith(path + " "):
                return name + where[len(path):]
        return where

    def raws():
        for item in read_all(p["paths"], source=p.get("source") or None):
            if isinstance(item, ArticleError):
                yield ArticleError(shown(item.where), item.problem)
            else:
                item.where = shown(item.where)
                yield item

    outcomes = []

    def seen(o) -> None:
        outcomes.append({"where": o.where, "status": o.status, "title": o.title, "message": o.message,
                         "article_id": o.article_id})
        progress(done=len(outcomes), stage="reading articles")
    progress(stage="loading the language model", total=p.get("count"))
    listed = ", ".join(names.get(path, os.path.basename(path)) for path in p["paths"])
    ingest.ingest(db, p["paths"], raws=raws(), actor=job["actor"], progress=seen,
                  description=(f"upload by {job['actor'] or 'unknown'}: {listed}")[:500])
    if p.get("uploaded"):
        for path in p["paths"]:
            try:
                os.remove(path)
            except OSError:
                pass
    counts = {s: sum(1 for o in outcomes if o["status"] == s) for s in ("added", "duplicate", "linked", "failed")}
    return {"outcomes": outcomes, "counts": counts, "version": store.current_version(db),
            "monitor_job": _monitor_after(db, job)}


def _monitor_after(db: sqlite_utils.Database, job: dict) -> int | None:
    """Queue a re-screen of the monitored clients if the watchlist moved past any of them; return its job id."""
    from . import monitor

    return monitor.enqueue_if_behind(db, job["actor"] or "")


def _monitor_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    """Re-screen the monitored clients against what the watchlist gained since each was screened."""
    from . import monitor

    progress(stage="re-screening monitored clients")
    summary = monitor.rescreen(db, job["actor"] or "", full=bool(job["payload"].get("full")), job_id=job["id"],
                               progress=lambda done, total: progress(done=done, total=total, stage="re-screening"))
    ids = summary.pop("entities")
    return {**summary, "entity_count": len(ids), "entities": ids[:1000]}


HANDLERS: dict[str, Handler] = {"screen": _screen_job, "import": _import_job, "monitor": _monitor_job}


def run_one(db: sqlite_utils.Database, worker: str, handlers: dict[str, Handler] | None = None) -> dict | None:
    """Claim and run one job (if any is queued); return it as it ended."""
    handlers = handlers or HANDLERS
    job = claim(db, worker)
    if job is None:
        return None
    last = [0.0]

    def progress(done: int | None = None, total: int | None = None, stage: str | None = None) -> None:
        t = time.monotonic()
        if stage is not None or t - last[0] >= HEARTBEAT_S / 2:
            last[0] = t
            beat(db, job["id"], done, total, stage)

    stop = threading.Event()
    pulse = threading.Thread(target=_pulse, args=(db, job["id"], stop), daemon=True)
    pulse.start()
    try:
        handler = handlers.get(job["kind"])
        if handler is None:
            raise JobError(f"unknown job kind {job['kind']!r}")
        result = handler(db, job, progress)
    except Exception as exc:
        stop.set()
        pulse.join()
        message = str(exc.args[0]) if getattr(exc, "args", None) else type(exc).__name__
        log.warning("job %s failed: %s", job["id"], message)
        fail(db, job["id"], message)
    else:
        stop.set()
        pulse.join()
        finish(db, job["id"], result)
    return get_job(db, job["id"])


def _pulse(db: sqlite_utils.Database, job_id: int, stop: threading.Event) -> None:
    """Beat the heartbeat from a thread of its own (its own connection), even while the job computes."""
    from .db import connect

    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return
    own = connect(path, migrate_schema=False)
    try:
        while not stop.wait(HEARTBEAT_S):
            beat(own, job_id)
    finally:
        own.close()


UPLOAD_MAX_AGE_S = 24 * 3600


def upload_dir(db_path: str) -> str:
    """Where the web app stores uploads: ``SCREENING_UPLOAD_DIR``, else ``uploads/`` beside the database."""
    return os.environ.get("SCREENING_UPLOAD_DIR") or os.path.join(os.path.dirname(os.path.abspath(db_path)),
                                                                   "uploads")


def sweep_uploads(db: sqlite_utils.Database, folder: str, max_age_s: float = UPLOAD_MAX_AGE_S) -> list[str]:
    """Delete uploads older than ``max_age_s`` that no queued, running or failed job needs (previews never
    started, files of jobs long done); return the names deleted."""
    if not os.path.isdir(folder):
        return []
    needed: set[str] = set()
    for (payload,) in db.execute("SELECT payload FROM jobs WHERE status IN (?, ?, ?)", [QUEUED, RUNNING, FAILED]):
        data = json.loads(payload)
        needed.update(os.path.basename(p) for p in [data.get("path"), *(data.get("paths") or [])] if p)
    cutoff = time.time() - max_age_s
    gone = []
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name not in needed and entry.stat().st_mtime < cutoff:
            with contextlib.suppress(OSError):
                os.remove(entry.path)
                gone.append(entry.name)
    return gone


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def work(db_path: str, stop: threading.Event | None = None, poll: float = 0.5,
         stale_after: float = STALE_AFTER_S) -> None:
    """Run jobs until ``stop`` is set: recover stale jobs, claim, run, repeat."""
    from .db import connect

    stop = stop or threading.Event()
    db = connect(db_path)
    name = worker_name()
    log.info("worker %s on %s", name, db_path)
    next_recovery = next_sweep = 0.0
    try:
        while not stop.is_set():
            if time.monotonic() >= next_recovery:
                for job_id in recover(db, stale_after):
                    log.warning("job %s: its worker stopped; queued again or failed", job_id)
                next_recovery = time.monotonic() + stale_after / 2
            if time.monotonic() >= next_sweep:
                gone = sweep_uploads(db, upload_dir(db_path))
                if gone:
                    log.info("deleted %d uploads older than a day that no job needs", len(gone))
                next_sweep = time.monotonic() + 3600
            if run_one(db, name) is None:
                stop.wait(poll)
    finally:
        db.close()
